// A model of Moddable's native "crypt" module on @noble, for testing hal/esp32/crypto.ts off the
// device. It keeps the argument rules of the SDK's host functions (modules/crypt/digest/modCrypt.c):
// keys, IVs and BlockCipher blocks must be whole ArrayBuffers; Digest.write and Mode data take
// views; Mode.decrypt reads its input from the `result` argument when one is given.
import { ecb } from '@noble/ciphers/aes.js';
import { sha1 } from '@noble/hashes/legacy.js';

function arrayBuffer(value: unknown, what: string): Uint8Array {
  if (!(value instanceof ArrayBuffer)) throw new TypeError(`crypt model: ${what} must be an ArrayBuffer`);
  return new Uint8Array(value);
}

function view(value: unknown): Uint8Array {
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw new TypeError('crypt model: expected an ArrayBuffer or a view');
}

export class Digest {
  private chunks: Uint8Array[] = [];
  constructor(type: string) {
    if (type !== 'SHA1') throw new Error('crypt model: only SHA1');
  }
  write(data: unknown): void {
    this.chunks.push(view(data).slice());
  }
  reset(): void {
    this.chunks = [];
  }
  close(): ArrayBuffer {
    const h = sha1.create();
    for (const c of this.chunks) h.update(c);
    return h.digest().slice().buffer;
  }
  process(...data: unknown[]): ArrayBuffer {
    this.reset();
    for (const d of data) this.write(d);
    return this.close();
  }
}

export class BlockCipher {
  readonly key: Uint8Array;
  constructor(name: string, key: unknown) {
    if (name !== 'AES') throw new Error('crypt model: only AES');
    this.key = arrayBuffer(key, 'key').slice();
  }
  encrypt(data: unknown, result?: unknown): ArrayBuffer {
    const block = arrayBuffer(data, 'block').subarray(0, 16);
    const out = ecb(this.key, { disablePadding: true }).encrypt(block);
    const target = result === undefined ? new ArrayBuffer(16) : (result as ArrayBuffer);
    arrayBuffer(target, 'result').set(out);
    return target;
  }
}

export class Mode {
  private readonly cipher: BlockCipher;
  private readonly counter = new Uint8Array(16);
  constructor(mode: string, cipher: BlockCipher) {
    if (mode !== 'CTR') throw new Error('crypt model: only CTR');
    this.cipher = cipher;
  }
  setIV(iv: unknown): void {
    this.counter.set(arrayBuffer(iv, 'iv').subarray(0, 16));
  }
  decrypt(data: unknown, result?: unknown): unknown {
    const source = view(result ?? data);
    const out = view(result ?? data);
    const stream = new Uint8Array(16);
    for (let offset = 0; offset < source.length; offset += 16) {
      stream.set(ecb(this.cipher.key, { disablePadding: true }).encrypt(this.counter));
      for (let i = 0; i < 16 && offset + i < source.length; i++) out[offset + i] = source[offset + i] ^ stream[i];
      for (let i = 15; i >= 0; i--) if (++this.counter[i] !== 256) break; else this.counter[i] = 0;
    }
    return result ?? data;
  }
}
