// Node-only fuzzing at volume (>=100k cases): random and mutated SRTP/SRTCP packets under every
// profile only ever yield SrtpError, and never hang.
import fc from 'fast-check';
import { nobleCrypto } from '../../hal/noble-crypto.js';
import { SrtpContext } from '../../modules/srtp/context.js';
import { SrtpError } from '../../modules/srtp/errors.js';
import { protectionProfile, TEST_ONLY_PROFILES, type ProtectionProfileName } from '../../modules/srtp/protection-profile.js';
import { protectRtcp, unprotectRtcp } from '../../modules/srtp/srtcp.js';
import { protectRtp, unprotectRtp } from '../../modules/srtp/srtp.js';
import { SRTP_SUITES } from '../../modules/negotiation/capabilities.js';

const PROFILES: ProtectionProfileName[] = [...SRTP_SUITES, ...TEST_ONLY_PROFILES];

function context(profile: ProtectionProfileName, mki: boolean): SrtpContext {
  const p = protectionProfile(profile);
  return new SrtpContext({
    profile,
    masterKey: new Uint8Array(p.masterKeyLength).fill(3),
    masterSalt: new Uint8Array(p.masterSaltLength).fill(5),
    mki: mki ? new Uint8Array([1, 2]) : undefined,
    crypto: nobleCrypto,
  });
}

function refusedTyped(f: () => unknown): boolean {
  try {
    f();
    return true;
  } catch (e) {
    return e instanceof SrtpError;
  }
}

describe('SRTP fuzzing', () => {
  it('100k random or mutated packets: SrtpError only', () => {
    const receivers = new Map<string, SrtpContext>(PROFILES.flatMap((p) => [[`${p}/0`, context(p, false)], [`${p}/1`, context(p, true)]] as const));
    const senders = new Map<string, SrtpContext>(PROFILES.flatMap((p) => [[`${p}/0`, context(p, false)], [`${p}/1`, context(p, true)]] as const));
    const input = fc.record({
      profile: fc.constantFrom(...PROFILES),
      mki: fc.boolean(),
      rtcp: fc.boolean(),
      base: fc.uint8Array({ minLength: 0, maxLength: 80 }),
      mutations: fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 4 }),
      valid: fc.boolean(),
    });
    fc.assert(
      fc.property(input, ({ profile, mki, rtcp, base, mutations, valid }) => {
        const key = `${profile}/${mki ? 1 : 0}`;
        let packet: Uint8Array = base.slice();
        if (valid && packet.length >= 12) {
          packet[0] = 0x80;
          packet = rtcp ? protectRtcp(senders.get(key)!, packet) : protectRtp(senders.get(key)!, packet);
        }
        for (const [at, value] of mutations) if (packet.length) packet[at % packet.length] = value;
        const rx = receivers.get(key)!;
        return refusedTyped(() => (rtcp ? unprotectRtcp(rx, packet) : unprotectRtp(rx, packet)));
      }),
      { numRuns: 100_000 },
    );
  });
});
