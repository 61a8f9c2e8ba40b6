// HMAC-SHA1 (RFC 2104 §2) on the XS-tuned SHA-1: the states after the inner and outer padded keys
// are computed once per key, so a MAC costs the message's blocks plus one outer block, and nothing
// is allocated per MAC.
import type { HmacSha1Key } from '../../contracts.js';
import { sha1, sha1Compress, sha1Finish, SHA1_BLOCK, SHA1_IV, SHA1_LENGTH, writeDigest } from './sha1.js';

const IPAD = 0x36;
const OPAD = 0x5c;

/** The SHA-1 state after one block of key XOR pad (RFC 2104 §2, steps 1-3). */
function padState(key: Uint8Array, pad: number): number[] {
  const block = new Uint8Array(SHA1_BLOCK).fill(pad);
  for (let i = 0; i < key.length; i++) block[i] ^= key[i];
  const h = SHA1_IV.slice();
  sha1Compress(h, block, 0);
  return h;
}

export class XsHmacSha1Key implements HmacSha1Key {
  private readonly inner: readonly number[];
  private readonly outer: readonly number[];
  private readonly h = [0, 0, 0, 0, 0];
  private readonly block = new Uint8Array(SHA1_BLOCK);
  private readonly innerDigest = new Uint8Array(SHA1_LENGTH);
  private readonly outerParts = [this.innerDigest];

  constructor(key: Uint8Array) {
    // RFC 2104 §2: a key longer than the block is replaced by its hash.
    const k = key.length > SHA1_BLOCK ? sha1(key) : key;
    this.inner = padState(k, IPAD);
    this.outer = padState(k, OPAD);
  }

  mac(parts: readonly Uint8Array[], output: Uint8Array): void {
    if (output.length < SHA1_LENGTH) throw new RangeError('HMAC-SHA1 output must hold 20 bytes');
    const h = this.h;
    // H(K XOR ipad ‖ text)
    const inner = this.inner;
    h[0] = inner[0]; h[1] = inner[1]; h[2] = inner[2]; h[3] = inner[3]; h[4] = inner[4];
    sha1Finish(h, SHA1_BLOCK, parts, this.block);
    writeDigest(h, this.innerDigest);
    // H(K XOR opad ‖ inner digest)
    const outer = this.outer;
    h[0] = outer[0]; h[1] = outer[1]; h[2] = outer[2]; h[3] = outer[3]; h[4] = outer[4];
    sha1Finish(h, SHA1_BLOCK, this.outerParts, this.block);
    writeDigest(h, output);
  }
}
