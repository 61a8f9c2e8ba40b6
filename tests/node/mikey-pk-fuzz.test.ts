// The PK wire decoder fuzzed at scale (Node only): 100,000 random inputs and 20,000 mutations of
// real offers of each mode; only MikeyError may come out, and screening never throws.
import fc from 'fast-check';
import { dhOffer, dhScreen } from '../../modules/mikey/dh.js';
import { dhhmacOffer, dhhmacScreen } from '../../modules/mikey/dhhmac.js';
import { pkeOffer, pkeScreen } from '../../modules/mikey/pke.js';
import { rsaROffer, rsaRScreen } from '../../modules/mikey/rsa-r.js';
import { MikeyError } from '../../modules/mikey/mikey-error.js';
import { decodeMessage } from '../../modules/mikey/pk-wire.js';
import { credentials, crypto, environment, replayCache, responderContext } from '../support/mikey-pk-parties.js';
import { fixtureBytes } from '../support/pki-fixtures.js';

const alice = credentials('alice');
const bob = credentials('bob');
const psk = new Uint8Array(32).fill(3);

describe('PK wire decoder at scale', () => {
  it('decodes 100,000 random inputs to a message or a MikeyError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        try {
          decodeMessage(bytes);
        } catch (e) {
          if (!(e instanceof MikeyError)) throw e;
        }
      }),
      { numRuns: 100_000 },
    );
  });

  it.each([
    ['PKE', pkeOffer({ self: alice, crypto, env: environment('z1'), responderUri: bob.uri, responderCertificate: fixtureBytes('bob'), ssrcs: [1] }).message,
      (m: Uint8Array) => pkeScreen(m, responderContext(bob, alice.uri, replayCache()))],
    ['DH', dhOffer({ self: alice, crypto, env: environment('z2'), responderUri: bob.uri, ssrcs: [1], group: 2 }).message,
      (m: Uint8Array) => dhScreen(m, responderContext(bob, alice.uri, replayCache()))],
    ['DHHMAC', dhhmacOffer({ selfUri: alice.uri, responderUri: bob.uri, psk, crypto, env: environment('z3'), ssrcs: [1], group: 2 }).message,
      (m: Uint8Array) => dhhmacScreen(m, { selfUri: bob.uri, pskFor: () => psk, crypto, env: environment('r'), replay: replayCache(), fromUri: alice.uri })],
    ['RSA-R', rsaROffer({ self: alice, crypto, env: environment('z4'), responderUri: bob.uri, ssrcs: [1] }).message,
      (m: Uint8Array) => rsaRScreen(m, responderContext(bob, alice.uri, replayCache()))],
  ] as const)('screens 5,000 mutated %s offers without throwing; none is accepted', (_mode, offer, screen) => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(offer.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }), fc.nat(8), (flips, cut) => {
        const bad = offer.slice(0, offer.length - cut);
        for (const [at, x] of flips) if (at < bad.length) bad[at] ^= x;
        expect(screen(bad).ok).toBe(false);
      }),
      { numRuns: 5_000 },
    );
  });
});
