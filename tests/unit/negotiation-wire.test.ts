import fc from 'fast-check';
import { KEY_AGREEMENTS, SRTP_SUITES, type PriorityTable } from '../../modules/negotiation/capabilities.js';
import { answerOffer, confirmAnswer, NegotiationMismatchError } from '../../modules/negotiation/agreement.js';
import { parseTable } from '../../modules/negotiation/table.js';
import { decodeWireTable, encodeWireTable, TableWireError, type WireTable } from '../../modules/negotiation/wire.js';

const caller = parseTable('PSK,PKE,DH;AES_CM_128_HMAC_SHA1_80,AES_CM_128_HMAC_SHA1_32');
const callee = parseTable('PKE,DH,PSK;AES_CM_128_HMAC_SHA1_32,AES_F8_128_HMAC_SHA1_80');

const tableArb: fc.Arbitrary<PriorityTable> = fc
  .record({ kas: fc.shuffledSubarray([...KEY_AGREEMENTS]), suites: fc.shuffledSubarray([...SRTP_SUITES]), off: fc.array(fc.boolean(), { minLength: 7, maxLength: 7 }) })
  .map(({ kas, suites, off }) => ({
    keyAgreements: kas.map((name, rank) => ({ name, rank, enabled: !off[rank] })),
    suites: suites.map((name, rank) => ({ name, rank, enabled: !off[6 - rank] })),
  }));

describe('priority table on the wire', () => {
  it("encodes the paper's caller table as specified in docs/negotiation.md", () => {
    const bytes = encodeWireTable({ role: 'offerer', policy: 'priority', table: caller });
    // version 1, offerer, priority; 3 KAs: PSK(0) rank 0, PKE(2) rank 1, DH(4) rank 2; 2 suites: CM_80(0) 0, CM_32(1) 1.
    expect(Array.from(bytes)).toEqual([1, 0, 0, 3, 0, 0, 2, 1, 4, 2, 2, 0, 0, 1, 1]);
  });

  it('round-trips offerer and answerer tables', () => {
    fc.assert(
      fc.property(tableArb, fc.constantFrom('priority', 'static', 'automatic' as const), fc.boolean(), (table, policy, answerer) => {
        const w: WireTable = answerer
          ? { role: 'answerer', policy, table, chosen: { keyAgreement: table.keyAgreements[0]?.name, suite: undefined } }
          : { role: 'offerer', policy, table };
        expect(decodeWireTable(encodeWireTable(w))).toEqual(w);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses malformed data with TableWireError only', () => {
    expect(() => decodeWireTable(Uint8Array.of(2, 0, 0, 0, 0))).toThrow('unknown table version');
    expect(() => decodeWireTable(Uint8Array.of(1, 0, 0, 1, 3, 0, 0))).toThrow('unknown key agreement id 3');
    expect(() => decodeWireTable(Uint8Array.of(1, 0, 0, 2, 0, 0, 0, 1, 0))).toThrow('listed twice');
    expect(() => decodeWireTable(Uint8Array.of(1, 0, 0, 0, 0, 9))).toThrow('1 bytes after');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }), (bytes) => {
        try {
          decodeWireTable(bytes);
        } catch (e) {
          expect(e instanceof TableWireError).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('agreement from authenticated tables', () => {
  it("settles the paper's example on PKE with AES_CM_128_HMAC_SHA1_32 at both ends", () => {
    const offer = decodeWireTable(encodeWireTable({ role: 'offerer', policy: 'priority', table: caller }));
    const { selection, answer } = answerOffer(offer, callee, 0);
    const atCaller = confirmAnswer({ table: caller, policy: 'priority' }, decodeWireTable(encodeWireTable(answer)), 0);
    expect([selection.keyAgreement?.name, selection.suite?.name]).toEqual(['PKE', 'AES_CM_128_HMAC_SHA1_32']);
    expect(atCaller).toEqual(selection);
  });

  it('detects an answer whose stated choice the tables do not give (a downgrade)', () => {
    const { answer } = answerOffer({ role: 'offerer', policy: 'priority', table: caller }, callee, 0);
    const forged: WireTable = { ...answer, chosen: { keyAgreement: 'PSK', suite: 'AES_CM_128_HMAC_SHA1_32' } };
    expect(() => confirmAnswer({ table: caller, policy: 'priority' }, forged, 0)).toThrow(NegotiationMismatchError);
    const otherPolicy: WireTable = { ...answer, policy: 'automatic' };
    expect(() => confirmAnswer({ table: caller, policy: 'priority' }, otherPolicy, 0)).toThrow('policy');
  });

  it('property: an honest answer is always confirmed, and any edited answer table or choice that changes the result is caught', () => {
    fc.assert(
      fc.property(tableArb, tableArb, tableArb, fc.nat(), (offerTable, answerTable, attackerTable, seed) => {
        const { selection, answer } = answerOffer({ role: 'offerer', policy: 'priority', table: offerTable }, answerTable, seed);
        expect(confirmAnswer({ table: offerTable, policy: 'priority' }, answer, seed)).toEqual(selection);
        // An attacker swaps in another table but keeps the stated choice: caught unless the result is unchanged.
        const edited: WireTable = { ...answer, table: attackerTable };
        let caught = false;
        try {
          confirmAnswer({ table: offerTable, policy: 'priority' }, edited, seed);
        } catch (e) {
          caught = e instanceof NegotiationMismatchError;
        }
        const wouldGive = answerOffer({ role: 'offerer', policy: 'priority', table: offerTable }, attackerTable, seed).selection;
        const unchanged = wouldGive.keyAgreement?.name === selection.keyAgreement?.name && wouldGive.suite?.name === selection.suite?.name;
        expect(caught).toBe(!unchanged);
      }),
      { numRuns: 300 },
    );
  });
});
