// The receiver's sliding replay window over packet indices (RFC 3711 §3.3.2): an index is fresh
// if it is ahead of the highest index seen or inside the window and not yet marked.

/** The smallest window this engine accepts; libsrtp's default for SRTP and its fixed SRTCP size. */
export const MIN_REPLAY_WINDOW = 128;

/** Throws RangeError unless `size` is a multiple of 32 in 128..32768 (libsrtp's bounds, with 128 as our floor). */
export function checkReplayWindowSize(size: number): void {
  if (!Number.isInteger(size) || size < MIN_REPLAY_WINDOW || size % 32 !== 0 || size > 32768) {
    throw new RangeError(`replay window must be a multiple of 32 in ${MIN_REPLAY_WINDOW}..32768, got ${size}`);
  }
}

export class ReplayWindow {
  readonly size: number;
  /** Bit k of the bitmap marks index `top - k` as received. */
  private readonly bits: Uint32Array;
  private top = -1;

  /** `size` is a multiple of 32, at least 128 packets. */
  constructor(size: number = MIN_REPLAY_WINDOW) {
    checkReplayWindowSize(size);
    this.size = size;
    this.bits = new Uint32Array(size / 32);
  }

  /** True if `index` was neither received yet nor fell behind the window. Changes nothing. */
  isFresh(index: number): boolean {
    if (index > this.top) return true;
    const k = this.top - index;
    if (k >= this.size) return false;
    return (this.bits[k >>> 5] & (1 << (k & 31))) === 0;
  }

  /** Marks `index` as received, sliding the window forward when it is the new highest. */
  accept(index: number): void {
    const bits = this.bits;
    if (index > this.top) {
      const shift = this.top < 0 ? this.size : index - this.top;
      this.top = index;
      if (shift >= this.size) {
        bits.fill(0);
      } else {
        const words = shift >>> 5;
        const bitShift = shift & 31;
        for (let w = bits.length - 1; w >= 0; w--) {
          const from = w - words;
          const high = from >= 0 ? bits[from] << bitShift : 0;
          const low = bitShift !== 0 && from - 1 >= 0 ? bits[from - 1] >>> (32 - bitShift) : 0;
          bits[w] = (high | low) >>> 0;
        }
      }
      bits[0] |= 1;
      return;
    }
    const k = this.top - index;
    if (k < this.size) bits[k >>> 5] |= 1 << (k & 31);
  }
}
