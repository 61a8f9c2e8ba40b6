// Flips the low bit of one byte of a copy (negative positions count from the end): the smallest
// tampering a MAC or signature must catch.
export function flip(bytes: Uint8Array, at: number): Uint8Array {
  const out = bytes.slice();
  out[at < 0 ? out.length + at : at] ^= 0x01;
  return out;
}
