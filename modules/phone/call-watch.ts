// The two call timers a desk phone needs so that no call outlives its purpose:
//   - ring timeout: an incoming call nobody answers or cancels stops ringing after the
//     settings' ringTimeoutS (the phone then answers 480 Temporarily Unavailable: the callee was
//     reached but is not there, RFC 3261 §21.4.18; 408 is for a server that could not produce a
//     response in time, §21.4.9, which is not the case of a phone that has been ringing);
//   - media inactivity: a connected call that is not on hold and receives no valid RTP/SRTP
//     packet (one that passed SRTP authentication and RTP checks) for mediaTimeoutS ends with BYE:
//     the peer vanished (power cut, network gone) and would otherwise stay "Connected" for ever.
// Runs on the HAL's one-shot timers and monotonic clock; one of each timer at a time.
import type { Hal, TimerId } from '../../hal/contracts.js';

/** How often the media watchdog looks at the received-packet count. */
export const MEDIA_CHECK_MS = 1000;
/** The final response to an INVITE that rang out (RFC 3261 §21.4.18). */
export const RING_TIMEOUT_STATUS = 480;

export interface MediaProbe {
  /** Valid packets received so far (any change counts as activity). */
  received(): number;
  /** Whether either side holds the call: no media is expected then. */
  held(): boolean;
}

export class CallWatch {
  private ring: TimerId | undefined;
  private media: TimerId | undefined;

  constructor(private readonly hal: Pick<Hal, 'timers' | 'clock'>) {}

  /** Starts the ring timeout of an incoming call; `onTimeout` runs once it rang `seconds`. */
  startRinging(seconds: number, onTimeout: () => void): void {
    this.stopRinging();
    this.ring = this.hal.timers.set(seconds * 1000, () => {
      this.ring = undefined;
      onTimeout();
    });
  }

  stopRinging(): void {
    if (this.ring !== undefined) this.hal.timers.clear(this.ring);
    this.ring = undefined;
  }

  /**
   * Watches a connected call's media: `onSilent` runs once `seconds` went by without a change in
   * `probe.received()` while the call was not held (hold restarts the count when it ends).
   */
  watchMedia(seconds: number, probe: MediaProbe, onSilent: () => void): void {
    this.stopMedia();
    let last = probe.received();
    let quietSince = this.hal.clock.monotonicMs();
    const check = () => {
      this.media = undefined;
      const now = this.hal.clock.monotonicMs();
      const received = probe.received();
      if (received !== last || probe.held()) {
        last = received;
        quietSince = now;
      } else if (now - quietSince >= seconds * 1000) {
        return onSilent();
      }
      this.media = this.hal.timers.set(Math.min(MEDIA_CHECK_MS, seconds * 1000), check);
    };
    this.media = this.hal.timers.set(Math.min(MEDIA_CHECK_MS, seconds * 1000), check);
  }

  stopMedia(): void {
    if (this.media !== undefined) this.hal.timers.clear(this.media);
    this.media = undefined;
  }

  /** Timers running (for leak checks). */
  get running(): number {
    return (this.ring === undefined ? 0 : 1) + (this.media === undefined ? 0 : 1);
  }

  stop(): void {
    this.stopRinging();
    this.stopMedia();
  }
}
