// The MIKEY decoder fuzzed at scale (Node only): 100,000 random inputs, 50,000 mutations of public
// and generated messages, 20,000 random messages round-tripped; only MikeyError may come out, and
// the PSK responder never throws on any of them.
import fc from 'fast-check';
import { nobleCrypto as crypto } from '../../hal/noble-crypto.js';
import { decodeMessage, encodeMessage } from '../../modules/mikey/codec.js';
import { MikeyError } from '../../modules/mikey/mikey-error.js';
import { pskOffer, pskRespond } from '../../modules/mikey/psk.js';
import { ReplayCache } from '../../modules/mikey/replay-cache.js';
import { suitePolicy } from '../../modules/mikey/srtp-policy.js';
import { fromHex } from '../../modules/util/bytes.js';
import vectors from '../fixtures/mikey-vectors.json';
import { messageArb, mutationArb } from '../support/mikey-arbitraries.js';
import { seededRandom } from '../support/pki-random.js';

const NOW = Date.UTC(2026, 0, 1);
const psk = new Uint8Array(16).fill(9);
const seeds = [
  ...Object.entries(vectors).filter(([k]) => !k.startsWith('_')).map(([, v]) => fromHex((v as { hex: string }).hex)),
  pskOffer({ psk, sessions: [{ policy: 0, ssrc: 1, roc: 0 }], policies: [suitePolicy(0, 'AES_CM_128_HMAC_SHA1_80')], v: true, idi: 'sip:a@x' }, { crypto, random: seededRandom('f'), nowMs: NOW }).bytes,
];

function decodeOnlyMikeyError(b: Uint8Array): void {
  try {
    decodeMessage(b);
  } catch (e) {
    if (!(e instanceof MikeyError)) throw e;
  }
}

describe('MIKEY decoder at scale', () => {
  it('100,000 random inputs decode or fail with MikeyError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), decodeOnlyMikeyError), { numRuns: 100_000 });
  });

  it('50,000 mutations of real messages: decoder and PSK responder never throw', () => {
    const config = { pskFor: () => psk, replay: new ReplayCache(3600_000, 64) };
    fc.assert(
      fc.property(mutationArb(seeds), (b) => {
        decodeOnlyMikeyError(b);
        pskRespond(b, config, { crypto, random: seededRandom('r'), nowMs: NOW });
      }),
      { numRuns: 50_000 },
    );
  });

  it('20,000 random messages of every payload type round-trip', () => {
    fc.assert(fc.property(messageArb, (m) => expect(decodeMessage(encodeMessage(m))).toEqual(m)), { numRuns: 20_000 });
  });
});
