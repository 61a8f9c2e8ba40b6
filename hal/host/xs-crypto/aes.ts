// AES (FIPS 197) tuned for the XS bytecode interpreter, where every call, property access and
// typed-array read costs: the key schedule is expanded once into a plain array, a block runs as
// T-table rounds (FIPS 197 §5.1, in the table form of the Rijndael proposal §5.2.1) written out in
// full with the state in locals, and CTR mode (NIST SP 800-38A §6.5) XORs each keystream block
// straight into the caller's bytes.
import type { AesKey } from '../../contracts.js';
import { SB16, SB24, SB8, SBOX, TE0, TE1, TE2, TE3 } from './aes-tables.js';

const BLOCK = 16;

/** KeyExpansion (FIPS 197 §5.2): Nb(Nr+1) big-endian words for a 16-, 24- or 32-byte key. */
export function expandKey(key: Uint8Array): number[] {
  const nk = key.length >> 2;
  const total = 4 * (nk + 7);
  const w: number[] = [];
  for (let i = 0; i < nk; i++) w[i] = (key[4 * i] << 24) | (key[4 * i + 1] << 16) | (key[4 * i + 2] << 8) | key[4 * i + 3];
  let rcon = 1;
  for (let i = nk; i < total; i++) {
    let t = w[i - 1];
    if (i % nk === 0) {
      // SubWord(RotWord(t)) XOR Rcon[i/Nk]
      t = (SBOX[(t >>> 16) & 255] << 24) | (SBOX[(t >>> 8) & 255] << 16) | (SBOX[t & 255] << 8) | SBOX[t >>> 24];
      t ^= rcon << 24;
      rcon = ((rcon << 1) ^ (rcon & 0x80 ? 0x11b : 0)) & 0xff;
    } else if (nk > 6 && i % nk === 4) {
      t = (SBOX[t >>> 24] << 24) | (SBOX[(t >>> 16) & 255] << 16) | (SBOX[(t >>> 8) & 255] << 8) | SBOX[t & 255];
    }
    w[i] = w[i - nk] ^ t;
  }
  return w;
}

/**
 * Cipher (FIPS 197 §5.1) of the block whose big-endian words are s0..s3, with `nr` rounds of the
 * schedule `rk`; the output words go to out[0..4). Rounds 1..9 alternate the state between s and
 * t, AES-192 and AES-256 add two and four rounds, and the last round (no MixColumns) reads t.
 */
