// RFC 3830 §5.4 against the phone's real, bounded replay cache (256 entries, ±1 hour), in every mode
// a call screens (modules/phone/keying.ts): an authenticated offer accepted once stays refused
// after more newer authenticated offers than the cache holds have pushed it out, and an offer the
// cache can no longer prove unseen (dated at or below its floor) is refused too, in every mode —
// the cache fails closed, it never forgets a replay. ERR 1 is Invalid timestamp (§6.12).
import type { PkCredentials } from '../../modules/mikey/pk-auth.js';
import type { Refused } from '../../modules/mikey/pk-exchange.js';
import { decodeMessage } from '../../modules/mikey/pk-wire.js';
import { DEFAULT_REPLAY_CAPACITY, ReplayCache } from '../../modules/mikey/replay-cache.js';
import type { KeyAgreement } from '../../modules/negotiation/capabilities.js';
import { makeOffer, screenOffer, type KeyingContext } from '../../modules/phone/keying.js';
import { credentials, crypto } from '../support/mikey-pk-parties.js';
import { FIXTURE_NOW, fixtureBytes } from '../support/pki-fixtures.js';
import { seededRandom } from '../support/pki-random.js';

const alice = credentials('alice');
const bob = credentials('bob');
const PSK = Uint8Array.from({ length: 32 }, (_, i) => 0x11 * (i % 15));
const MODES: readonly KeyAgreement[] = ['PSK', 'PKE', 'DH', 'DHHMAC', 'RSA-R'];
const T0 = FIXTURE_NOW;

function context(self: PkCredentials, seed: string, nowMs: number, replay: ReplayCache): KeyingContext {
  const peer = self === alice ? bob : alice;
  return {
    selfUri: self.uri,
    credentials: self,
    pskFor: (uri) => (uri === peer.uri ? PSK : undefined),
    peerCertificate: (uri) => (uri === bob.uri ? fixtureBytes('bob') : undefined),
    crypto,
    random: seededRandom(seed),
    nowMs,
    replay,
  };
}

/** Alice's I_MESSAGE of `mode`, dated `nowMs` (its T payload). */
function offer(mode: KeyAgreement, seed: string, nowMs: number): Uint8Array {
  return makeOffer(mode, context(alice, seed, nowMs, new ReplayCache(3600_000)), bob.uri, 0x1234).message;
}

/** Bob screens `bytes` at `nowMs` with `replay`: the refusal's ERR number and reason, or 'accepted'. */
function screen(bytes: Uint8Array, replay: ReplayCache, nowMs: number): 'accepted' | { errorNo: number; reason: string } {
  const s = screenOffer(bytes, context(bob, 'bob', nowMs, replay), alice.uri);
  if ('unsupported' in s) throw new Error(s.unsupported);
  if (s.result.ok) return 'accepted';
  const r = s.result as Refused;
  expect(decodeMessage(r.error).payloads.find((p) => p.type === 'ERR')).toEqual({ type: 'ERR', errorNo: r.errorNo });
  return { errorNo: r.errorNo, reason: r.reason };
}

describe('the replay cache cannot be flushed (RFC 3830 §5.4), in every mode', () => {
  const replay = new ReplayCache(3600_000);
  const first = new Map<KeyAgreement, Uint8Array>();

  beforeAll(() => {
    expect(replay.capacity).toBe(DEFAULT_REPLAY_CAPACITY);
    // One offer of each mode is accepted, a second apart...
    MODES.forEach((mode, i) => {
      const bytes = offer(mode, `first-${mode}`, T0 + i * 1000);
      expect(screen(bytes, replay, T0 + i * 1000)).toBe('accepted');
      first.set(mode, bytes);
    });
    // ...then a full cache's worth of newer authenticated offers arrives (any mode flushes any
    // other: the phone has one cache), which pushes all five out.
    for (let i = 0; i < DEFAULT_REPLAY_CAPACITY; i++) {
      const at = T0 + 60_000 + i * 1000;
      expect(screen(offer('PSK', `flood-${i}`, at), replay, at)).toBe('accepted');
    }
    expect(replay.size).toBe(DEFAULT_REPLAY_CAPACITY);
    expect(replay.floor).toBe(T0 + (MODES.length - 1) * 1000);
  });

  const later = T0 + 60_000 + DEFAULT_REPLAY_CAPACITY * 1000 + 5000;

  it.each(MODES)('%s: the first offer replayed after the flood is refused with ERR 1', (mode) => {
    expect(screen(first.get(mode)!, replay, later)).toEqual({ errorNo: 1, reason: 'I_MESSAGE older than the replay cache can prove unseen' });
  });

  it.each(MODES)('%s: a never-seen offer dated at or below the floor is refused (fails closed)', (mode) => {
    const bytes = offer(mode, `old-${mode}`, T0 - 30_000);
    expect(screen(bytes, replay, later)).toEqual({ errorNo: 1, reason: 'I_MESSAGE older than the replay cache can prove unseen' });
  });

  it.each(MODES)('%s: a new offer above the floor is accepted once, and its replay refused', (mode) => {
    const bytes = offer(mode, `new-${mode}`, later);
    expect(screen(bytes, replay, later)).toBe('accepted');
    expect(screen(bytes, replay, later + 1000)).toEqual({ errorNo: 1, reason: 'replayed I_MESSAGE' });
    expect(replay.size).toBe(DEFAULT_REPLAY_CAPACITY);
  });
});
