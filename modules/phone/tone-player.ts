// Call-progress tones on the phone's own speaker (ITU-T E.180 Supplement 2, audio/tones.ts): the
// phone says which tone its state calls for and this plays it, starting the audio device for the
// tone and stopping it afterwards. A call's media takes the device through `callAudio`, which
// silences any tone first: during a call the media session owns the speaker.
import type { Audio, Hal, TimerId } from '../../hal/contracts.js';
import { ToneGenerator, type ToneName, type TonePlan } from '../../audio/tones.js';

/** How long busy or reorder plays after a failed call before the phone falls silent. */
export const FAILURE_TONE_MS = 4000;

/**
 * The tone for an outgoing call that failed with `status` (0: failed here, e.g. keying): busy for
 * 486 Busy Here, 600 Busy Everywhere and 603 Decline (RFC 3261 §21.4.24, §21.6.1, §21.6.2: the
 * callee will not take the call), reorder ("fast busy") for every other failure.
 */
export function failureTone(status: number): ToneName {
  return status === 486 || status === 600 || status === 603 ? 'busy' : 'reorder';
}

export class TonePlayer {
  private playing: { readonly name: ToneName; readonly generator: ToneGenerator } | undefined;
  private timer: TimerId | undefined;
  private callOwnsAudio = false;
  /** The audio device as a call's media sees it: starting it ends any tone. */
  readonly callAudio: Audio;

  constructor(private readonly hal: Pick<Hal, 'audio' | 'timers'>, private readonly plan: TonePlan = 'north-america') {
    this.callAudio = {
      start: (onFrame) => {
        this.stop();
        this.callOwnsAudio = true;
        hal.audio.start(onFrame);
      },
      play: (frame) => hal.audio.play(frame),
      stop: () => {
        this.callOwnsAudio = false;
        hal.audio.stop();
      },
    };
  }

  /** The tone being played, if any. */
  get tone(): ToneName | undefined {
    return this.playing?.name;
  }

  /**
   * The tone the phone's state calls for: dial tone while dialing, ringback while the callee rings.
   * A tone already playing goes on without restarting its cadence; undefined ends a state tone but
   * leaves a timed one (playFor) to run out.
   */
  play(name: ToneName | undefined): void {
    if (this.callOwnsAudio) return;
    if (name === undefined) {
      if (this.timer === undefined) this.stop();
      return;
    }
    if (this.playing?.name === name && this.timer === undefined) return;
    this.clearTimer();
    this.switchTo(name);
  }

  /** A tone that stops by itself after `ms` (busy or reorder after a failed call). */
  playFor(name: ToneName, ms: number): void {
    if (this.callOwnsAudio) return;
    this.clearTimer();
    this.switchTo(name);
    this.timer = this.hal.timers.set(ms, () => {
      this.timer = undefined;
      this.stop();
    });
  }

  /** Silence: the tone ends and the audio device stops. */
  stop(): void {
    this.clearTimer();
    if (this.playing === undefined) return;
    this.playing = undefined;
    this.hal.audio.stop();
  }

  private switchTo(name: ToneName): void {
    if (this.playing?.name === name) return;
    const wasSilent = this.playing === undefined;
    this.playing = { name, generator: ToneGenerator.of(name, this.plan) };
    if (wasSilent) this.hal.audio.start(() => this.onFrame());
  }

  /** Each captured frame clocks one tone frame out (the device's 20 ms pace). */
  private onFrame(): void {
    if (this.playing) this.hal.audio.play(this.playing.generator.nextFrame());
  }

  private clearTimer(): void {
    if (this.timer === undefined) return;
    this.hal.timers.clear(this.timer);
    this.timer = undefined;
  }
}
