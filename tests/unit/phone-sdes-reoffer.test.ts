import fc from 'fast-check';
import { parseCryptoAttribute, type CryptoAttribute } from '../../modules/sdp/crypto-attr.js';
import { SdesError } from '../../modules/phone/sdes-keying.js';
import { answerSdesReoffer, takeSdesAnswer, type SdesSession } from '../../modules/phone/sdes-reoffer.js';
import { fromBase64 } from '../../modules/util/bytes.js';

// RFC 4568 §4's example key: 30 bytes, master key (16) then salt (14).
const RFC4568_KEY = 'PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR';
const OTHER_KEY = 'WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz';

function line(text: string): CryptoAttribute {
  return parseCryptoAttribute({ name: 'crypto', value: text });
}

const keySalt = fromBase64(RFC4568_KEY);
const session: SdesSession = {
  suite: 'AES_CM_128_HMAC_SHA1_80',
  ours: line(`1 AES_CM_128_HMAC_SHA1_80 inline:${OTHER_KEY}`),
  theirs: { masterKey: keySalt.slice(0, 16), masterSalt: keySalt.slice(16) },
};

describe('SDES in re-offers (RFC 4568 §7.1.4)', () => {
  it('answers a re-offer with our key under the tag of the first line of the call suite; the same peer key changes nothing', () => {
    const offered = [line(`1 AES_CM_128_HMAC_SHA1_32 inline:${OTHER_KEY}`), line(`2 AES_CM_128_HMAC_SHA1_80 inline:${RFC4568_KEY}`)];
    const r = answerSdesReoffer(session, offered);
    expect(r.answer).toEqual({ ...session.ours, tag: 2 });
    expect(r.newReceive).toBe(undefined);
    expect(r.session.ours.tag).toBe(2);
  });

  it('takes a changed peer key as the new receive key', () => {
    const r = answerSdesReoffer(session, [line(`5 AES_CM_128_HMAC_SHA1_80 inline:${OTHER_KEY}`)]);
    const other = fromBase64(OTHER_KEY);
    expect(r.newReceive).toEqual({ masterKey: other.slice(0, 16), masterSalt: other.slice(16) });
    expect(r.session.theirs).toEqual(r.newReceive);
  });

  it('refuses a re-offer without the call suite, and answers that change the tag, the suite or the line count', () => {
    expect(() => answerSdesReoffer(session, [line(`1 AES_CM_128_HMAC_SHA1_32 inline:${RFC4568_KEY}`)])).toThrow(SdesError);
    expect(() => takeSdesAnswer(session, [line(`2 AES_CM_128_HMAC_SHA1_80 inline:${RFC4568_KEY}`)])).toThrow(SdesError);
    expect(() => takeSdesAnswer(session, [line(`1 AES_CM_128_HMAC_SHA1_32 inline:${RFC4568_KEY}`)])).toThrow(SdesError);
    expect(() => takeSdesAnswer(session, [])).toThrow(SdesError);
    expect(takeSdesAnswer(session, [line(`1 AES_CM_128_HMAC_SHA1_80 inline:${RFC4568_KEY}`)]).newReceive).toBe(undefined);
  });

  it('answers any list of well-formed lines with a result or an SdesError, never another failure', () => {
    const suite = fc.constantFrom('AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32', 'F8_128_HMAC_SHA1_80', 'NO_SUCH_SUITE');
    const attribute = fc.record({
      tag: fc.integer({ min: 0, max: 999 }),
      suite,
      keys: fc.array(fc.record({ keySalt: fc.uint8Array({ minLength: 0, maxLength: 48 }) }), { minLength: 1, maxLength: 2 }),
      sessionParams: fc.constant([] as string[]),
    });
    fc.assert(
      fc.property(fc.array(attribute, { maxLength: 4 }), (lines) => {
        for (const f of [() => answerSdesReoffer(session, lines), () => takeSdesAnswer(session, lines)]) {
          try {
            f();
          } catch (e) {
            expect(e).toBeInstanceOf(SdesError);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
