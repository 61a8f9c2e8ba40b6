// fast-check arbitraries for MIKEY (RFC 3830 §6): any header, any payload record with lengths that
// fit its fields, whole messages (SIGN only last), KEMAC key data items, and byte mutations of
// encoded messages. Pure: usable in tests/unit (Node and XS) and in the Node-only fuzzers.
import fc from 'fast-check';
import type { CryptoSession, Header, KemacItem, KeyValidity, Message, Payload } from '../../modules/mikey/payloads.js';

const bytes = (max: number, min = 0) => fc.uint8Array({ minLength: min, maxLength: max });
const fixed = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const u8 = fc.integer({ min: 0, max: 255 });
const u32 = fc.integer({ min: 0, max: 0xffffffff });

export const sessionArb: fc.Arbitrary<CryptoSession> = fc.record({ policy: u8, ssrc: u32, roc: u32 });

export const headerArb: fc.Arbitrary<Header> = fc.record({
  dataType: u8,
  v: fc.boolean(),
  prf: fc.integer({ min: 0, max: 127 }),
  csbId: u32,
  map: fc.oneof(
    fc.record({ type: fc.constant('srtp-id' as const), sessions: fc.array(sessionArb, { maxLength: 4 }) }),
    fc.record({ type: fc.constant('empty' as const), count: u8 }),
  ),
});

export const kvArb: fc.Arbitrary<KeyValidity> = fc.oneof(
  fc.constant({ type: 'none' as const }),
  fc.record({ type: fc.constant('spi' as const), spi: bytes(8) }),
  fc.record({ type: fc.constant('interval' as const), from: bytes(8), to: bytes(8) }),
);

export const kemacItemArb: fc.Arbitrary<KemacItem> = fc.oneof(
  fc.record({ type: fc.constant('ID' as const), idType: u8, value: bytes(24) }),
  fc.record({ type: fc.constant('KEY_DATA' as const), keyType: fc.constantFrom(0, 2), key: bytes(40), kv: kvArb }),
  fc.record({ type: fc.constant('KEY_DATA' as const), keyType: fc.constantFrom(1, 3), key: bytes(40), salt: bytes(20), kv: kvArb }),
);

const macArb = fc.oneof(fc.record({ macAlg: fc.constant(0), mac: fixed(0) }), fc.record({ macAlg: fc.constant(1), mac: fixed(20) }));

/** Every payload type except SIGN (which can only be last). */
export const bodyPayloadArb: fc.Arbitrary<Payload> = fc.oneof(
  fc.record({ type: fc.constant('KEMAC' as const), encrAlg: u8, encrData: bytes(60) }).chain((k) => macArb.map((m) => ({ ...k, ...m }))),
  fc.record({ type: fc.constant('PKE' as const), cache: fc.integer({ min: 0, max: 3 }), data: bytes(40) }),
  fc.constantFrom(0, 1, 2).chain((group) => fc.record({ type: fc.constant('DH' as const), group: fc.constant(group), value: fixed(({ 0: 192, 1: 96, 2: 128 } as Record<number, number>)[group]), kv: kvArb })),
  fc.constantFrom(0, 1, 2).chain((tsType) => fc.record({ type: fc.constant('T' as const), tsType: fc.constant(tsType), value: fixed(tsType === 2 ? 4 : 8) })),
  fc.record({ type: fc.constant('ID' as const), idType: u8, value: bytes(30) }),
  fc.record({ type: fc.constant('CERT' as const), certType: u8, value: bytes(30) }),
  fc.constantFrom(0, 1).chain((hashFunc) => fc.record({ type: fc.constant('CHASH' as const), hashFunc: fc.constant(hashFunc), value: fixed(hashFunc === 0 ? 20 : 16) })),
  macArb.map((m) => ({ type: 'V' as const, ...m })),
  fc.record({ type: fc.constant('SP' as const), policy: u8, protType: u8, params: fc.array(fc.record({ type: u8, value: bytes(6) }), { maxLength: 14 }) }),
  fc.record({ type: fc.constant('RAND' as const), value: bytes(32, 1) }),
  fc.record({ type: fc.constant('ERR' as const), errorNo: u8 }),
  fc.record({ type: fc.constant('GENEXT' as const), extType: u8, data: bytes(40) }),
);

export const signArb: fc.Arbitrary<Payload> = fc.record({ type: fc.constant('SIGN' as const), signType: fc.integer({ min: 0, max: 15 }), signature: bytes(64) });

export const messageArb: fc.Arbitrary<Message> = fc.record({
  header: headerArb,
  payloads: fc.tuple(fc.array(bodyPayloadArb, { maxLength: 8 }), fc.option(signArb)).map(([body, sign]) => (sign ? [...body, sign] : body)),
});

/** An encoded message with a few bytes overwritten, inserted or cut. */
export function mutationArb(seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), u8, fc.constantFrom('set', 'insert', 'cut')), { minLength: 1, maxLength: 4 }))
    .map(([seed, edits]) => {
      let b = Array.from(seed);
      for (const [at, value, op] of edits) {
        const i = b.length ? at % b.length : 0;
        if (op === 'set' && b.length) b[i] = value;
        else if (op === 'insert') b.splice(i, 0, value);
        else b = b.slice(0, i);
      }
      return Uint8Array.from(b);
    });
}
