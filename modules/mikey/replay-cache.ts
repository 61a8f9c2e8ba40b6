// The replay cache RFC 3830 §5.4 asks for, shared by every mode (PSK, PKE, DH, DHHMAC, RSA-R): each
// accepted I_MESSAGE is remembered under its own timestamp (T) for as long as that timestamp stays
// inside the window, so a copy replayed within the window is refused whatever order messages
// arrive in. Memory is bounded: at `capacity` the entry with the oldest timestamp is dropped and
// the cache's floor rises to it, after which nothing at or below the floor is admitted, seen or
// not — the cache fails closed (a refusal, never a forgotten replay). Older than the window is the
// timestamp check's refusal (timestamp.ts, pk-message.ts).
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

  /** The timestamp (Unix ms) at or below which every I_MESSAGE is refused; -Infinity until the cache first fills. */
  get floor(): number {
    return this.floorMs;
  }

  /** Forgets entries whose timestamp has left the window: the timestamp check refuses them now. */
  prune(nowMs: number): void {
    for (const [id, ts] of this.entries) if (ts < nowMs - this.windowMs) this.entries.delete(id);
  }

  refusal(id: string, timestampMs: number, nowMs: number): string | undefined {
    this.prune(nowMs);
    if (this.entries.has(id)) return 'replayed I_MESSAGE';
    if (!(timestampMs > this.floorMs)) return 'I_MESSAGE older than the replay cache can prove unseen';
    return undefined;
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
