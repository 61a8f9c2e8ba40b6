// SRTP engine behaviour that the vectors do not reach: ROC estimation (RFC 3711 Appendix A), the
// replay window (§3.3.2), MKI (§3.1), kdr > 0 (§4.3.1), SRTCP tag lengths and refusals.
import { ecb, gcm } from '@noble/ciphers/aes.js';
import { xsTunedCrypto } from '../../hal/host/xs-crypto.js';
import { nobleCrypto } from '../../hal/noble-crypto.js';
import { SrtpContext, type SrtpContextOptions } from '../../modules/srtp/context.js';
import { SrtpError } from '../../modules/srtp/errors.js';
import { deriveSessionKey } from '../../modules/srtp/key-derivation.js';
import { protectionProfile, TEST_ONLY_PROFILES, type ProtectionProfileName } from '../../modules/srtp/protection-profile.js';
import { ReplayWindow } from '../../modules/srtp/replay-window.js';
import { estimateRoc } from '../../modules/srtp/rollover-counter.js';
import { protectRtcp, unprotectRtcp } from '../../modules/srtp/srtcp.js';
import { protectRtp, unprotectRtp } from '../../modules/srtp/srtp.js';
import { SRTP_SUITES } from '../../modules/negotiation/capabilities.js';
import { concatBytes, toHex } from '../../modules/util/bytes.js';

const ALL: ProtectionProfileName[] = [...SRTP_SUITES, ...TEST_ONLY_PROFILES];

function pair(profile: ProtectionProfileName, extra: Partial<SrtpContextOptions> = {}): [SrtpContext, SrtpContext] {
  const p = protectionProfile(profile);
  const masterKey = new Uint8Array(p.masterKeyLength).map((_, i) => i * 7 + 1);
  const masterSalt = new Uint8Array(p.masterSaltLength).map((_, i) => 0xa0 + i);
  const make = () => new SrtpContext({ profile, masterKey, masterSalt, crypto: nobleCrypto, ...extra });
  return [make(), make()];
}

function rtp(seq: number, payloadLength = 160, ssrc = 0x11223344): Uint8Array {
  const packet = new Uint8Array(12 + payloadLength).fill(0xd5);
  packet.set([0x80, 0x00, seq >> 8, seq & 0xff, 0, 0, 0x10, 0x00, ssrc >>> 24, (ssrc >>> 16) & 0xff, (ssrc >>> 8) & 0xff, ssrc & 0xff]);
  return packet;
}

function rtcp(ssrc = 0x11223344): Uint8Array {
  const packet = new Uint8Array(28).fill(0x3c);
  packet.set([0x80, 200, 0, 6, ssrc >>> 24, (ssrc >>> 16) & 0xff, (ssrc >>> 8) & 0xff, ssrc & 0xff]);
  return packet;
}

function reasonOf(f: () => unknown): string {
  try {
    f();
    return 'accepted';
  } catch (e) {
    if (e instanceof SrtpError) return e.reason;
    throw e;
  }
}

describe('ROC estimation (RFC 3711 Appendix A)', () => {
  it('guesses ROC - 1, ROC or ROC + 1 around the wrap', () => {
    expect(estimateRoc(100, 50, 3)).toBe(3);
    expect(estimateRoc(65500, 10, 3)).toBe(2); // a late packet from before the wrap
    expect(estimateRoc(5, 65530, 3)).toBe(4); // the first packets after the wrap
    expect(estimateRoc(40000, 65530, 3)).toBe(3);
    expect(estimateRoc(32766, 65535, 3)).toBe(4);
    expect(estimateRoc(32767, 65535, 3)).toBe(3);
  });

  it('follows a stream through two wraps and accepts a late packet from before a wrap', () => {
    const [tx, rx] = pair('AES_CM_128_HMAC_SHA1_80');
    const sent: Uint8Array[] = [];
    for (let n = 0; n < 2 * 65536 + 100; n += 997) sent.push(protectRtp(tx, rtp((65000 + n) & 0xffff)));
    for (const s of sent) expect(reasonOf(() => unprotectRtp(rx, s))).toBe('accepted');
    // Seq 65535 of ROC 2 arrives after seq 3 of ROC 3: the receiver must guess ROC - 1.
    const around = Array.from({ length: 10 }, (_, n) => protectRtp(tx, rtp((65530 + n) & 0xffff)));
    const late = around.splice(5, 1)[0];
    for (const s of around) expect(reasonOf(() => unprotectRtp(rx, s))).toBe('accepted');
    expect(reasonOf(() => unprotectRtp(rx, late))).toBe('accepted');
    expect(reasonOf(() => unprotectRtp(rx, late))).toBe('replay');
  });
});

