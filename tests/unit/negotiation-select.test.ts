import fc from 'fast-check';
import { KEY_AGREEMENTS, SRTP_SUITES, type PriorityTable } from '../../modules/negotiation/capabilities.js';
import { KEY_AGREEMENT_STRENGTH, SUITE_STRENGTH, isSecure, select } from '../../modules/negotiation/select.js';
import { formatTable, parseTable, TableSyntaxError } from '../../modules/negotiation/table.js';

// The seed paper's worked example (§4, Table 4): both phones must settle on PKE with AES_CM_128_HMAC_SHA1_32.
const caller = parseTable('PSK,PKE,DH;AES_CM_128_HMAC_SHA1_80,AES_CM_128_HMAC_SHA1_32');
const callee = parseTable('PKE,DH,PSK;AES_CM_128_HMAC_SHA1_32,AES_F8_128_HMAC_SHA1_80');

const tableArb: fc.Arbitrary<PriorityTable> = fc
  .record({
    kas: fc.shuffledSubarray([...KEY_AGREEMENTS]),
    suites: fc.shuffledSubarray([...SRTP_SUITES]),
    kaOff: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
    suiteOff: fc.array(fc.boolean(), { minLength: 7, maxLength: 7 }),
  })
  .map(({ kas, suites, kaOff, suiteOff }) => ({
    keyAgreements: kas.map((name, rank) => ({ name, rank, enabled: !kaOff[rank] })),
    suites: suites.map((name, rank) => ({ name, rank, enabled: !suiteOff[rank] })),
  }));

function enabledNames(entries: PriorityTable['keyAgreements'] | PriorityTable['suites']): string[] {
  return entries.filter((e) => e.enabled).map((e) => e.name);
}

describe('priority selection', () => {
  it("gives the paper's example PKE with AES_CM_128_HMAC_SHA1_32, with rank sums 1 and 1", () => {
    const s = select(caller, callee);
    expect(s.keyAgreement).toEqual({ name: 'PKE', ranks: [1, 0] });
    expect(s.suite).toEqual({ name: 'AES_CM_128_HMAC_SHA1_32', ranks: [1, 0] });
  });

  it("fails the paper's example under 'static' (PSK vs PKE designated) and secures it under 'automatic'", () => {
    expect(isSecure(select(caller, callee, 'static'))).toBe(false);
    const auto = select(caller, callee, 'automatic', 12345);
    expect(['PSK', 'PKE', 'DH']).toContain(auto.keyAgreement?.name);
    expect(auto.suite?.name).toBe('AES_CM_128_HMAC_SHA1_32');
  });

  it('never picks a disabled entry, even a favourite', () => {
    const s = select(parseTable('!PKE,PSK;AES_CM_128_HMAC_SHA1_32'), parseTable('PKE,PSK;AES_CM_128_HMAC_SHA1_32'));
    expect(s.keyAgreement?.name).toBe('PSK');
  });

  it('breaks equal rank sums by security strength', () => {
    // PSK: 0+1, DH: 1+0: equal sums; DH is stronger (perfect forward secrecy).
    const s = select(parseTable('PSK,DH;AES_CM_128_HMAC_SHA1_32,AES_CM_128_HMAC_SHA1_80'), parseTable('DH,PSK;AES_CM_128_HMAC_SHA1_80,AES_CM_128_HMAC_SHA1_32'));
    expect(s.keyAgreement?.name).toBe('DH');
    expect(s.suite?.name).toBe('AES_CM_128_HMAC_SHA1_80');
  });

  it('strength orders list every capability once', () => {
    expect([...KEY_AGREEMENT_STRENGTH].sort()).toEqual([...KEY_AGREEMENTS].sort());
    expect([...SUITE_STRENGTH].sort()).toEqual([...SRTP_SUITES].sort());
  });

  it('property: the choice is enabled on both sides and minimises the rank sum', () => {
    fc.assert(
      fc.property(tableArb, tableArb, (a, b) => {
        const s = select(a, b);
        for (const [choice, ea, eb] of [
          [s.keyAgreement, a.keyAgreements, b.keyAgreements],
          [s.suite, a.suites, b.suites],
        ] as const) {
          const both = enabledNames(ea).filter((n) => enabledNames(eb).includes(n));
          if (both.length === 0) {
            expect(choice).toBeUndefined();
            continue;
          }
          expect(both).toContain(choice!.name);
          const rank = (entries: typeof ea, n: string) => entries.find((e) => e.name === n)!.rank;
          const best = Math.min(...both.map((n) => rank(ea, n) + rank(eb, n)));
          expect(choice!.ranks[0] + choice!.ranks[1]).toBe(best);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('property: both phones compute the same result from the same two tables, under every policy', () => {
    fc.assert(
      fc.property(tableArb, tableArb, fc.integer({ min: 0, max: 0xffffffff }), (offer, answer, seed) => {
        for (const policy of ['priority', 'static', 'automatic'] as const) {
          // Each phone runs the rule on its own copy (round-tripped through the text form).
          const atCaller = select(offer, answer, policy, seed);
          const atCallee = select(parseTable(formatTable(offer)), parseTable(formatTable(answer)), policy, seed);
          expect(atCallee).toEqual(atCaller);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('priority table text', () => {
  it('round-trips tables through the text form', () => {
    fc.assert(fc.property(tableArb, (t) => expect(parseTable(formatTable(t))).toEqual(t)), { numRuns: 200 });
  });

  it('accepts the RFC 4568 spelling of the F8 suite', () => {
    expect(parseTable('PSK;F8_128_HMAC_SHA1_80').suites[0].name).toBe('AES_F8_128_HMAC_SHA1_80');
  });

  it('refuses unknown names, duplicates and a missing ";" with TableSyntaxError', () => {
    expect(() => parseTable('PSK,FOO;AES_CM_128_HMAC_SHA1_80')).toThrow(TableSyntaxError);
    expect(() => parseTable('PSK,PSK;AES_CM_128_HMAC_SHA1_80')).toThrow('listed twice');
    expect(() => parseTable('PSK')).toThrow(TableSyntaxError);
    fc.assert(
      fc.property(fc.string(), (s) => {
        try {
          parseTable(s);
        } catch (e) {
          expect(e instanceof TableSyntaxError).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
