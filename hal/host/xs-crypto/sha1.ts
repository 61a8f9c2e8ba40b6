// SHA-1 (FIPS 180-4 §6.1) tuned for the XS bytecode interpreter: the compression function is
// written out round by round, with the 16-word message schedule in locals (a ring by name, W[t]
// in w(t mod 16), FIPS 180-4 §6.1.3) and rotations inlined, since every call and array access
// costs on an interpreter. Words are signed 32-bit integers; `| 0` wraps the additions mod 2^32.

/** H(0), the initial hash value (FIPS 180-4 §5.3.1). */
export const SHA1_IV: readonly number[] = [0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476, 0xc3d2e1f0 | 0];

export const SHA1_BLOCK = 64;
export const SHA1_LENGTH = 20;

/** The SHA-1 compression of the 64-byte block m[o..o+64) into the state h[0..5) (FIPS 180-4 §6.1.2). */
export function sha1Compress(h: number[], m: Uint8Array, o: number): void {
  let w0 = (m[o] << 24) | (m[o + 1] << 16) | (m[o + 2] << 8) | m[o + 3];
  let w1 = (m[o + 4] << 24) | (m[o + 5] << 16) | (m[o + 6] << 8) | m[o + 7];
  let w2 = (m[o + 8] << 24) | (m[o + 9] << 16) | (m[o + 10] << 8) | m[o + 11];
  let w3 = (m[o + 12] << 24) | (m[o + 13] << 16) | (m[o + 14] << 8) | m[o + 15];
  let w4 = (m[o + 16] << 24) | (m[o + 17] << 16) | (m[o + 18] << 8) | m[o + 19];
  let w5 = (m[o + 20] << 24) | (m[o + 21] << 16) | (m[o + 22] << 8) | m[o + 23];
  let w6 = (m[o + 24] << 24) | (m[o + 25] << 16) | (m[o + 26] << 8) | m[o + 27];
  let w7 = (m[o + 28] << 24) | (m[o + 29] << 16) | (m[o + 30] << 8) | m[o + 31];
  let w8 = (m[o + 32] << 24) | (m[o + 33] << 16) | (m[o + 34] << 8) | m[o + 35];
  let w9 = (m[o + 36] << 24) | (m[o + 37] << 16) | (m[o + 38] << 8) | m[o + 39];
  let w10 = (m[o + 40] << 24) | (m[o + 41] << 16) | (m[o + 42] << 8) | m[o + 43];
  let w11 = (m[o + 44] << 24) | (m[o + 45] << 16) | (m[o + 46] << 8) | m[o + 47];
  let w12 = (m[o + 48] << 24) | (m[o + 49] << 16) | (m[o + 50] << 8) | m[o + 51];
  let w13 = (m[o + 52] << 24) | (m[o + 53] << 16) | (m[o + 54] << 8) | m[o + 55];
  let w14 = (m[o + 56] << 24) | (m[o + 57] << 16) | (m[o + 58] << 8) | m[o + 59];
  let w15 = (m[o + 60] << 24) | (m[o + 61] << 16) | (m[o + 62] << 8) | m[o + 63];
  let a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
  let x: number;
  // t = 0..19: f = Ch, K = 0x5a827999
  e = (((a << 5) | (a >>> 27)) + (d ^ (b & (c ^ d))) + e + w0 + 0x5a827999) | 0; b = (b << 30) | (b >>> 2);
  d = (((e << 5) | (e >>> 27)) + (c ^ (a & (b ^ c))) + d + w1 + 0x5a827999) | 0; a = (a << 30) | (a >>> 2);
  c = (((d << 5) | (d >>> 27)) + (b ^ (e & (a ^ b))) + c + w2 + 0x5a827999) | 0; e = (e << 30) | (e >>> 2);
  b = (((c << 5) | (c >>> 27)) + (a ^ (d & (e ^ a))) + b + w3 + 0x5a827999) | 0; d = (d << 30) | (d >>> 2);
  a = (((b << 5) | (b >>> 27)) + (e ^ (c & (d ^ e))) + a + w4 + 0x5a827999) | 0; c = (c << 30) | (c >>> 2);
  e = (((a << 5) | (a >>> 27)) + (d ^ (b & (c ^ d))) + e + w5 + 0x5a827999) | 0; b = (b << 30) | (b >>> 2);
  d = (((e << 5) | (e >>> 27)) + (c ^ (a & (b ^ c))) + d + w6 + 0x5a827999) | 0; a = (a << 30) | (a >>> 2);
  c = (((d << 5) | (d >>> 27)) + (b ^ (e & (a ^ b))) + c + w7 + 0x5a827999) | 0; e = (e << 30) | (e >>> 2);
  b = (((c << 5) | (c >>> 27)) + (a ^ (d & (e ^ a))) + b + w8 + 0x5a827999) | 0; d = (d << 30) | (d >>> 2);
  a = (((b << 5) | (b >>> 27)) + (e ^ (c & (d ^ e))) + a + w9 + 0x5a827999) | 0; c = (c << 30) | (c >>> 2);
  e = (((a << 5) | (a >>> 27)) + (d ^ (b & (c ^ d))) + e + w10 + 0x5a827999) | 0; b = (b << 30) | (b >>> 2);
  d = (((e << 5) | (e >>> 27)) + (c ^ (a & (b ^ c))) + d + w11 + 0x5a827999) | 0; a = (a << 30) | (a >>> 2);
  c = (((d << 5) | (d >>> 27)) + (b ^ (e & (a ^ b))) + c + w12 + 0x5a827999) | 0; e = (e << 30) | (e >>> 2);
  b = (((c << 5) | (c >>> 27)) + (a ^ (d & (e ^ a))) + b + w13 + 0x5a827999) | 0; d = (d << 30) | (d >>> 2);
  a = (((b << 5) | (b >>> 27)) + (e ^ (c & (d ^ e))) + a + w14 + 0x5a827999) | 0; c = (c << 30) | (c >>> 2);
  e = (((a << 5) | (a >>> 27)) + (d ^ (b & (c ^ d))) + e + w15 + 0x5a827999) | 0; b = (b << 30) | (b >>> 2);
  x = w13 ^ w8 ^ w2 ^ w0; w0 = (x << 1) | (x >>> 31);
  d = (((e << 5) | (e >>> 27)) + (c ^ (a & (b ^ c))) + d + w0 + 0x5a827999) | 0; a = (a << 30) | (a >>> 2);
  x = w14 ^ w9 ^ w3 ^ w1; w1 = (x << 1) | (x >>> 31);
  c = (((d << 5) | (d >>> 27)) + (b ^ (e & (a ^ b))) + c + w1 + 0x5a827999) | 0; e = (e << 30) | (e >>> 2);
  x = w15 ^ w10 ^ w4 ^ w2; w2 = (x << 1) | (x >>> 31);
  b = (((c << 5) | (c >>> 27)) + (a ^ (d & (e ^ a))) + b + w2 + 0x5a827999) | 0; d = (d << 30) | (d >>> 2);
  x = w0 ^ w11 ^ w5 ^ w3; w3 = (x << 1) | (x >>> 31);
  a = (((b << 5) | (b >>> 27)) + (e ^ (c & (d ^ e))) + a + w3 + 0x5a827999) | 0; c = (c << 30) | (c >>> 2);
  // t = 20..39: f = Parity, K = 0x6ed9eba1
  x = w1 ^ w12 ^ w6 ^ w4; w4 = (x << 1) | (x >>> 31);
  e = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + w4 + 0x6ed9eba1) | 0; b = (b << 30) | (b >>> 2);
  x = w2 ^ w13 ^ w7 ^ w5; w5 = (x << 1) | (x >>> 31);
  d = (((e << 5) | (e >>> 27)) + (a ^ b ^ c) + d + w5 + 0x6ed9eba1) | 0; a = (a << 30) | (a >>> 2);
  x = w3 ^ w14 ^ w8 ^ w6; w6 = (x << 1) | (x >>> 31);
  c = (((d << 5) | (d >>> 27)) + (e ^ a ^ b) + c + w6 + 0x6ed9eba1) | 0; e = (e << 30) | (e >>> 2);
  x = w4 ^ w15 ^ w9 ^ w7; w7 = (x << 1) | (x >>> 31);
  b = (((c << 5) | (c >>> 27)) + (d ^ e ^ a) + b + w7 + 0x6ed9eba1) | 0; d = (d << 30) | (d >>> 2);
  x = w5 ^ w0 ^ w10 ^ w8; w8 = (x << 1) | (x >>> 31);
  a = (((b << 5) | (b >>> 27)) + (c ^ d ^ e) + a + w8 + 0x6ed9eba1) | 0; c = (c << 30) | (c >>> 2);
  x = w6 ^ w1 ^ w11 ^ w9; w9 = (x << 1) | (x >>> 31);
  e = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + w9 + 0x6ed9eba1) | 0; b = (b << 30) | (b >>> 2);
  x = w7 ^ w2 ^ w12 ^ w10; w10 = (x << 1) | (x >>> 31);
  d = (((e << 5) | (e >>> 27)) + (a ^ b ^ c) + d + w10 + 0x6ed9eba1) | 0; a = (a << 30) | (a >>> 2);
  x = w8 ^ w3 ^ w13 ^ w11; w11 = (x << 1) | (x >>> 31);
  c = (((d << 5) | (d >>> 27)) + (e ^ a ^ b) + c + w11 + 0x6ed9eba1) | 0; e = (e << 30) | (e >>> 2);
  x = w9 ^ w4 ^ w14 ^ w12; w12 = (x << 1) | (x >>> 31);
  b = (((c << 5) | (c >>> 27)) + (d ^ e ^ a) + b + w12 + 0x6ed9eba1) | 0; d = (d << 30) | (d >>> 2);
  x = w10 ^ w5 ^ w15 ^ w13; w13 = (x << 1) | (x >>> 31);
  a = (((b << 5) | (b >>> 27)) + (c ^ d ^ e) + a + w13 + 0x6ed9eba1) | 0; c = (c << 30) | (c >>> 2);
  x = w11 ^ w6 ^ w0 ^ w14; w14 = (x << 1) | (x >>> 31);
  e = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + w14 + 0x6ed9eba1) | 0; b = (b << 30) | (b >>> 2);
  x = w12 ^ w7 ^ w1 ^ w15; w15 = (x << 1) | (x >>> 31);
  d = (((e << 5) | (e >>> 27)) + (a ^ b ^ c) + d + w15 + 0x6ed9eba1) | 0; a = (a << 30) | (a >>> 2);
  x = w13 ^ w8 ^ w2 ^ w0; w0 = (x << 1) | (x >>> 31);
  c = (((d << 5) | (d >>> 27)) + (e ^ a ^ b) + c + w0 + 0x6ed9eba1) | 0; e = (e << 30) | (e >>> 2);
  x = w14 ^ w9 ^ w3 ^ w1; w1 = (x << 1) | (x >>> 31);
  b = (((c << 5) | (c >>> 27)) + (d ^ e ^ a) + b + w1 + 0x6ed9eba1) | 0; d = (d << 30) | (d >>> 2);
  x = w15 ^ w10 ^ w4 ^ w2; w2 = (x << 1) | (x >>> 31);
  a = (((b << 5) | (b >>> 27)) + (c ^ d ^ e) + a + w2 + 0x6ed9eba1) | 0; c = (c << 30) | (c >>> 2);
  x = w0 ^ w11 ^ w5 ^ w3; w3 = (x << 1) | (x >>> 31);
  e = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + w3 + 0x6ed9eba1) | 0; b = (b << 30) | (b >>> 2);
  x = w1 ^ w12 ^ w6 ^ w4; w4 = (x << 1) | (x >>> 31);
  d = (((e << 5) | (e >>> 27)) + (a ^ b ^ c) + d + w4 + 0x6ed9eba1) | 0; a = (a << 30) | (a >>> 2);
  x = w2 ^ w13 ^ w7 ^ w5; w5 = (x << 1) | (x >>> 31);
  c = (((d << 5) | (d >>> 27)) + (e ^ a ^ b) + c + w5 + 0x6ed9eba1) | 0; e = (e << 30) | (e >>> 2);
  x = w3 ^ w14 ^ w8 ^ w6; w6 = (x << 1) | (x >>> 31);
  b = (((c << 5) | (c >>> 27)) + (d ^ e ^ a) + b + w6 + 0x6ed9eba1) | 0; d = (d << 30) | (d >>> 2);
  x = w4 ^ w15 ^ w9 ^ w7; w7 = (x << 1) | (x >>> 31);
  a = (((b << 5) | (b >>> 27)) + (c ^ d ^ e) + a + w7 + 0x6ed9eba1) | 0; c = (c << 30) | (c >>> 2);
  // t = 40..59: f = Maj, K = 0x8f1bbcdc (as a signed 32-bit integer)
  x = w5 ^ w0 ^ w10 ^ w8; w8 = (x << 1) | (x >>> 31);
  e = (((a << 5) | (a >>> 27)) + ((b & c) | (d & (b | c))) + e + w8 - 0x70e44324) | 0; b = (b << 30) | (b >>> 2);
  x = w6 ^ w1 ^ w11 ^ w9; w9 = (x << 1) | (x >>> 31);
  d = (((e << 5) | (e >>> 27)) + ((a & b) | (c & (a | b))) + d + w9 - 0x70e44324) | 0; a = (a << 30) | (a >>> 2);
  x = w7 ^ w2 ^ w12 ^ w10; w10 = (x << 1) | (x >>> 31);
  c = (((d << 5) | (d >>> 27)) + ((e & a) | (b & (e | a))) + c + w10 - 0x70e44324) | 0; e = (e << 30) | (e >>> 2);
  x = w8 ^ w3 ^ w13 ^ w11; w11 = (x << 1) | (x >>> 31);
  b = (((c << 5) | (c >>> 27)) + ((d & e) | (a & (d | e))) + b + w11 - 0x70e44324) | 0; d = (d << 30) | (d >>> 2);
  x = w9 ^ w4 ^ w14 ^ w12; w12 = (x << 1) | (x >>> 31);
  a = (((b << 5) | (b >>> 27)) + ((c & d) | (e & (c | d))) + a + w12 - 0x70e44324) | 0; c = (c << 30) | (c >>> 2);
  x = w10 ^ w5 ^ w15 ^ w13; w13 = (x << 1) | (x >>> 31);
  e = (((a << 5) | (a >>> 27)) + ((b & c) | (d & (b | c))) + e + w13 - 0x70e44324) | 0; b = (b << 30) | (b >>> 2);
  x = w11 ^ w6 ^ w0 ^ w14; w14 = (x << 1) | (x >>> 31);
  d = (((e << 5) | (e >>> 27)) + ((a & b) | (c & (a | b))) + d + w14 - 0x70e44324) | 0; a = (a << 30) | (a >>> 2);
  x = w12 ^ w7 ^ w1 ^ w15; w15 = (x << 1) | (x >>> 31);
  c = (((d << 5) | (d >>> 27)) + ((e & a) | (b & (e | a))) + c + w15 - 0x70e44324) | 0; e = (e << 30) | (e >>> 2);
  x = w13 ^ w8 ^ w2 ^ w0; w0 = (x << 1) | (x >>> 31);
  b = (((c << 5) | (c >>> 27)) + ((d & e) | (a & (d | e))) + b + w0 - 0x70e44324) | 0; d = (d << 30) | (d >>> 2);
  x = w14 ^ w9 ^ w3 ^ w1; w1 = (x << 1) | (x >>> 31);
  a = (((b << 5) | (b >>> 27)) + ((c & d) | (e & (c | d))) + a + w1 - 0x70e44324) | 0; c = (c << 30) | (c >>> 2);
  x = w15 ^ w10 ^ w4 ^ w2; w2 = (x << 1) | (x >>> 31);
  e = (((a << 5) | (a >>> 27)) + ((b & c) | (d & (b | c))) + e + w2 - 0x70e44324) | 0; b = (b << 30) | (b >>> 2);
  x = w0 ^ w11 ^ w5 ^ w3; w3 = (x << 1) | (x >>> 31);
  d = (((e << 5) | (e >>> 27)) + ((a & b) | (c & (a | b))) + d + w3 - 0x70e44324) | 0; a = (a << 30) | (a >>> 2);
  x = w1 ^ w12 ^ w6 ^ w4; w4 = (x << 1) | (x >>> 31);
  c = (((d << 5) | (d >>> 27)) + ((e & a) | (b & (e | a))) + c + w4 - 0x70e44324) | 0; e = (e << 30) | (e >>> 2);
  x = w2 ^ w13 ^ w7 ^ w5; w5 = (x << 1) | (x >>> 31);
  b = (((c << 5) | (c >>> 27)) + ((d & e) | (a & (d | e))) + b + w5 - 0x70e44324) | 0; d = (d << 30) | (d >>> 2);
  x = w3 ^ w14 ^ w8 ^ w6; w6 = (x << 1) | (x >>> 31);
  a = (((b << 5) | (b >>> 27)) + ((c & d) | (e & (c | d))) + a + w6 - 0x70e44324) | 0; c = (c << 30) | (c >>> 2);
  x = w4 ^ w15 ^ w9 ^ w7; w7 = (x << 1) | (x >>> 31);
  e = (((a << 5) | (a >>> 27)) + ((b & c) | (d & (b | c))) + e + w7 - 0x70e44324) | 0; b = (b << 30) | (b >>> 2);
  x = w5 ^ w0 ^ w10 ^ w8; w8 = (x << 1) | (x >>> 31);
  d = (((e << 5) | (e >>> 27)) + ((a & b) | (c & (a | b))) + d + w8 - 0x70e44324) | 0; a = (a << 30) | (a >>> 2);
  x = w6 ^ w1 ^ w11 ^ w9; w9 = (x << 1) | (x >>> 31);
  c = (((d << 5) | (d >>> 27)) + ((e & a) | (b & (e | a))) + c + w9 - 0x70e44324) | 0; e = (e << 30) | (e >>> 2);
  x = w7 ^ w2 ^ w12 ^ w10; w10 = (x << 1) | (x >>> 31);
  b = (((c << 5) | (c >>> 27)) + ((d & e) | (a & (d | e))) + b + w10 - 0x70e44324) | 0; d = (d << 30) | (d >>> 2);
  x = w8 ^ w3 ^ w13 ^ w11; w11 = (x << 1) | (x >>> 31);
  a = (((b << 5) | (b >>> 27)) + ((c & d) | (e & (c | d))) + a + w11 - 0x70e44324) | 0; c = (c << 30) | (c >>> 2);
  // t = 60..79: f = Parity, K = 0xca62c1d6 (as a signed 32-bit integer)
  x = w9 ^ w4 ^ w14 ^ w12; w12 = (x << 1) | (x >>> 31);
  e = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + w12 - 0x359d3e2a) | 0; b = (b << 30) | (b >>> 2);
  x = w10 ^ w5 ^ w15 ^ w13; w13 = (x << 1) | (x >>> 31);
  d = (((e << 5) | (e >>> 27)) + (a ^ b ^ c) + d + w13 - 0x359d3e2a) | 0; a = (a << 30) | (a >>> 2);
  x = w11 ^ w6 ^ w0 ^ w14; w14 = (x << 1) | (x >>> 31);
  c = (((d << 5) | (d >>> 27)) + (e ^ a ^ b) + c + w14 - 0x359d3e2a) | 0; e = (e << 30) | (e >>> 2);
  x = w12 ^ w7 ^ w1 ^ w15; w15 = (x << 1) | (x >>> 31);
  b = (((c << 5) | (c >>> 27)) + (d ^ e ^ a) + b + w15 - 0x359d3e2a) | 0; d = (d << 30) | (d >>> 2);
  x = w13 ^ w8 ^ w2 ^ w0; w0 = (x << 1) | (x >>> 31);
  a = (((b << 5) | (b >>> 27)) + (c ^ d ^ e) + a + w0 - 0x359d3e2a) | 0; c = (c << 30) | (c >>> 2);
  x = w14 ^ w9 ^ w3 ^ w1; w1 = (x << 1) | (x >>> 31);
  e = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + w1 - 0x359d3e2a) | 0; b = (b << 30) | (b >>> 2);
  x = w15 ^ w10 ^ w4 ^ w2; w2 = (x << 1) | (x >>> 31);
  d = (((e << 5) | (e >>> 27)) + (a ^ b ^ c) + d + w2 - 0x359d3e2a) | 0; a = (a << 30) | (a >>> 2);
  x = w0 ^ w11 ^ w5 ^ w3; w3 = (x << 1) | (x >>> 31);
  c = (((d << 5) | (d >>> 27)) + (e ^ a ^ b) + c + w3 - 0x359d3e2a) | 0; e = (e << 30) | (e >>> 2);
  x = w1 ^ w12 ^ w6 ^ w4; w4 = (x << 1) | (x >>> 31);
  b = (((c << 5) | (c >>> 27)) + (d ^ e ^ a) + b + w4 - 0x359d3e2a) | 0; d = (d << 30) | (d >>> 2);
  x = w2 ^ w13 ^ w7 ^ w5; w5 = (x << 1) | (x >>> 31);
  a = (((b << 5) | (b >>> 27)) + (c ^ d ^ e) + a + w5 - 0x359d3e2a) | 0; c = (c << 30) | (c >>> 2);
  x = w3 ^ w14 ^ w8 ^ w6; w6 = (x << 1) | (x >>> 31);
  e = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + w6 - 0x359d3e2a) | 0; b = (b << 30) | (b >>> 2);
  x = w4 ^ w15 ^ w9 ^ w7; w7 = (x << 1) | (x >>> 31);
  d = (((e << 5) | (e >>> 27)) + (a ^ b ^ c) + d + w7 - 0x359d3e2a) | 0; a = (a << 30) | (a >>> 2);
  x = w5 ^ w0 ^ w10 ^ w8; w8 = (x << 1) | (x >>> 31);
  c = (((d << 5) | (d >>> 27)) + (e ^ a ^ b) + c + w8 - 0x359d3e2a) | 0; e = (e << 30) | (e >>> 2);
  x = w6 ^ w1 ^ w11 ^ w9; w9 = (x << 1) | (x >>> 31);
  b = (((c << 5) | (c >>> 27)) + (d ^ e ^ a) + b + w9 - 0x359d3e2a) | 0; d = (d << 30) | (d >>> 2);
  x = w7 ^ w2 ^ w12 ^ w10; w10 = (x << 1) | (x >>> 31);
  a = (((b << 5) | (b >>> 27)) + (c ^ d ^ e) + a + w10 - 0x359d3e2a) | 0; c = (c << 30) | (c >>> 2);
  x = w8 ^ w3 ^ w13 ^ w11; w11 = (x << 1) | (x >>> 31);
  e = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + w11 - 0x359d3e2a) | 0; b = (b << 30) | (b >>> 2);
  x = w9 ^ w4 ^ w14 ^ w12; w12 = (x << 1) | (x >>> 31);
  d = (((e << 5) | (e >>> 27)) + (a ^ b ^ c) + d + w12 - 0x359d3e2a) | 0; a = (a << 30) | (a >>> 2);
  x = w10 ^ w5 ^ w15 ^ w13; w13 = (x << 1) | (x >>> 31);
  c = (((d << 5) | (d >>> 27)) + (e ^ a ^ b) + c + w13 - 0x359d3e2a) | 0; e = (e << 30) | (e >>> 2);
  x = w11 ^ w6 ^ w0 ^ w14; w14 = (x << 1) | (x >>> 31);
  b = (((c << 5) | (c >>> 27)) + (d ^ e ^ a) + b + w14 - 0x359d3e2a) | 0; d = (d << 30) | (d >>> 2);
  x = w12 ^ w7 ^ w1 ^ w15; w15 = (x << 1) | (x >>> 31);
  a = (((b << 5) | (b >>> 27)) + (c ^ d ^ e) + a + w15 - 0x359d3e2a) | 0; c = (c << 30) | (c >>> 2);
  h[0] = (h[0] + a) | 0;
  h[1] = (h[1] + b) | 0;
  h[2] = (h[2] + c) | 0;
  h[3] = (h[3] + d) | 0;
  h[4] = (h[4] + e) | 0;
}

