// The default crypto provider: @noble/ciphers and @noble/hashes, used so that per-packet work
// allocates nothing of ours. The AES key schedule is expanded once per key and blocks go straight
// through @noble's `unsafe.encrypt` on words (no per-call views or copies; @noble still returns one
// small result object per block); the HMAC inner and outer pads are hashed once per key and cloned
// into a reused working state per MAC (RFC 2104 §2).
import { unsafe } from '@noble/ciphers/aes.js';
import { _HMAC } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import type { AesKey, Crypto, HmacSha1Key } from './contracts.js';

const BLOCK = 16;

class NobleAesKey implements AesKey {
  private readonly schedule: Uint32Array;

  constructor(key: Uint8Array) {
    if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
      throw new RangeError(`AES key must be 16, 24 or 32 bytes, got ${key.length}`);
    }
    this.schedule = unsafe.expandKeyLE(key);
  }

  encryptBlock(input: Uint8Array, output: Uint8Array): void {
    if (input.length !== BLOCK || output.length !== BLOCK) throw new RangeError('AES block must be 16 bytes');
    // unsafe.encrypt works on the block as four little-endian words, as @noble's own modes do.
    const s = unsafe.encrypt(this.schedule, le32(input, 0), le32(input, 4), le32(input, 8), le32(input, 12));
    putLe32(output, 0, s.s0);
    putLe32(output, 4, s.s1);
    putLe32(output, 8, s.s2);
    putLe32(output, 12, s.s3);
  }

  ctrXor(iv: Uint8Array, data: Uint8Array): void {
    if (iv.length !== BLOCK) throw new RangeError('AES-CTR counter block must be 16 bytes');
    const xk = this.schedule;
    // The counter as big-endian words c0 (most significant) .. c3, incremented as one 128-bit integer.
    let c0 = be32(iv, 0), c1 = be32(iv, 4), c2 = be32(iv, 8), c3 = be32(iv, 12);
    const length = data.length;
    for (let offset = 0; offset < length; offset += BLOCK) {
      const s = unsafe.encrypt(xk, swap(c0), swap(c1), swap(c2), swap(c3));
      if (length - offset >= BLOCK) {
        xorLe32(data, offset, s.s0);
        xorLe32(data, offset + 4, s.s1);
        xorLe32(data, offset + 8, s.s2);
        xorLe32(data, offset + 12, s.s3);
      } else {
        for (let i = 0; offset + i < length; i++) {
          const w = i < 4 ? s.s0 : i < 8 ? s.s1 : i < 12 ? s.s2 : s.s3;
          data[offset + i] ^= (w >>> (8 * (i & 3))) & 0xff;
        }
      }
      c3 = (c3 + 1) >>> 0;
      if (c3 === 0) {
        c2 = (c2 + 1) >>> 0;
        if (c2 === 0) {
          c1 = (c1 + 1) >>> 0;
          if (c1 === 0) c0 = (c0 + 1) >>> 0;
        }
      }
    }
  }
}

function be32(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}

function le32(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24);
}

function swap(w: number): number {
  return ((w >>> 24) | ((w >>> 8) & 0xff00) | ((w & 0xff00) << 8) | (w << 24)) >>> 0;
}

function putLe32(b: Uint8Array, o: number, w: number): void {
  b[o] = w & 0xff;
  b[o + 1] = (w >>> 8) & 0xff;
  b[o + 2] = (w >>> 16) & 0xff;
  b[o + 3] = w >>> 24;
}

function xorLe32(b: Uint8Array, o: number, w: number): void {
  b[o] ^= w & 0xff;
  b[o + 1] ^= (w >>> 8) & 0xff;
  b[o + 2] ^= (w >>> 16) & 0xff;
  b[o + 3] ^= w >>> 24;
}

class NobleHmacSha1Key implements HmacSha1Key {
  private readonly template: _HMAC<any>;
  private working: _HMAC<any>;

  constructor(key: Uint8Array) {
    this.template = new _HMAC(sha1, key);
    this.working = this.template.clone();
  }

  mac(parts: readonly Uint8Array[], output: Uint8Array): void {
    if (output.length < 20) throw new RangeError('HMAC-SHA1 output must hold 20 bytes');
    const h = this.template._cloneInto(this.working);
    this.working = h;
    for (const part of parts) h.update(part);
    h.digestInto(output);
  }
}

export const nobleCrypto: Crypto = {
  aesKey: (key) => new NobleAesKey(key),
  hmacSha1Key: (key) => new NobleHmacSha1Key(key),
};
