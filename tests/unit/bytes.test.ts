import fc from 'fast-check';
import { concatBytes, constantTimeEqual, equalBytes, fromBase64, fromHex, toBase64, toHex, utf8Decode, utf8Encode } from '../../modules/util/bytes.js';

describe('bytes', () => {
  it('encodes the RFC 4648 §10 base64 test vectors', () => {
    const vectors: [string, string][] = [['', ''], ['f', 'Zg=='], ['fo', 'Zm8='], ['foo', 'Zm9v'], ['foob', 'Zm9vYg=='], ['fooba', 'Zm9vYmE='], ['foobar', 'Zm9vYmFy']];
    for (const [text, b64] of vectors) {
      expect(toBase64(utf8Encode(text))).toBe(b64);
      expect(utf8Decode(fromBase64(b64))).toBe(text);
    }
  });

  it('refuses malformed base64 and hex with a SyntaxError', () => {
    expect(() => fromBase64('Zg=')).toThrow(SyntaxError);
    expect(() => fromBase64('Z!==')).toThrow(SyntaxError);
    expect(() => fromBase64('=Zg=')).toThrow(SyntaxError);
    expect(() => fromHex('abc')).toThrow(SyntaxError);
    expect(() => fromHex('zz')).toThrow(SyntaxError);
  });

  it('round-trips any bytes through hex and base64', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(fromHex(toHex(bytes))).toEqual(bytes);
        expect(fromBase64(toBase64(bytes))).toEqual(bytes);
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips any string through UTF-8', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => utf8Decode(utf8Encode(s)) === s), { numRuns: 300 });
  });

  it('compares bytes the same way with and without constant time', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 8 }), fc.uint8Array({ maxLength: 8 }), (a, b) => {
        const same = a.length === b.length && a.every((x, i) => x === b[i]);
        return equalBytes(a, b) === same && constantTimeEqual(a, b) === same;
      }),
      { numRuns: 300 },
    );
  });

  it('concatenates in order', () => {
    expect(concatBytes(Uint8Array.of(1), new Uint8Array(0), Uint8Array.of(2, 3))).toEqual(Uint8Array.of(1, 2, 3));
  });
});
