// The device's crypto entry points on Moddable's native "crypt" module: AES from its BlockCipher
// (key schedule expanded once per key), AES-CTR from its CTR Mode, and HMAC-SHA1 (RFC 2104) built
// on its native SHA-1 Digest, which the SDK does not offer as HMAC. Moddable's Digest cannot copy a
// hash state, so the two pads are XORed once per key and replayed through the native hash per MAC
// (two extra compressions in C rather than a state clone).
//
// The SDK's typings/crypt.d.ts (SDK 8.2.3) declares only Digest, with `write(string | ArrayBuffer)`,
// while the module (modules/crypt/digest/crypt.js) also exports BlockCipher and Mode, and its host
// functions read any buffer view (modCrypt.c: xsmcGetBufferReadable). NativeCrypt below is the shape
// this file relies on, checked at run time on the SDK by `npm run device:check`; the module is
// imported as a namespace and viewed through that shape, so no declaration of "crypt" is repeated.
import * as crypt from 'crypt';
import type { AesKey, Crypto, HmacSha1Key } from '../contracts.js';

type Bytes = ArrayBuffer | ArrayBufferView;

interface NativeDigest {
  write(data: Bytes): void;
  close(): ArrayBuffer;
  reset(): void;
}

interface NativeBlockCipher {
  /** Encrypts the first block of `data` into `result`; both whole ArrayBuffers. */
  encrypt(data: ArrayBuffer, result: ArrayBuffer): ArrayBuffer;
}

interface NativeMode {
  /** Takes the 16-byte counter block as a whole ArrayBuffer. */
  setIV(iv: ArrayBuffer): void;
  /** CTR is its own inverse: XORs the keystream into `result`, which may be `data` (a view). */
  decrypt(data: Bytes, result: Bytes): Bytes;
}

interface NativeCrypt {
  Digest: new (type: 'SHA1') => NativeDigest;
  BlockCipher: new (cipher: 'AES', key: ArrayBuffer) => NativeBlockCipher;
  Mode: new (mode: 'CTR', cipher: NativeBlockCipher) => NativeMode;
}

const native = crypt as unknown as NativeCrypt;

const BLOCK = 16;
const SHA1_BLOCK = 64;
const SHA1_OUTPUT = 20;

class NativeAesKey implements AesKey {
  private readonly cipher: NativeBlockCipher;
  private readonly ctr: NativeMode;
  // BlockCipher.encrypt and Mode.setIV take whole ArrayBuffers: these are reused for every call.
  private readonly input = new Uint8Array(BLOCK);
  private readonly output = new Uint8Array(BLOCK);
  private readonly counter = new Uint8Array(BLOCK);

  constructor(key: Uint8Array) {
    if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
      throw new RangeError(`AES key must be 16, 24 or 32 bytes, got ${key.length}`);
    }
    this.cipher = new native.BlockCipher('AES', key.slice().buffer);
    this.ctr = new native.Mode('CTR', this.cipher);
  }

  encryptBlock(input: Uint8Array, output: Uint8Array): void {
    if (input.length !== BLOCK || output.length !== BLOCK) throw new RangeError('AES block must be 16 bytes');
    this.input.set(input);
    this.cipher.encrypt(this.input.buffer, this.output.buffer);
    output.set(this.output);
  }

  ctrXor(iv: Uint8Array, data: Uint8Array): void {
    if (iv.length !== BLOCK) throw new RangeError('AES-CTR counter block must be 16 bytes');
    this.counter.set(iv);
    this.ctr.setIV(this.counter.buffer);
    // Mode's decrypt reads and writes the view it is given as result, offset included: in place.
    this.ctr.decrypt(data, data);
  }
}

class NativeHmacSha1Key implements HmacSha1Key {
  private readonly inner = new native.Digest('SHA1');
  private readonly outer = new native.Digest('SHA1');
  private readonly innerPad = new Uint8Array(SHA1_BLOCK);
  private readonly outerPad = new Uint8Array(SHA1_BLOCK);

  /** K0 = key, or SHA-1(key) if longer than a block, zero-padded; pads = K0 XOR 0x36.., 0x5c.. (RFC 2104 §2). */
  constructor(key: Uint8Array) {
    const k0 = new Uint8Array(SHA1_BLOCK);
    if (key.length > SHA1_BLOCK) {
      this.inner.reset();
      this.inner.write(key);
      k0.set(new Uint8Array(this.inner.close()));
    } else k0.set(key);
    for (let i = 0; i < SHA1_BLOCK; i++) {
      this.innerPad[i] = k0[i] ^ 0x36;
      this.outerPad[i] = k0[i] ^ 0x5c;
    }
  }

  mac(parts: readonly Uint8Array[], output: Uint8Array): void {
    if (output.length < SHA1_OUTPUT) throw new RangeError('HMAC-SHA1 output must hold 20 bytes');
    const inner = this.inner;
    inner.reset();
    inner.write(this.innerPad);
    for (let i = 0; i < parts.length; i++) inner.write(parts[i]);
    const innerHash = inner.close();
    const outer = this.outer;
    outer.reset();
    outer.write(this.outerPad);
    outer.write(innerHash);
    output.set(new Uint8Array(outer.close()));
  }
}

export const esp32Crypto: Crypto = {
  aesKey: (key) => new NativeAesKey(key),
  hmacSha1Key: (key) => new NativeHmacSha1Key(key),
};
