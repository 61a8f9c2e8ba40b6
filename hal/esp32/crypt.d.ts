// Ambient types for Moddable's native "crypt" module (modules/crypt/digest in the Moddable SDK),
// which @moddable/typings 5.6.0 does not describe. Written from the SDK's documentation
// (documentation/crypt/crypt.md) and the argument handling of its host functions: keys, IVs and
// single-block inputs must be ArrayBuffers; digest input and CTR data may be typed-array views.
declare module 'crypt' {
  type DigestName = 'MD5' | 'SHA1' | 'SHA224' | 'SHA256' | 'SHA384' | 'SHA512';
  type Bytes = ArrayBuffer | ArrayBufferView;

  /** A hash computation; `reset` starts it over, so one object serves many messages. */
  export class Digest {
    constructor(type: DigestName);
    /** Adds message bytes (a string is hashed as its bytes). */
    write(data: string | Bytes): void;
    /** Returns the hash; with `more` true the state is kept, so writing may go on. */
    close(more?: boolean): ArrayBuffer;
    reset(): void;
    /** reset, write each argument, close. */
    process(...data: (string | Bytes)[]): ArrayBuffer;
    update(data: string | Bytes): void;
    readonly blockSize: number;
    readonly outputSize: number;
  }

  /** The GCM universal hash over subkey `h`, optionally primed with `aad`. */
  export class GHASH extends Digest {
    constructor(h: ArrayBuffer, aad?: ArrayBuffer);
  }

  /** A block cipher whose key schedule is expanded once per direction. */
  export class BlockCipher {
    constructor(cipher: 'AES' | 'DES' | 'TDES', key: ArrayBuffer);
    /** Processes the first block of `data` into `result` (a new ArrayBuffer when omitted). */
    encrypt(data: ArrayBuffer | string, result?: ArrayBuffer): ArrayBuffer;
    decrypt(data: ArrayBuffer | string, result?: ArrayBuffer): ArrayBuffer;
    readonly keySize: number;
    readonly blockSize: number;
  }

  export class StreamCipher {
    constructor(cipher: 'RC4' | 'ChaCha', key: ArrayBuffer, iv?: ArrayBuffer, counter?: number);
    encrypt(data: string | Bytes, result?: Bytes, count?: number): Bytes;
    decrypt(data: string | Bytes, result?: Bytes, count?: number): Bytes;
    setIV(iv: ArrayBuffer, counter?: number): void;
  }

  /**
   * A mode of operation over a BlockCipher. CTR keeps a 128-bit big-endian counter that `setIV`
   * sets (right-aligned) and each block increments.
   */
  export class Mode {
    constructor(mode: 'ECB' | 'CTR' | 'CBC', cipher: BlockCipher, iv?: ArrayBuffer, pad?: boolean);
    encrypt(data: Bytes, result?: ArrayBuffer, count?: number): ArrayBuffer;
    decrypt(data: Bytes, result?: Bytes, count?: number): Bytes;
    setIV(iv: ArrayBuffer): void;
    eof: boolean;
  }

  const crypt: {
    readonly Digest: typeof Digest;
    readonly BlockCipher: typeof BlockCipher;
    readonly Mode: typeof Mode;
    readonly StreamCipher: typeof StreamCipher;
    readonly GHASH: typeof GHASH;
  };
  export default crypt;
}