function encryptWords(rk: number[], nr: number, s0: number, s1: number, s2: number, s3: number, out: number[]): void {
  s0 ^= rk[0];
  s1 ^= rk[1];
  s2 ^= rk[2];
  s3 ^= rk[3];
  let t0: number, t1: number, t2: number, t3: number;
  t0 = TE0[s0 >>> 24] ^ TE1[(s1 >>> 16) & 255] ^ TE2[(s2 >>> 8) & 255] ^ TE3[s3 & 255] ^ rk[4];
  t1 = TE0[s1 >>> 24] ^ TE1[(s2 >>> 16) & 255] ^ TE2[(s3 >>> 8) & 255] ^ TE3[s0 & 255] ^ rk[5];
  t2 = TE0[s2 >>> 24] ^ TE1[(s3 >>> 16) & 255] ^ TE2[(s0 >>> 8) & 255] ^ TE3[s1 & 255] ^ rk[6];
  t3 = TE0[s3 >>> 24] ^ TE1[(s0 >>> 16) & 255] ^ TE2[(s1 >>> 8) & 255] ^ TE3[s2 & 255] ^ rk[7];
  s0 = TE0[t0 >>> 24] ^ TE1[(t1 >>> 16) & 255] ^ TE2[(t2 >>> 8) & 255] ^ TE3[t3 & 255] ^ rk[8];
  s1 = TE0[t1 >>> 24] ^ TE1[(t2 >>> 16) & 255] ^ TE2[(t3 >>> 8) & 255] ^ TE3[t0 & 255] ^ rk[9];
  s2 = TE0[t2 >>> 24] ^ TE1[(t3 >>> 16) & 255] ^ TE2[(t0 >>> 8) & 255] ^ TE3[t1 & 255] ^ rk[10];
  s3 = TE0[t3 >>> 24] ^ TE1[(t0 >>> 16) & 255] ^ TE2[(t1 >>> 8) & 255] ^ TE3[t2 & 255] ^ rk[11];
  t0 = TE0[s0 >>> 24] ^ TE1[(s1 >>> 16) & 255] ^ TE2[(s2 >>> 8) & 255] ^ TE3[s3 & 255] ^ rk[12];
  t1 = TE0[s1 >>> 24] ^ TE1[(s2 >>> 16) & 255] ^ TE2[(s3 >>> 8) & 255] ^ TE3[s0 & 255] ^ rk[13];
  t2 = TE0[s2 >>> 24] ^ TE1[(s3 >>> 16) & 255] ^ TE2[(s0 >>> 8) & 255] ^ TE3[s1 & 255] ^ rk[14];
  t3 = TE0[s3 >>> 24] ^ TE1[(s0 >>> 16) & 255] ^ TE2[(s1 >>> 8) & 255] ^ TE3[s2 & 255] ^ rk[15];
  s0 = TE0[t0 >>> 24] ^ TE1[(t1 >>> 16) & 255] ^ TE2[(t2 >>> 8) & 255] ^ TE3[t3 & 255] ^ rk[16];
  s1 = TE0[t1 >>> 24] ^ TE1[(t2 >>> 16) & 255] ^ TE2[(t3 >>> 8) & 255] ^ TE3[t0 & 255] ^ rk[17];
  s2 = TE0[t2 >>> 24] ^ TE1[(t3 >>> 16) & 255] ^ TE2[(t0 >>> 8) & 255] ^ TE3[t1 & 255] ^ rk[18];
  s3 = TE0[t3 >>> 24] ^ TE1[(t0 >>> 16) & 255] ^ TE2[(t1 >>> 8) & 255] ^ TE3[t2 & 255] ^ rk[19];
  t0 = TE0[s0 >>> 24] ^ TE1[(s1 >>> 16) & 255] ^ TE2[(s2 >>> 8) & 255] ^ TE3[s3 & 255] ^ rk[20];
  t1 = TE0[s1 >>> 24] ^ TE1[(s2 >>> 16) & 255] ^ TE2[(s3 >>> 8) & 255] ^ TE3[s0 & 255] ^ rk[21];
  t2 = TE0[s2 >>> 24] ^ TE1[(s3 >>> 16) & 255] ^ TE2[(s0 >>> 8) & 255] ^ TE3[s1 & 255] ^ rk[22];
  t3 = TE0[s3 >>> 24] ^ TE1[(s0 >>> 16) & 255] ^ TE2[(s1 >>> 8) & 255] ^ TE3[s2 & 255] ^ rk[23];
  s0 = TE0[t0 >>> 24] ^ TE1[(t1 >>> 16) & 255] ^ TE2[(t2 >>> 8) & 255] ^ TE3[t3 & 255] ^ rk[24];
  s1 = TE0[t1 >>> 24] ^ TE1[(t2 >>> 16) & 255] ^ TE2[(t3 >>> 8) & 255] ^ TE3[t0 & 255] ^ rk[25];
  s2 = TE0[t2 >>> 24] ^ TE1[(t3 >>> 16) & 255] ^ TE2[(t0 >>> 8) & 255] ^ TE3[t1 & 255] ^ rk[26];
  s3 = TE0[t3 >>> 24] ^ TE1[(t0 >>> 16) & 255] ^ TE2[(t1 >>> 8) & 255] ^ TE3[t2 & 255] ^ rk[27];
  t0 = TE0[s0 >>> 24] ^ TE1[(s1 >>> 16) & 255] ^ TE2[(s2 >>> 8) & 255] ^ TE3[s3 & 255] ^ rk[28];
  t1 = TE0[s1 >>> 24] ^ TE1[(s2 >>> 16) & 255] ^ TE2[(s3 >>> 8) & 255] ^ TE3[s0 & 255] ^ rk[29];
  t2 = TE0[s2 >>> 24] ^ TE1[(s3 >>> 16) & 255] ^ TE2[(s0 >>> 8) & 255] ^ TE3[s1 & 255] ^ rk[30];
  t3 = TE0[s3 >>> 24] ^ TE1[(s0 >>> 16) & 255] ^ TE2[(s1 >>> 8) & 255] ^ TE3[s2 & 255] ^ rk[31];
  s0 = TE0[t0 >>> 24] ^ TE1[(t1 >>> 16) & 255] ^ TE2[(t2 >>> 8) & 255] ^ TE3[t3 & 255] ^ rk[32];
  s1 = TE0[t1 >>> 24] ^ TE1[(t2 >>> 16) & 255] ^ TE2[(t3 >>> 8) & 255] ^ TE3[t0 & 255] ^ rk[33];
  s2 = TE0[t2 >>> 24] ^ TE1[(t3 >>> 16) & 255] ^ TE2[(t0 >>> 8) & 255] ^ TE3[t1 & 255] ^ rk[34];
  s3 = TE0[t3 >>> 24] ^ TE1[(t0 >>> 16) & 255] ^ TE2[(t1 >>> 8) & 255] ^ TE3[t2 & 255] ^ rk[35];
  t0 = TE0[s0 >>> 24] ^ TE1[(s1 >>> 16) & 255] ^ TE2[(s2 >>> 8) & 255] ^ TE3[s3 & 255] ^ rk[36];
  t1 = TE0[s1 >>> 24] ^ TE1[(s2 >>> 16) & 255] ^ TE2[(s3 >>> 8) & 255] ^ TE3[s0 & 255] ^ rk[37];
  t2 = TE0[s2 >>> 24] ^ TE1[(s3 >>> 16) & 255] ^ TE2[(s0 >>> 8) & 255] ^ TE3[s1 & 255] ^ rk[38];
  t3 = TE0[s3 >>> 24] ^ TE1[(s0 >>> 16) & 255] ^ TE2[(s1 >>> 8) & 255] ^ TE3[s2 & 255] ^ rk[39];
  if (nr > 10) {
    s0 = TE0[t0 >>> 24] ^ TE1[(t1 >>> 16) & 255] ^ TE2[(t2 >>> 8) & 255] ^ TE3[t3 & 255] ^ rk[40];
    s1 = TE0[t1 >>> 24] ^ TE1[(t2 >>> 16) & 255] ^ TE2[(t3 >>> 8) & 255] ^ TE3[t0 & 255] ^ rk[41];
    s2 = TE0[t2 >>> 24] ^ TE1[(t3 >>> 16) & 255] ^ TE2[(t0 >>> 8) & 255] ^ TE3[t1 & 255] ^ rk[42];
    s3 = TE0[t3 >>> 24] ^ TE1[(t0 >>> 16) & 255] ^ TE2[(t1 >>> 8) & 255] ^ TE3[t2 & 255] ^ rk[43];
    t0 = TE0[s0 >>> 24] ^ TE1[(s1 >>> 16) & 255] ^ TE2[(s2 >>> 8) & 255] ^ TE3[s3 & 255] ^ rk[44];
    t1 = TE0[s1 >>> 24] ^ TE1[(s2 >>> 16) & 255] ^ TE2[(s3 >>> 8) & 255] ^ TE3[s0 & 255] ^ rk[45];
    t2 = TE0[s2 >>> 24] ^ TE1[(s3 >>> 16) & 255] ^ TE2[(s0 >>> 8) & 255] ^ TE3[s1 & 255] ^ rk[46];
    t3 = TE0[s3 >>> 24] ^ TE1[(s0 >>> 16) & 255] ^ TE2[(s1 >>> 8) & 255] ^ TE3[s2 & 255] ^ rk[47];
    if (nr > 12) {
      s0 = TE0[t0 >>> 24] ^ TE1[(t1 >>> 16) & 255] ^ TE2[(t2 >>> 8) & 255] ^ TE3[t3 & 255] ^ rk[48];
      s1 = TE0[t1 >>> 24] ^ TE1[(t2 >>> 16) & 255] ^ TE2[(t3 >>> 8) & 255] ^ TE3[t0 & 255] ^ rk[49];
      s2 = TE0[t2 >>> 24] ^ TE1[(t3 >>> 16) & 255] ^ TE2[(t0 >>> 8) & 255] ^ TE3[t1 & 255] ^ rk[50];
      s3 = TE0[t3 >>> 24] ^ TE1[(t0 >>> 16) & 255] ^ TE2[(t1 >>> 8) & 255] ^ TE3[t2 & 255] ^ rk[51];
      t0 = TE0[s0 >>> 24] ^ TE1[(s1 >>> 16) & 255] ^ TE2[(s2 >>> 8) & 255] ^ TE3[s3 & 255] ^ rk[52];
      t1 = TE0[s1 >>> 24] ^ TE1[(s2 >>> 16) & 255] ^ TE2[(s3 >>> 8) & 255] ^ TE3[s0 & 255] ^ rk[53];
      t2 = TE0[s2 >>> 24] ^ TE1[(s3 >>> 16) & 255] ^ TE2[(s0 >>> 8) & 255] ^ TE3[s1 & 255] ^ rk[54];
      t3 = TE0[s3 >>> 24] ^ TE1[(s0 >>> 16) & 255] ^ TE2[(s1 >>> 8) & 255] ^ TE3[s2 & 255] ^ rk[55];
    }
  }
  const k = 4 * nr;
  out[0] = SB24[t0 >>> 24] ^ SB16[(t1 >>> 16) & 255] ^ SB8[(t2 >>> 8) & 255] ^ SBOX[t3 & 255] ^ rk[k];
  out[1] = SB24[t1 >>> 24] ^ SB16[(t2 >>> 16) & 255] ^ SB8[(t3 >>> 8) & 255] ^ SBOX[t0 & 255] ^ rk[k + 1];
  out[2] = SB24[t2 >>> 24] ^ SB16[(t3 >>> 16) & 255] ^ SB8[(t0 >>> 8) & 255] ^ SBOX[t1 & 255] ^ rk[k + 2];
  out[3] = SB24[t3 >>> 24] ^ SB16[(t0 >>> 16) & 255] ^ SB8[(t1 >>> 8) & 255] ^ SBOX[t2 & 255] ^ rk[k + 3];
}

