// Random, valid phone settings for property tests of the settings store and menu, and random runs
// of saves with power cuts for the fault-injection tests. Pure: runs under jest and on XS.
import fc from 'fast-check';
import { KEY_AGREEMENTS, SRTP_MODES, SRTP_SUITES, type PriorityTable } from '../../modules/negotiation/capabilities.js';
import { ACCOUNT_TRANSPORTS, CALL_PROTECTIONS, DEFER_HEAVY_CRYPTO, factorySettings, MEDIA_TIMEOUTS_S, RING_TIMEOUTS_S, type LearnedPeer, type Settings } from '../../modules/settings/model.js';
import { toBase64, toHex } from '../../modules/util/bytes.js';
import type { ChaosStep } from './power-cut.js';

const hexKey = fc.uint8Array({ minLength: 16, maxLength: 32 }).map(toHex);
const peerUri = fc.stringMatching(/^sips?:[a-z0-9.]{1,8}@[a-z]{1,6}\.example\.com$/);
const base64 = fc.uint8Array({ maxLength: 48 }).map(toBase64);

export const tableArb: fc.Arbitrary<PriorityTable> = fc
  .record({
    kas: fc.shuffledSubarray([...KEY_AGREEMENTS], { minLength: 1 }),
    suites: fc.shuffledSubarray([...SRTP_SUITES], { minLength: 1 }),
    disabled: fc.array(fc.boolean(), { minLength: 7, maxLength: 7 }),
  })
  .map(({ kas, suites, disabled }) => ({
    keyAgreements: kas.map((name, rank) => ({ name, rank, enabled: !disabled[rank] })),
    suites: suites.map((name, rank) => ({ name, rank, enabled: !disabled[rank] })),
  }));

const learnedArb: fc.Arbitrary<LearnedPeer> = fc.record({ table: tableArb, learnedAt: fc.integer({ min: 0, max: 2 ** 47 }) });

export const settingsArb: fc.Arbitrary<Settings> = fc
  .record({
    priorities: tableArb,
    srtpMode: fc.constantFrom(...SRTP_MODES),
    user: fc.stringMatching(/^[a-z0-9]{1,12}$/),
    displayName: fc.string({ unit: 'grapheme', maxLength: 12 }),
    password: fc.string({ maxLength: 20 }),
    peers: fc.dictionary(peerUri, hexKey, { maxKeys: 4 }),
    learned: fc.dictionary(peerUri, learnedArb, { maxKeys: 3 }),
    certs: fc.dictionary(peerUri, base64.filter((b) => b.length > 0), { maxKeys: 2 }),
    credentials: fc.record({ ownKey: base64, ownChain: fc.array(base64, { maxLength: 2 }), trustAnchors: fc.array(base64, { maxLength: 2 }) }),
    defer: fc.constantFrom(...DEFER_HEAVY_CRYPTO),
    ring: fc.constantFrom(...RING_TIMEOUTS_S),
    media: fc.constantFrom(...MEDIA_TIMEOUTS_S),
    transport: fc.constantFrom(...ACCOUNT_TRANSPORTS),
    sdesOverNonTls: fc.boolean(),
    lastCall: fc.option(
      fc.record({
        peer: peerUri,
        protection: fc.constantFrom(...CALL_PROTECTIONS),
        keyAgreement: fc.constantFrom(...KEY_AGREEMENTS),
        suite: fc.constantFrom(...SRTP_SUITES),
        at: fc.integer({ min: 0, max: 2 ** 47 }),
      }),
      { nil: undefined },
    ),
    fallback: fc.boolean(),
  })
  .map(({ priorities, srtpMode, user, displayName, password, peers, learned, certs, credentials, defer, ring, media, transport, sdesOverNonTls, lastCall, fallback }) => ({
    ...factorySettings(),
    priorities,
    srtpMode,
    account: { sipUri: `sip:${user}@example.com`, displayName, registrar: 'example.com', outboundProxy: '', username: user, password, transport },
    peerKeys: peers,
    learnedPeers: learned,
    peerCertificates: certs,
    credentials,
    deferHeavyCrypto: defer,
    ringTimeoutS: ring,
    mediaTimeoutS: media,
    fallbackInOneOffer: fallback,
    sdesOverNonTls,
    ...(lastCall ? { lastCall } : {}),
  }));

/**
 * `maxSteps` saves of random settings; about half get a power cut at a random operation (an index
 * past the save's last operation lets it finish) in a random way.
 */
export function chaosStepsArb(maxSteps: number): fc.Arbitrary<ChaosStep[]> {
  const cut = fc.record({ at: fc.integer({ min: 0, max: 5 }), way: fc.nat() });
  return fc.array(
    fc.record({ settings: settingsArb, cut: fc.option(cut, { nil: undefined }) }).map(({ settings, cut }) => (cut ? { settings, cut } : { settings })),
    { minLength: 1, maxLength: maxSteps },
  );
}
