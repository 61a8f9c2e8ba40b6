// Interop with libsrtp2 (Debian libsrtp2-dev) through tests/interop/libsrtp/srtp-helper.c, both
// directions, for every suite libsrtp has (not f8, which it lacks; not AES-192, which Debian's 2.5.0
// gets wrong): SRTP across a sequence-number wrap (ROC 0→1 and from a signalled ROC), SRTCP, MKI,
// and replayed or tampered packets refused by both sides.
import { nobleCrypto } from '../../hal/noble-crypto.js';
import { SrtpContext } from '../../modules/srtp/context.js';
import { SrtpError } from '../../modules/srtp/errors.js';
import { protectionProfile, type ProtectionProfileName } from '../../modules/srtp/protection-profile.js';
import { protectRtcp, unprotectRtcp } from '../../modules/srtp/srtcp.js';
import { protectRtp, unprotectRtp } from '../../modules/srtp/srtp.js';
import { fromHex, toHex } from '../../modules/util/bytes.js';
import { buildLibsrtpHelper, runLibsrtp } from '../support/srtp-libsrtp.js';

const SUITES: ProtectionProfileName[] = [
  'AES_CM_128_HMAC_SHA1_80',
  'AES_CM_128_HMAC_SHA1_32',
  'AES_256_CM_HMAC_SHA1_80',
  'AES_256_CM_HMAC_SHA1_32',
  'AEAD_AES_128_GCM',
  'AEAD_AES_256_GCM',
  'NULL_HMAC_SHA1_80',
  'AES_CM_128_NULL_AUTH',
];

let helper: string;
beforeAll(() => {
  helper = buildLibsrtpHelper();
});