function readWord(b: Uint8Array, o: number): number {
  return (b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3];
}

export class XsAesKey implements AesKey {
  private readonly rk: number[];
  private readonly nr: number;
  /** The output words of the last block, reused. */
  private readonly out = [0, 0, 0, 0];

  constructor(key: Uint8Array) {
    if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
      throw new RangeError(`AES key must be 16, 24 or 32 bytes, got ${key.length}`);
    }
    this.rk = expandKey(key);
    this.nr = (key.length >> 2) + 6;
  }

  encryptBlock(input: Uint8Array, output: Uint8Array): void {
    if (input.length !== BLOCK || output.length !== BLOCK) throw new RangeError('AES block must be 16 bytes');
    const out = this.out;
    encryptWords(this.rk, this.nr, readWord(input, 0), readWord(input, 4), readWord(input, 8), readWord(input, 12), out);
    for (let i = 0; i < 4; i++) {
      const w = out[i];
      output[4 * i] = w >>> 24;
      output[4 * i + 1] = w >>> 16;
      output[4 * i + 2] = w >>> 8;
      output[4 * i + 3] = w;
    }
  }

  /** data XOR the keystream E(iv), E(iv + 1), … where the counter is one 128-bit integer (SP 800-38A §6.5). */
  ctrXor(iv: Uint8Array, data: Uint8Array): void {
    if (iv.length !== BLOCK) throw new RangeError('AES-CTR counter block must be 16 bytes');
    const rk = this.rk;
    const nr = this.nr;
    const out = this.out;
    let c0 = readWord(iv, 0), c1 = readWord(iv, 4), c2 = readWord(iv, 8), c3 = readWord(iv, 12);
    const length = data.length;
    for (let o = 0; o < length; o += BLOCK) {
      encryptWords(rk, nr, c0, c1, c2, c3, out);
      if (length - o >= BLOCK) {
        // Uint8Array stores keep the low 8 bits, so no masks are needed.
        let w = out[0];
        data[o] ^= w >>> 24; data[o + 1] ^= w >>> 16; data[o + 2] ^= w >>> 8; data[o + 3] ^= w;
        w = out[1];
        data[o + 4] ^= w >>> 24; data[o + 5] ^= w >>> 16; data[o + 6] ^= w >>> 8; data[o + 7] ^= w;
        w = out[2];
        data[o + 8] ^= w >>> 24; data[o + 9] ^= w >>> 16; data[o + 10] ^= w >>> 8; data[o + 11] ^= w;
        w = out[3];
        data[o + 12] ^= w >>> 24; data[o + 13] ^= w >>> 16; data[o + 14] ^= w >>> 8; data[o + 15] ^= w;
      } else {
        for (let i = 0; o + i < length; i++) data[o + i] ^= out[i >> 2] >>> (24 - 8 * (i & 3));
      }
      c3 = (c3 + 1) | 0;
      if (c3 === 0) {
        c2 = (c2 + 1) | 0;
        if (c2 === 0) {
          c1 = (c1 + 1) | 0;
          if (c1 === 0) c0 = (c0 + 1) | 0;
        }
      }
    }
  }
}
