// Two phones with openssl-made credentials (tests/fixtures/pki) for the public-key mode tests, and
// the phone's own replay cache (256 entries, ±1 hour), as call-local.ts makes it.
import { nobleCrypto } from '../../hal/noble-crypto.js';
import type { PkCredentials, PkEnvironment } from '../../modules/mikey/pk-auth.js';
import type { ResponderContext } from '../../modules/mikey/pk-exchange.js';
import { DEFAULT_WINDOW_MS, type ReplayGuard } from '../../modules/mikey/pk-message.js';
import { ReplayCache } from '../../modules/mikey/replay-cache.js';
import { FIXTURE_NOW, fixtureBytes, fixtureCert, fixtureKey } from './pki-fixtures.js';
import { seededRandom } from './pki-random.js';

export const crypto = nobleCrypto;

/** The replay cache a phone has: the real bounded one (DEFAULT_REPLAY_CAPACITY entries). */
export function replayCache(): ReplayCache {
  return new ReplayCache(DEFAULT_WINDOW_MS);
}

/** Credentials of a fixture phone ('alice', 'bob', 'dave' with its intermediate, 'mallory'...). */
export function credentials(name: string, overrides: Partial<PkCredentials> = {}): PkCredentials {
  const chain = name === 'dave' ? [fixtureBytes('dave'), fixtureBytes('inter-ca')] : [fixtureBytes(name)];
  const cert = fixtureCert(name);
  return {
    uri: cert.subjectAltNameUris[0] ?? `sip:${cert.commonName}`,
    chain,
    privateKey: fixtureKey(name),
    anchors: [fixtureCert('ca')],
    ...overrides,
  };
}

export function environment(seed: string, nowMs = FIXTURE_NOW): PkEnvironment {
  return { random: seededRandom(seed), nowMs, counter: { count: 0 } };
}

export function responderContext(self: PkCredentials, fromUri: string, replay: ReplayGuard, seed = 'responder', nowMs = FIXTURE_NOW): ResponderContext {
  return { self, crypto, env: environment(seed, nowMs), replay, fromUri };
}
