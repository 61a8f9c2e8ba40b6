// The XS host's tuned crypto provider (hal/host/xs-crypto.ts) against published vectors (FIPS 197
// Appendix C, NIST SP 800-38A F.5, FIPS 180-4 / RFC 3174 SHA-1, RFC 2202 HMAC-SHA1; checked
// against both providers) and, on random inputs, against the default @noble provider.
import fc from 'fast-check';
import type { Crypto } from '../../hal/contracts.js';
import { xsTunedCrypto } from '../../hal/host/xs-crypto.js';
import { sha1 } from '../../hal/host/xs-crypto/sha1.js';
import { nobleCrypto } from '../../hal/noble-crypto.js';
import { fromHex, toHex, utf8Encode } from '../../modules/util/bytes.js';
import vectors from '../fixtures/crypto-vectors.json';

const providers: [string, Crypto][] = [
  ['@noble', nobleCrypto],
  ['xs-tuned', xsTunedCrypto],
];

describe.each(providers)('%s provider: published vectors', (_name, crypto) => {
  it.each(vectors.aes_fips197_c.map((v) => [v.key.length * 4, v]))('FIPS 197 Appendix C, AES-%d, also in place', (_bits, v) => {
    const key = crypto.aesKey(fromHex(v.key));
    const out = new Uint8Array(16);
    key.encryptBlock(fromHex(v.plaintext), out);
    expect(toHex(out)).toBe(v.ciphertext);
    const block = fromHex(v.plaintext);
    key.encryptBlock(block, block);
    expect(toHex(block)).toBe(v.ciphertext);
  });

  it.each(vectors.aes_ctr_sp800_38a.map((v) => [v.key.length * 4, v]))('SP 800-38A F.5, CTR-AES%d, whole and cut short', (_bits, v) => {
    const key = crypto.aesKey(fromHex(v.key));
    const counter = fromHex(v.counter);
    const data = fromHex(v.plaintext);
    key.ctrXor(counter, data);
    expect(toHex(data)).toBe(v.ciphertext);
    expect(toHex(counter)).toBe(v.counter);
    const short = fromHex(v.plaintext).subarray(0, 37);
    key.ctrXor(counter, short);
    expect(toHex(short)).toBe(v.ciphertext.slice(0, 74));
  });

  it.each(vectors.hmac_sha1_rfc2202.map((v, i) => [i + 1, v]))('RFC 2202 HMAC-SHA1 test case %d, twice with one key', (_n, v) => {
    const key = crypto.hmacSha1Key(fromHex(v.key));
    const data = fromHex(v.data);
    const out = new Uint8Array(20);
    key.mac([data], out);
    expect(toHex(out)).toBe(v.digest);
    // The same message cut in three parts, through the same key object.
    out.fill(0);
    key.mac([data.subarray(0, 3), data.subarray(3, 9), data.subarray(9)], out);
    expect(toHex(out)).toBe(v.digest);
  });
});

describe('xs-tuned SHA-1', () => {
  it.each(vectors.sha1.map((v) => [v.text.slice(0, 12), v.repeat, v]))('FIPS 180-4 / RFC 3174: "%s" x %d', (_text, _repeat, v) => {
    const one = utf8Encode(v.text);
    const message = new Uint8Array(one.length * v.repeat);
    for (let i = 0; i < v.repeat; i++) message.set(one, i * one.length);
    expect(toHex(sha1(message))).toBe(v.digest);
  });
});

const aesKey = fc.constantFrom(16, 24, 32).chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));
// A counter whose low bytes are all 0xff, so that increments carry across bytes and 32-bit words,
// including 0xffffffff -> 0 in every word.
const counter = fc.tuple(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.nat(16)).map(([iv, ones]) => {
  for (let i = 16 - ones; i < 16; i++) iv[i] = 0xff;
  return iv;
});

describe('xs-tuned provider equals the @noble provider', () => {
  it('ctrXor, any key size, counter and length 0..300', () => {
    fc.assert(
      fc.property(aesKey, counter, fc.uint8Array({ maxLength: 300 }), (k, iv, data) => {
        const mine = data.slice();
        const theirs = data.slice();
        xsTunedCrypto.aesKey(k).ctrXor(iv, mine);
        nobleCrypto.aesKey(k).ctrXor(iv, theirs);
        expect(toHex(mine)).toBe(toHex(theirs));
      }),
      { numRuns: 200 },
    );
  });

  it('encryptBlock, any key size', () => {
    fc.assert(
      fc.property(aesKey, fc.uint8Array({ minLength: 16, maxLength: 16 }), (k, block) => {
        const mine = new Uint8Array(16);
        const theirs = new Uint8Array(16);
        xsTunedCrypto.aesKey(k).encryptBlock(block, mine);
        nobleCrypto.aesKey(k).encryptBlock(block, theirs);
        expect(toHex(mine)).toBe(toHex(theirs));
      }),
      { numRuns: 200 },
    );
  });

  it('HMAC-SHA1, any key length 0..100 and messages of 0..300 bytes in parts, one key many MACs', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.array(fc.uint8Array({ maxLength: 150 }), { maxLength: 4 }), (k, parts) => {
        const mine = xsTunedCrypto.hmacSha1Key(k);
        const theirs = nobleCrypto.hmacSha1Key(k);
        const a = new Uint8Array(20);
        const b = new Uint8Array(20);
        for (let n = 0; n <= parts.length; n++) {
          mine.mac(parts.slice(0, n), a);
          theirs.mac(parts.slice(0, n), b);
          expect(toHex(a)).toBe(toHex(b));
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('xs-tuned provider refuses bad sizes like the @noble one', () => {
  it('rejects key, block, counter and output sizes', () => {
    expect(() => xsTunedCrypto.aesKey(new Uint8Array(20))).toThrow(RangeError);
    const key = xsTunedCrypto.aesKey(new Uint8Array(16));
    expect(() => key.encryptBlock(new Uint8Array(15), new Uint8Array(16))).toThrow(RangeError);
    expect(() => key.ctrXor(new Uint8Array(12), new Uint8Array(4))).toThrow(RangeError);
    expect(() => xsTunedCrypto.hmacSha1Key(new Uint8Array(4)).mac([], new Uint8Array(10))).toThrow(RangeError);
  });
});
