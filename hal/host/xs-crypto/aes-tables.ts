// The AES S-box and the encryption T-tables, computed once at load (FIPS 197 §5.1.1, §4.2). Tables
// are plain arrays of signed 32-bit integers: on the XS interpreter a plain array read is about
// twice as fast as a typed-array read, and signed values stay small integers (no boxed doubles).

/** xtime: multiplication by {02} in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1 (FIPS 197 §4.2.1). */
function xtime(b: number): number {
  return ((b << 1) ^ (b & 0x80 ? 0x11b : 0)) & 0xff;
}

/** SubBytes' S-box: the multiplicative inverse in GF(2^8) followed by the affine map (FIPS 197 §5.1.1). */
function makeSbox(): number[] {
  // Powers of the generator {03} give log/antilog tables for the inverses.
  const exp: number[] = [];
  const log: number[] = [];
  for (let i = 0, x = 1; i < 255; i++) {
    exp[i] = x;
    log[x] = i;
    x ^= xtime(x);
  }
  const sbox: number[] = [];
  for (let i = 0; i < 256; i++) {
    const inverse = i === 0 ? 0 : exp[(255 - log[i]) % 255];
    let s = inverse;
    for (let k = 1; k < 5; k++) s ^= ((inverse << k) | (inverse >>> (8 - k))) & 0xff;
    sbox[i] = s ^ 0x63;
  }
  return sbox;
}

export const SBOX = makeSbox();

/**
 * One full round's SubBytes, ShiftRows and MixColumns as four table look-ups per column: TE0[x]
 * is the column ({02}·S[x], S[x], S[x], {03}·S[x]) as a big-endian word (FIPS 197 §5.1.3), and
 * TE1..TE3 are its byte rotations. SB24/SB16/SB8 place S[x] in one byte of a word for the last
 * round, which has no MixColumns (FIPS 197 §5.1).
 */
export const TE0: number[] = [];
export const TE1: number[] = [];
export const TE2: number[] = [];
export const TE3: number[] = [];
export const SB24: number[] = [];
export const SB16: number[] = [];
export const SB8: number[] = [];

for (let i = 0; i < 256; i++) {
  const s = SBOX[i];
  const s2 = xtime(s);
  const w = (s2 << 24) | (s << 16) | (s << 8) | (s2 ^ s);
  TE0[i] = w;
  TE1[i] = (w >>> 8) | (w << 24);
  TE2[i] = (w >>> 16) | (w << 16);
  TE3[i] = (w >>> 24) | (w << 8);
  SB24[i] = s << 24;
  SB16[i] = s << 16;
  SB8[i] = s << 8;
}