/** Deterministic pseudo-random bytes (xorshift32) so a failure reproduces. */
function bytes(seed: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed | 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** RTP packets with sequence numbers from `firstSeq` on (wrapping at 2^16), some with CSRCs. */
function rtpPackets(firstSeq: number, count: number, ssrc: number): string[] {
  return Array.from({ length: count }, (_, n) => {
    const csrcs = n % 3 === 1 ? 2 : 0;
    const payload = bytes(n + 7, 20 + ((n * 37) % 160));
    const packet = new Uint8Array(12 + 4 * csrcs + payload.length);
    const seq = (firstSeq + n) & 0xffff;
    packet.set([0x80 | csrcs, n % 2 ? 0x80 : 0x00, seq >> 8, seq & 0xff, 0, 0, n >> 8, (n * 160) & 0xff]);
    packet.set([ssrc >>> 24, (ssrc >>> 16) & 0xff, (ssrc >>> 8) & 0xff, ssrc & 0xff], 8);
    packet.set(bytes(n + 99, 4 * csrcs), 12);
    packet.set(payload, 12 + 4 * csrcs);
    return toHex(packet);
  });
}

/** Compound-looking RTCP packets (SR header) of various lengths. */
function rtcpPackets(count: number, ssrc: number): string[] {
  return Array.from({ length: count }, (_, n) => {
    const words = 6 + n;
    const packet = bytes(n + 1234, 4 * (words + 1));
    packet.set([0x80, 200, words >> 8, words & 0xff, ssrc >>> 24, (ssrc >>> 16) & 0xff, (ssrc >>> 8) & 0xff, ssrc & 0xff]);
    return toHex(packet);
  });
}

function material(suite: ProtectionProfileName, seed: number) {
  const p = protectionProfile(suite);
  const masterKey = bytes(seed, p.masterKeyLength);
  const masterSalt = bytes(seed + 1, p.masterSaltLength);
  return { masterKey, masterSalt, keyHex: toHex(masterKey) + toHex(masterSalt) };
}

function ours(suite: ProtectionProfileName, seed: number, roc = 0): SrtpContext {
  const { masterKey, masterSalt } = material(suite, seed);
  return new SrtpContext({ profile: suite, masterKey, masterSalt, crypto: nobleCrypto, roc });
}

function attempt(f: () => Uint8Array): string {
  try {
    return toHex(f());
  } catch (e) {
    if (e instanceof SrtpError) return `error: ${e.reason}`;
    throw e;
  }
}

describe.each(SUITES)('%s with libsrtp2', (suite) => {
  const ssrc = 0x5eed0001;

  it.each([
    ['from ROC 0, across the wrap to ROC 1', 0, 65530],
    ['from a signalled ROC 7, across the wrap to ROC 8', 7, 65500],
  ])('SRTP %s: both directions agree byte for byte', (_name, roc, firstSeq) => {
    const { keyHex } = material(suite, 11);
    const plain = rtpPackets(firstSeq, 60, ssrc);
    const tx = ours(suite, 11, roc);
    const mine = plain.map((p) => toHex(protectRtp(tx, fromHex(p))));
    const theirs = runLibsrtp(helper, 'protect', suite, keyHex, false, roc, plain);
    // SRTP is deterministic given key, SSRC and index, so the two encodings must be identical.
    expect(mine).toEqual(theirs);
    expect(runLibsrtp(helper, 'unprotect', suite, keyHex, false, roc, mine)).toEqual(plain);
    const rx = ours(suite, 11, roc);
    expect(theirs.map((p) => attempt(() => unprotectRtp(rx, fromHex(p))))).toEqual(plain);
  });

  it('SRTCP both directions', () => {
    const { keyHex } = material(suite, 23);
    const plain = rtcpPackets(12, ssrc);
    const tx = ours(suite, 23);
    const mine = plain.map((p) => toHex(protectRtcp(tx, fromHex(p))));
    expect(runLibsrtp(helper, 'unprotect', suite, keyHex, true, 0, mine)).toEqual(plain);
    const theirs = runLibsrtp(helper, 'protect', suite, keyHex, true, 0, plain);
    const rx = ours(suite, 23);
    expect(theirs.map((p) => attempt(() => unprotectRtcp(rx, fromHex(p))))).toEqual(plain);
    // The _32 suites keep an 80-bit SRTCP tag (10 bytes) like libsrtp; GCM has its 16-byte tag.
    const trailer = 4 + protectionProfile(suite).srtcpTagLength;
    expect(theirs.map((p) => p.length / 2)).toEqual(plain.map((p) => p.length / 2 + trailer));
  });

  it('refuses replayed packets, as libsrtp does', () => {
    const { keyHex } = material(suite, 31);
    const [a, b] = rtpPackets(100, 2, ssrc);
    const [c] = rtcpPackets(1, ssrc);
    const srtp = runLibsrtp(helper, 'protect', suite, keyHex, false, 0, [a, b]);
    const replayed = [srtp[0], srtp[1], srtp[0], srtp[1]];
    expect(runLibsrtp(helper, 'unprotect', suite, keyHex, false, 0, replayed)).toEqual([a, b, 'error: replay', 'error: replay']);
    const rx = ours(suite, 31);
    expect(replayed.map((p) => attempt(() => unprotectRtp(rx, fromHex(p))))).toEqual([a, b, 'error: replay', 'error: replay']);
    const srtcp = runLibsrtp(helper, 'protect', suite, keyHex, true, 0, [c]);
    expect(runLibsrtp(helper, 'unprotect', suite, keyHex, true, 0, [srtcp[0], srtcp[0]])).toEqual([c, 'error: replay']);
    const rxc = ours(suite, 31);
    expect([srtcp[0], srtcp[0]].map((p) => attempt(() => unprotectRtcp(rxc, fromHex(p))))).toEqual([c, 'error: replay']);
  });

});

const AUTHENTICATED = SUITES.filter((suite) => protectionProfile(suite).srtpTagLength > 0);

describe.each(AUTHENTICATED)('%s tampering, with libsrtp2', (suite) => {
  const ssrc = 0x5eed0002;

  it('refuses tampered packets, as libsrtp does', () => {
    const { keyHex } = material(suite, 41);
    const plain = rtpPackets(500, 4, ssrc);
    const srtp = runLibsrtp(helper, 'protect', suite, keyHex, false, 0, plain);
    // Flip one bit in the header, the payload, and the tag; leave the last packet intact.
    const flip = (h: string, at: number) => {
      const b = fromHex(h);
      b[at < 0 ? b.length + at : at] ^= 0x04;
      return toHex(b);
    };
    const tampered = [flip(srtp[0], 1), flip(srtp[1], 20), flip(srtp[2], -1), srtp[3]];
    const expected = ['error: authentication', 'error: authentication', 'error: authentication', plain[3]];
    expect(runLibsrtp(helper, 'unprotect', suite, keyHex, false, 0, tampered)).toEqual(expected);
    const rx = ours(suite, 41);
    expect(tampered.map((p) => attempt(() => unprotectRtp(rx, fromHex(p))))).toEqual(expected);
    const [c] = rtcpPackets(1, ssrc);
    const srtcp = runLibsrtp(helper, 'protect', suite, keyHex, true, 0, [c])[0];
    const rxc = ours(suite, 41);
    expect(attempt(() => unprotectRtcp(rxc, fromHex(flip(srtcp, 10))))).toBe('error: authentication');
    expect(runLibsrtp(helper, 'unprotect', suite, keyHex, true, 0, [flip(srtcp, 10)])).toEqual(['error: authentication']);
  });
});

describe.each(['AES_CM_128_HMAC_SHA1_80', 'AES_256_CM_HMAC_SHA1_32', 'AEAD_AES_128_GCM'] as const)('%s with an MKI, with libsrtp2', (suite) => {
  const ssrc = 0x5eed0003;
  const mkiHex = 'c0ffee01';

  function withMki(seed: number): SrtpContext {
    const { masterKey, masterSalt } = material(suite, seed);
    return new SrtpContext({ profile: suite, masterKey, masterSalt, crypto: nobleCrypto, mki: fromHex(mkiHex) });
  }

  it('SRTP and SRTCP both directions carry the MKI where libsrtp does', () => {
    const { keyHex } = material(suite, 51);
    const plain = rtpPackets(1000, 6, ssrc);
    const tx = withMki(51);
    const mine = plain.map((p) => toHex(protectRtp(tx, fromHex(p))));
    expect(mine).toEqual(runLibsrtp(helper, 'protect', suite, keyHex, false, 0, plain, mkiHex));
    expect(runLibsrtp(helper, 'unprotect', suite, keyHex, false, 0, mine, mkiHex)).toEqual(plain);
    const control = rtcpPackets(3, ssrc);
    const theirs = runLibsrtp(helper, 'protect', suite, keyHex, true, 0, control, mkiHex);
    const rx = withMki(51);
    expect(theirs.map((p) => attempt(() => unprotectRtcp(rx, fromHex(p))))).toEqual(control);
    // libsrtp numbers SRTCP from 1 and this engine from 0: our second packet must equal its first.
    const tx2 = withMki(51);
    protectRtcp(tx2, fromHex(control[0]));
    expect(toHex(protectRtcp(tx2, fromHex(control[0])))).toBe(theirs[0]);
    if (protectionProfile(suite).srtpTagLength === protectionProfile(suite).srtcpTagLength) {
      // libsrtp 2.5's srtp_unprotect_rtcp_mki looks for the MKI using the SRTP tag length, so for
      // the _32 suites (80-bit SRTCP tag) it cannot find the MKI even in its own packets.
      const srtcp = control.map((p) => toHex(protectRtcp(tx, fromHex(p))));
      expect(runLibsrtp(helper, 'unprotect', suite, keyHex, true, 0, srtcp, mkiHex)).toEqual(control);
    }
  });

  it('refuses an unknown MKI, as libsrtp does', () => {
    const { keyHex } = material(suite, 61);
    const [packet] = rtpPackets(7, 1, ssrc);
    const srtp = runLibsrtp(helper, 'protect', suite, keyHex, false, 0, [packet], mkiHex)[0];
    const p = protectionProfile(suite);
    const bytes = fromHex(srtp);
    const mkiAt = bytes.length - (p.aead ? 4 : 4 + p.srtpTagLength);
    expect(toHex(bytes.subarray(mkiAt, mkiAt + 4))).toBe(mkiHex);
    bytes[mkiAt + 3] ^= 0xff;
    expect(runLibsrtp(helper, 'unprotect', suite, keyHex, false, 0, [toHex(bytes)], mkiHex)).toEqual(['error: mki']);
    expect(attempt(() => unprotectRtp(withMki(61), bytes))).toBe('error: mki');
  });
});
