// Random, valid phone settings for property tests of the settings store and menu.
import fc from 'fast-check';
import { KEY_AGREEMENTS, SRTP_MODES, SRTP_SUITES } from '../../modules/negotiation/capabilities.js';
import { DEFER_HEAVY_CRYPTO, factorySettings, type Settings } from '../../modules/settings/model.js';

const hexKey = fc.uint8Array({ minLength: 16, maxLength: 32 }).map((b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(''));

export const settingsArb: fc.Arbitrary<Settings> = fc
  .record({
    kas: fc.shuffledSubarray([...KEY_AGREEMENTS], { minLength: 1 }),
    suites: fc.shuffledSubarray([...SRTP_SUITES], { minLength: 1 }),
    disabled: fc.array(fc.boolean(), { minLength: 7, maxLength: 7 }),
    srtpMode: fc.constantFrom(...SRTP_MODES),
    user: fc.stringMatching(/^[a-z0-9]{1,12}$/),
    password: fc.string({ maxLength: 20 }),
    peers: fc.dictionary(fc.stringMatching(/^sip:[a-z]{1,8}@example\.com$/), hexKey, { maxKeys: 4 }),
    defer: fc.constantFrom(...DEFER_HEAVY_CRYPTO),
  })
  .map(({ kas, suites, disabled, srtpMode, user, password, peers, defer }) => ({
    ...factorySettings(),
    priorities: {
      keyAgreements: kas.map((name, rank) => ({ name, rank, enabled: !disabled[rank] })),
      suites: suites.map((name, rank) => ({ name, rank, enabled: !disabled[rank] })),
    },
    srtpMode,
    account: { sipUri: `sip:${user}@example.com`, displayName: user, registrar: 'example.com', outboundProxy: '', username: user, password },
    peerKeys: peers,
    deferHeavyCrypto: defer,
  }));
