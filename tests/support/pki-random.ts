// A deterministic Random for tests: SHA-256 of a seed and a counter. Seeded runs repeat exactly, and
// the bytes are uniform enough for padding, salts, DH exponents and RAND payloads.
import { sha256 } from '@noble/hashes/sha2.js';
import type { Random } from '../../hal/contracts.js';
import { concatBytes, utf8Encode } from '../../modules/util/bytes.js';

export function seededRandom(seed: string): Random {
  const key = utf8Encode(seed);
  let counter = 0;
  return {
    bytes(length: number): Uint8Array {
      const out = new Uint8Array(length);
      for (let o = 0; o < length; o += 32) {
        const block = sha256(concatBytes(key, Uint8Array.of(counter >>> 24, (counter >>> 16) & 255, (counter >>> 8) & 255, counter & 255)));
        counter++;
        out.set(block.subarray(0, Math.min(32, length - o)), o);
      }
      return out;
    },
  };
}