/**
 * Hashes the concatenation of `parts` into `h`, which holds the state after `consumed` bytes (a
 * multiple of 64), then pads the message and hashes the padding (FIPS 180-4 §5.1.1). Full blocks
 * are compressed where they lie; only a block that straddles parts or the padding is staged in
 * `block` (64 bytes), so nothing is allocated.
 */
export function sha1Finish(h: number[], consumed: number, parts: readonly Uint8Array[], block: Uint8Array): void {
  let fill = 0;
  let total = consumed;
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p];
    const n = part.length;
    total += n;
    let o = 0;
    if (fill + n <= SHA1_BLOCK) {
      block.set(part, fill);
      fill += n;
      o = n;
    } else if (fill > 0) {
      while (fill < SHA1_BLOCK) block[fill++] = part[o++];
    }
    if (fill === SHA1_BLOCK) {
      sha1Compress(h, block, 0);
      fill = 0;
    }
    for (; n - o >= SHA1_BLOCK; o += SHA1_BLOCK) sha1Compress(h, part, o);
    while (o < n) block[fill++] = part[o++];
  }
  block[fill++] = 0x80;
  if (fill > SHA1_BLOCK - 8) {
    block.fill(0, fill);
    sha1Compress(h, block, 0);
    fill = 0;
  }
  block.fill(0, fill, SHA1_BLOCK - 8);
  // The message length in bits as a 64-bit big-endian integer.
  const bits = total * 8;
  const high = Math.floor(bits / 0x100000000);
  writeWord(block, 56, high);
  writeWord(block, 60, bits - high * 0x100000000);
  sha1Compress(h, block, 0);
}

/** Writes the 32-bit word w big-endian at b[o..o+4). */
export function writeWord(b: Uint8Array, o: number, w: number): void {
  b[o] = w >>> 24;
  b[o + 1] = w >>> 16;
  b[o + 2] = w >>> 8;
  b[o + 3] = w;
}

/** The 20-byte digest H0 ‖ … ‖ H4 of state h into out[0..20) (FIPS 180-4 §6.1.2). */
export function writeDigest(h: readonly number[], out: Uint8Array): void {
  for (let i = 0; i < 5; i++) writeWord(out, 4 * i, h[i]);
}

/** SHA-1 of `data` (FIPS 180-4 §6.1). */
export function sha1(data: Uint8Array): Uint8Array {
  const h = SHA1_IV.slice();
  sha1Finish(h, 0, [data], new Uint8Array(SHA1_BLOCK));
  const out = new Uint8Array(SHA1_LENGTH);
  writeDigest(h, out);
  return out;
}
