// The default crypto provider: @noble/ciphers and @noble/hashes, used so that per-packet work
// allocates nothing. The AES key schedule is expanded once per key; the HMAC inner and outer pads
// are hashed once per key and cloned into a reused working state per MAC (RFC 2104 §2).
import { unsafe } from '@noble/ciphers/aes.js';
import { _HMAC } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import type { AesKey, Crypto, HmacSha1Key } from './contracts.js';

const BLOCK = 16;

class NobleAesKey implements AesKey {
  private readonly schedule: Uint32Array;
  // Word-aligned scratch blocks: @noble's block helpers view bytes as Uint32Array.
  private readonly counter = new Uint8Array(BLOCK);
  private readonly stream = new Uint8Array(BLOCK);

  constructor(key: Uint8Array) {
    if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
      throw new RangeError(`AES key must be 16, 24 or 32 bytes, got ${key.length}`);
    }
    this.schedule = unsafe.expandKeyLE(key);
  }

  encryptBlock(input: Uint8Array, output: Uint8Array): void {
    if (input.length !== BLOCK || output.length !== BLOCK) throw new RangeError('AES block must be 16 bytes');
    this.stream.set(input);
    unsafe.encryptBlock(this.schedule, this.stream);
    output.set(this.stream);
  }

  ctrXor(iv: Uint8Array, data: Uint8Array): void {
    if (iv.length !== BLOCK) throw new RangeError('AES-CTR counter block must be 16 bytes');
    const counter = this.counter;
    const stream = this.stream;
    counter.set(iv);
    for (let offset = 0; offset < data.length; offset += BLOCK) {
      stream.set(counter);
      unsafe.encryptBlock(this.schedule, stream);
      const end = Math.min(BLOCK, data.length - offset);
      for (let i = 0; i < end; i++) data[offset + i] ^= stream[i];
      // Big-endian increment of the whole 128-bit counter block.
      for (let i = BLOCK - 1; i >= 0; i--) {
        counter[i] = (counter[i] + 1) & 0xff;
        if (counter[i] !== 0) break;
      }
    }
  }
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