describe('replay window (RFC 3711 §3.3.2)', () => {
  it('keeps at least 128 packets and refuses sizes below', () => {
    expect(() => new ReplayWindow(64)).toThrow(RangeError);
    const w = new ReplayWindow(128);
    w.accept(1000);
    expect(w.isFresh(1000)).toBe(false);
    expect(w.isFresh(1000 - 127)).toBe(true);
    expect(w.isFresh(1000 - 128)).toBe(false);
    w.accept(1000 - 127);
    expect(w.isFresh(1000 - 127)).toBe(false);
    w.accept(1001 + 40);
    expect(w.isFresh(1000)).toBe(false);
    expect(w.isFresh(1041 - 127)).toBe(true);
    expect(w.isFresh(1000 - 127)).toBe(false);
  });

  it('accepts SRTP packets out of order inside 128 and refuses replays and older ones', () => {
    const [tx, rx] = pair('AES_CM_128_HMAC_SHA1_32');
    const sent = Array.from({ length: 300 }, (_, seq) => protectRtp(tx, rtp(seq)));
    expect(reasonOf(() => unprotectRtp(rx, sent[299]))).toBe('accepted');
    expect(reasonOf(() => unprotectRtp(rx, sent[299 - 127]))).toBe('accepted');
    expect(reasonOf(() => unprotectRtp(rx, sent[299 - 127]))).toBe('replay');
    expect(reasonOf(() => unprotectRtp(rx, sent[299 - 128]))).toBe('replay');
    expect(reasonOf(() => unprotectRtp(rx, sent[299]))).toBe('replay');
  });

  it('does the same for SRTCP', () => {
    const [tx, rx] = pair('AEAD_AES_256_GCM');
    const sent = Array.from({ length: 200 }, () => protectRtcp(tx, rtcp()));
    expect(reasonOf(() => unprotectRtcp(rx, sent[199]))).toBe('accepted');
    expect(reasonOf(() => unprotectRtcp(rx, sent[72]))).toBe('accepted');
    expect(reasonOf(() => unprotectRtcp(rx, sent[72]))).toBe('replay');
    expect(reasonOf(() => unprotectRtcp(rx, sent[71]))).toBe('replay');
  });

  it('does not move on a packet that fails authentication', () => {
    const [tx, rx] = pair('AES_CM_128_HMAC_SHA1_80');
    const good = protectRtp(tx, rtp(10));
    const forged = good.slice();
    forged[20] ^= 1;
    expect(reasonOf(() => unprotectRtp(rx, forged))).toBe('authentication');
    expect(reasonOf(() => unprotectRtp(rx, good))).toBe('accepted');
  });
});

describe('every profile', () => {
  it.each(ALL)('%s round-trips SRTP and SRTCP with the right trailer sizes', (name) => {
    const p = protectionProfile(name);
    const [tx, rx] = pair(name);
    const packet = rtp(7);
    const srtp = protectRtp(tx, packet);
    expect(srtp.length).toBe(packet.length + p.srtpTagLength);
    if (p.cipher !== 'NULL') expect(toHex(srtp.subarray(12, 172))).not.toBe(toHex(packet.subarray(12)));
    expect(toHex(unprotectRtp(rx, srtp))).toBe(toHex(packet));
    const control = rtcp();
    const srtcp = protectRtcp(tx, control);
    expect(srtcp.length).toBe(control.length + 4 + p.srtcpTagLength);
    expect(srtcp[control.length + (p.aead ? 16 : 0)] >= 0x80).toBe(p.cipher !== 'NULL'); // the E flag
    expect(toHex(unprotectRtcp(rx, srtcp))).toBe(toHex(control));
  });

  it.each(ALL)('%s: a sender on @noble and a receiver on the xs-tuned provider agree, and back', (name) => {
    const [noble] = pair(name);
    const [tuned] = pair(name, { crypto: xsTunedCrypto });
    const [nobleRx] = pair(name);
    const [tunedRx] = pair(name, { crypto: xsTunedCrypto });
    const packet = rtp(9);
    expect(toHex(unprotectRtp(tunedRx, protectRtp(noble, packet)))).toBe(toHex(packet));
    expect(toHex(unprotectRtp(nobleRx, protectRtp(tuned, packet)))).toBe(toHex(packet));
    const control = rtcp();
    expect(toHex(unprotectRtcp(tunedRx, protectRtcp(noble, control)))).toBe(toHex(control));
    expect(toHex(unprotectRtcp(nobleRx, protectRtcp(tuned, control)))).toBe(toHex(control));
  });

  it('uses 80-bit SRTCP tags for the _32 suites and 32-bit SRTP tags', () => {
    for (const name of ['AES_CM_128_HMAC_SHA1_32', 'AES_256_CM_HMAC_SHA1_32'] as const) {
      expect(protectionProfile(name).srtpTagLength).toBe(4);
      expect(protectionProfile(name).srtcpTagLength).toBe(10);
    }
  });
});

