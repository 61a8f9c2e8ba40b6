// fast-check properties of the SRTP engine: every profile round-trips any RTP/RTCP packet at any
// index, any flipped bit of an authenticated packet is refused, and garbage only ever yields an
// SrtpError (never another exception).
import fc from 'fast-check';
import { xsTunedCrypto } from '../../hal/host/xs-crypto.js';
import { nobleCrypto } from '../../hal/noble-crypto.js';
import { SrtpContext } from '../../modules/srtp/context.js';
import { SrtpError } from '../../modules/srtp/errors.js';
import { protectionProfile, TEST_ONLY_PROFILES, type ProtectionProfileName } from '../../modules/srtp/protection-profile.js';
import { protectRtcp, unprotectRtcp } from '../../modules/srtp/srtcp.js';
import { protectRtp, unprotectRtp } from '../../modules/srtp/srtp.js';
import { SRTP_SUITES } from '../../modules/negotiation/capabilities.js';
import { toHex } from '../../modules/util/bytes.js';

const PROFILES: ProtectionProfileName[] = [...SRTP_SUITES, ...TEST_ONLY_PROFILES];
const RUNS = 60;

const keyed = fc.constantFrom(...PROFILES).chain((profile) => {
  const p = protectionProfile(profile);
  return fc.record({
    profile: fc.constant(profile),
    masterKey: fc.uint8Array({ minLength: p.masterKeyLength, maxLength: p.masterKeyLength }),
    masterSalt: fc.uint8Array({ minLength: p.masterSaltLength, maxLength: p.masterSaltLength }),
    mki: fc.oneof(fc.constant(new Uint8Array(0)), fc.uint8Array({ minLength: 1, maxLength: 4 })),
    roc: fc.oneof(fc.constant(0), fc.nat(0xffff), fc.constant(0xfffffffe)),
  });
});

const rtpPacket = fc
  .record({
    csrcs: fc.integer({ min: 0, max: 3 }),
    extension: fc.option(fc.uint8Array({ maxLength: 12 }).map((b) => b.subarray(0, b.length & ~3))),
    marker: fc.boolean(),
    seq: fc.nat(0xffff),
    ssrc: fc.nat(0xffffffff),
    payload: fc.uint8Array({ maxLength: 300 }),
  })
  .map(({ csrcs, extension, marker, seq, ssrc, payload }) => {
    const ext = extension ? 4 + extension.length : 0;
    const packet = new Uint8Array(12 + 4 * csrcs + ext + payload.length).fill(0x77);
    packet[0] = 0x80 | (extension ? 0x10 : 0) | csrcs;
    packet[1] = (marker ? 0x80 : 0) | 0;
    packet.set([seq >> 8, seq & 0xff], 2);
    packet.set([ssrc >>> 24, (ssrc >>> 16) & 0xff, (ssrc >>> 8) & 0xff, ssrc & 0xff], 8);
    if (extension) {
      const at = 12 + 4 * csrcs;
      packet.set([0xbe, 0xde, 0, extension.length / 4], at);
      packet.set(extension, at + 4);
    }
    packet.set(payload, packet.length - payload.length);
    return packet;
  });

function ssrcOf(packet: Uint8Array): number {
  return ((packet[8] << 24) | (packet[9] << 16) | (packet[10] << 8) | packet[11]) >>> 0;
}

const rtcpPacket = fc.uint8Array({ minLength: 8, maxLength: 200 }).map((b) => {
  const packet = b.slice();
  packet[0] = 0x80 | (packet[0] & 0x3f);
  return packet;
});

/** A sender on the default @noble provider and a receiver on the XS host's tuned one: they must agree. */
function contexts(k: { profile: ProtectionProfileName; masterKey: Uint8Array; masterSalt: Uint8Array; mki: Uint8Array; roc: number }) {
  return [new SrtpContext({ ...k, crypto: nobleCrypto }), new SrtpContext({ ...k, crypto: xsTunedCrypto })] as const;
}

function onlySrtpErrors(f: () => unknown): boolean {
  try {
    f();
    return true;
  } catch (e) {
    return e instanceof SrtpError;
  }
}

describe('SRTP properties', () => {
  it('round-trips any RTP packet under every profile, any MKI and ROC', () => {
    fc.assert(
      // One packet per SSRC: two random packets of one SSRC may rightly be refused as replays.
      fc.property(keyed, fc.uniqueArray(rtpPacket, { minLength: 1, maxLength: 3, selector: ssrcOf }), (k, packets) => {
        const [tx, rx] = contexts(k);
        for (const packet of packets) {
          const srtp = protectRtp(tx, packet);
          expect(toHex(unprotectRtp(rx, srtp))).toBe(toHex(packet));
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('round-trips any RTCP packet under every profile', () => {
    fc.assert(
      fc.property(keyed, fc.array(rtcpPacket, { minLength: 1, maxLength: 3 }), (k, packets) => {
        const [tx, rx] = contexts(k);
        for (const packet of packets) expect(toHex(unprotectRtcp(rx, protectRtcp(tx, packet)))).toBe(toHex(packet));
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses any single flipped bit of an authenticated SRTP or SRTCP packet', () => {
    const authenticated = keyed.filter((k) => protectionProfile(k.profile).srtpTagLength >= 10);
    fc.assert(
      fc.property(authenticated, rtpPacket, rtcpPacket, fc.nat(), fc.nat(7), (k, packet, control, where, bit) => {
        const [tx, rx] = contexts(k);
        const srtp = protectRtp(tx, packet);
        srtp[where % srtp.length] ^= 1 << bit;
        expect(() => unprotectRtp(rx, srtp)).toThrow(SrtpError);
        const srtcp = protectRtcp(tx, control);
        srtcp[where % srtcp.length] ^= 1 << bit;
        expect(() => unprotectRtcp(rx, srtcp)).toThrow(SrtpError);
      }),
      { numRuns: RUNS },
    );
  });

  it('meets garbage with SrtpError only', () => {
    fc.assert(
      fc.property(keyed, fc.uint8Array({ maxLength: 120 }), (k, garbage) => {
        const [, rx] = contexts(k);
        expect(onlySrtpErrors(() => unprotectRtp(rx, garbage))).toBe(true);
        expect(onlySrtpErrors(() => unprotectRtcp(rx, garbage))).toBe(true);
        const [tx] = contexts(k);
        expect(onlySrtpErrors(() => protectRtp(tx, garbage))).toBe(true);
        expect(onlySrtpErrors(() => protectRtcp(tx, garbage))).toBe(true);
      }),
      { numRuns: RUNS * 3 },
    );
  });
});
