// The replay cache RFC 3830 §5.4 asks for: every accepted I_MESSAGE is remembered for as long as
// its timestamp stays inside the window, so a copy replayed within the window is refused whatever
// order messages arrive in. Memory is bounded: at `capacity` the entry with the oldest timestamp is
// dropped and the cache's floor rises to it, after which nothing at or below the floor is admitted —
// the cache fails closed (a refusal, never a forgotten replay). Implements pk-message.ts ReplayGuard
// so the public-key modes can use it too.
import type { ReplayGuard } from './pk-message.js';

export const DEFAULT_REPLAY_CAPACITY = 256;

export class ReplayCache implements ReplayGuard {
  private readonly entries = new Map<string, number>();
  /** Timestamps at or below this are refused: an entry that might have covered them was dropped. */
  private floorMs = -Infinity;

  constructor(
    readonly windowMs: number,
    readonly capacity: number = DEFAULT_REPLAY_CAPACITY,
  ) {
    if (!(capacity >= 1)) throw new RangeError('replay cache capacity must be at least 1');
  }

  get size(): number {
    return this.entries.size;
  }

  /** Forgets entries whose timestamp has left the window: the timestamp check refuses them now. */
  prune(nowMs: number): void {
    for (const [id, ts] of this.entries) if (ts < nowMs - this.windowMs) this.entries.delete(id);
  }

  seen(id: string): boolean {
    return this.entries.has(id);
  }

  /** True when a message with this id and timestamp may be accepted (not seen, above the floor). */
  admits(id: string, timestampMs: number, nowMs: number): boolean {
    this.prune(nowMs);
    return timestampMs > this.floorMs && !this.entries.has(id);
  }

  /** Call only once the message has been authenticated, so forgeries cannot fill the cache. */
  remember(id: string, timestampMs: number): void {
    if (this.entries.size >= this.capacity && !this.entries.has(id)) {
      let oldestId = '';
      let oldest = Infinity;
      for (const [k, ts] of this.entries) if (ts < oldest) (oldest = ts), (oldestId = k);
      this.entries.delete(oldestId);
      this.floorMs = Math.max(this.floorMs, oldest);
    }
    this.entries.set(id, timestampMs);
  }
}