describe('AES-GCM against @noble/ciphers gcm (RFC 7714 §8)', () => {
  it.each(['AEAD_AES_128_GCM', 'AEAD_AES_256_GCM'] as const)('%s', (name) => {
    const [tx] = pair(name);
    const p = protectionProfile(name);
    const masterKey = new Uint8Array(p.masterKeyLength).map((_, i) => i * 7 + 1);
    const masterSalt = new Uint8Array(p.masterSaltLength).map((_, i) => 0xa0 + i);
    const master = nobleCrypto.aesKey(masterKey);
    const salt14 = concatBytes(masterSalt, new Uint8Array(2));
    const key = deriveSessionKey(master, salt14, 0, 0, 6, p.sessionKeyLength);
    const salt = deriveSessionKey(master, salt14, 2, 0, 6, 12);
    for (let seq = 65534; seq < 65539; seq++) {
      const packet = rtp(seq & 0xffff, 50 + seq - 65534);
      const roc = seq >> 16;
      const iv = salt.slice();
      const mix = [0, 0, 0x11, 0x22, 0x33, 0x44, roc >>> 24, (roc >>> 16) & 0xff, (roc >>> 8) & 0xff, roc & 0xff, (seq >> 8) & 0xff, seq & 0xff];
      for (let i = 0; i < 12; i++) iv[i] ^= mix[i];
      const expected = concatBytes(packet.subarray(0, 12), gcm(key, iv, packet.subarray(0, 12)).encrypt(packet.subarray(12)));
      expect(toHex(protectRtp(tx, packet))).toBe(toHex(expected));
    }
  });
});

describe('AES-f8 SRTCP and SRTP against the RFC 3711 §4.1.2 construction on @noble AES-ECB', () => {
  /** f8 keystream written from the RFC text: IV' = E(k_e XOR m, IV), S(j) = E(k_e, IV' XOR j XOR S(j-1)). */
  function f8Keystream(key: Uint8Array, salt: Uint8Array, iv: Uint8Array, length: number): Uint8Array {
    const aes = (k: Uint8Array, block: Uint8Array) => ecb(k, { disablePadding: true }).encrypt(block);
    const m = new Uint8Array(16).fill(0x55);
    m.set(salt);
    const ivPrime = aes(key.map((b, i) => b ^ m[i]), iv);
    const out = new Uint8Array(length);
    let s = new Uint8Array(16);
    for (let j = 0; j * 16 < length; j++) {
      const input = ivPrime.map((b, i) => b ^ s[i] ^ (i >= 12 ? (j >>> (8 * (15 - i))) & 0xff : 0));
      s = aes(key, input);
      out.set(s.subarray(0, Math.min(16, length - 16 * j)), 16 * j);
    }
    return out;
  }

  it('encrypts SRTP and SRTCP payloads as the RFC defines (IV from the header, ROC, E and index)', () => {
    const [tx] = pair('AES_F8_128_HMAC_SHA1_80');
    const p = protectionProfile('AES_F8_128_HMAC_SHA1_80');
    const masterKey = new Uint8Array(p.masterKeyLength).map((_, i) => i * 7 + 1);
    const masterSalt = new Uint8Array(p.masterSaltLength).map((_, i) => 0xa0 + i);
    const master = nobleCrypto.aesKey(masterKey);
    const derive = (label: number, n: number) => deriveSessionKey(master, masterSalt, label, 0, 6, n);
    const packet = rtp(9, 45);
    const srtp = protectRtp(tx, packet);
    const rtpIv = concatBytes(new Uint8Array([0]), packet.subarray(1, 12), new Uint8Array(4));
    const rtpStream = f8Keystream(derive(0, 16), derive(2, 14), rtpIv, 45);
    expect(toHex(srtp.subarray(12, 57))).toBe(toHex(packet.subarray(12).map((b, i) => b ^ rtpStream[i])));
    const control = rtcp();
    protectRtcp(tx, control);
    const srtcp = protectRtcp(tx, control); // SRTCP index 1, E set
    const rtcpIv = concatBytes(new Uint8Array([0, 0, 0, 0, 0x80, 0, 0, 1]), control.subarray(0, 8));
    const rtcpStream = f8Keystream(derive(3, 16), derive(5, 14), rtcpIv, 20);
    expect(toHex(srtcp.subarray(8, 28))).toBe(toHex(control.subarray(8).map((b, i) => b ^ rtcpStream[i])));
    expect(toHex(srtcp.subarray(28, 32))).toBe('80000001');
  });
});

describe('MKI (RFC 3711 §3.1)', () => {
  it.each(['AES_CM_128_HMAC_SHA1_80', 'AEAD_AES_128_GCM', 'AES_F8_128_HMAC_SHA1_80'] as const)('%s carries the MKI and refuses another', (name) => {
    const mki = new Uint8Array([0xde, 0xad, 0xbe, 0xef]);
    const p = protectionProfile(name);
    const [tx, rx] = pair(name, { mki });
    const srtp = protectRtp(tx, rtp(1));
    expect(srtp.length).toBe(172 + 4 + p.srtpTagLength);
    const mkiAt = p.aead ? 172 + p.srtpTagLength : 172;
    expect(toHex(srtp.subarray(mkiAt, mkiAt + 4))).toBe('deadbeef');
    const other = srtp.slice();
    other[mkiAt] ^= 0xff;
    expect(reasonOf(() => unprotectRtp(rx, other))).toBe('mki');
    expect(unprotectRtp(rx, srtp)).toHaveLength(172);
    const srtcp = protectRtcp(tx, rtcp());
    expect(srtcp.length).toBe(28 + 4 + 4 + p.srtcpTagLength);
    expect(unprotectRtcp(rx, srtcp)).toHaveLength(28);
  });
});

describe('key derivation rate (RFC 3711 §4.3.1)', () => {
  it('re-derives keys every kdr packets, and both ends agree across the change', () => {
    const [tx, rx] = pair('AES_CM_128_HMAC_SHA1_80', { kdr: 16 });
    const [tx0] = pair('AES_CM_128_HMAC_SHA1_80');
    for (let seq = 0; seq < 40; seq++) {
      const srtp = protectRtp(tx, rtp(seq));
      const once = protectRtp(tx0, rtp(seq));
      // r = 0 for the first 16 packets, so they match the kdr-0 encoding; later ones do not.
      expect(toHex(srtp) === toHex(once)).toBe(seq < 16);
      expect(unprotectRtp(rx, srtp)).toHaveLength(172);
    }
  });

  it('refuses a rate that is not 0 or a power of two up to 2^24', () => {
    expect(() => pair('AES_CM_128_HMAC_SHA1_80', { kdr: 3 })).toThrow(RangeError);
    expect(() => pair('AES_CM_128_HMAC_SHA1_80', { kdr: 2 ** 25 })).toThrow(RangeError);
  });
});

describe('refusals', () => {
  it('types malformed packets', () => {
    const [, rx] = pair('AES_CM_128_HMAC_SHA1_80');
    expect(reasonOf(() => unprotectRtp(rx, new Uint8Array(5)))).toBe('malformed');
    expect(reasonOf(() => unprotectRtp(rx, rtp(1, 0)))).toBe('malformed');
    const v1 = rtp(1);
    v1[0] = 0x40;
    expect(reasonOf(() => unprotectRtp(rx, v1))).toBe('malformed');
    const ext = rtp(1, 8);
    ext[0] = 0x90;
    ext[14] = 0xff;
    expect(reasonOf(() => unprotectRtp(rx, ext))).toBe('malformed');
    expect(reasonOf(() => unprotectRtcp(rx, new Uint8Array(7)))).toBe('malformed');
    expect(reasonOf(() => unprotectRtcp(rx, rtcp().subarray(0, 20)))).toBe('malformed');
  });

  it('keeps no receiver state for SSRCs whose packets never authenticate', () => {
    const [tx, rx] = pair('AES_CM_128_HMAC_SHA1_80');
    for (let ssrc = 1; ssrc <= 50; ssrc++) {
      const forged = protectRtp(tx, rtp(ssrc, 40, ssrc));
      forged[forged.length - 1] ^= 1;
      expect(reasonOf(() => unprotectRtp(rx, forged))).toBe('authentication');
      const forgedRtcp = protectRtcp(tx, rtcp(ssrc));
      forgedRtcp[forgedRtcp.length - 1] ^= 1;
      expect(reasonOf(() => unprotectRtcp(rx, forgedRtcp))).toBe('authentication');
    }
    expect(rx.inboundRtp.size).toBe(0);
    expect(rx.inboundRtcp.size).toBe(0);
    expect(reasonOf(() => unprotectRtp(rx, protectRtp(tx, rtp(99, 40, 7))))).toBe('accepted');
    expect(rx.inboundRtp.size).toBe(1);
  });

  it('refuses a master key of the wrong length', () => {
    expect(() => new SrtpContext({ profile: 'AES_256_CM_HMAC_SHA1_80', masterKey: new Uint8Array(16), masterSalt: new Uint8Array(14), crypto: nobleCrypto })).toThrow(RangeError);
  });
});
