// The desktop host's audio device: captured frames every 20 ms from a WAV file looped (a 440 Hz
// tone without one) sent to the engine, at most MAX_QUEUED_AUDIO_FRAMES waiting (a busy engine
// loses frames, as a codec's buffer overruns); played frames kept and written to a WAV file when
// the device stops. sim/host.ts serves the HAL's audio.start/play/stop with it.
import { performance } from 'node:perf_hooks';
import { AUDIO_FRAME_MS, AUDIO_FRAME_SAMPLES } from '../hal/contracts.js';
import { readWav, writeWav } from './wav.js';

/** Captured audio frames waiting for the engine at most (100 ms); beyond, a frame is lost. */
export const MAX_QUEUED_AUDIO_FRAMES = 5;

export interface HostAudioOptions {
  /** Captured audio: a WAV file to loop; a 440 Hz tone when absent. */
  readonly audioInPath?: string;
  /** Where the frames played since the device last started are written when it stops. */
  readonly audioOutPath?: string;
  /** Called with each frame as it is captured and as it is played, with the time (ms). */
  readonly onAudio?: (event: 'captured' | 'played', frame: Int16Array, atMs: number) => void;
}

export class HostAudio {
  private timer: NodeJS.Timeout | undefined;
  private input: Int16Array | undefined;
  private position = 0;
  private readonly played: Int16Array[] = [];
  private queued = 0;
  /** Captured frames lost because the engine was behind. */
  dropped = 0;

  /** `send` hands a captured frame to the engine and resolves once it is handled. */
  constructor(
    private readonly options: HostAudioOptions,
    private readonly send: (frame: Int16Array) => Promise<void>,
  ) {}

  start(): void {
    if (this.timer) return;
    this.played.length = 0;
    this.timer = setInterval(() => {
      const frame = this.nextCapturedFrame();
      this.options.onAudio?.('captured', frame, performance.now());
      if (this.queued >= MAX_QUEUED_AUDIO_FRAMES) {
        this.dropped++;
        return;
      }
      this.queued++;
      void this.send(frame).finally(() => this.queued--);
    }, AUDIO_FRAME_MS);
  }

  play(frame: Int16Array): void {
    this.played.push(frame);
    this.options.onAudio?.('played', frame, performance.now());
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.options.audioOutPath && this.played.length > 0) {
      const all = new Int16Array(this.played.reduce((n, f) => n + f.length, 0));
      let offset = 0;
      for (const f of this.played) {
        all.set(f, offset);
        offset += f.length;
      }
      writeWav(this.options.audioOutPath, all);
    }
  }

  private nextCapturedFrame(): Int16Array {
    const frame = new Int16Array(AUDIO_FRAME_SAMPLES);
    if (this.options.audioInPath) {
      this.input ??= readWav(this.options.audioInPath);
      for (let i = 0; i < frame.length && this.input.length > 0; i++) {
        frame[i] = this.input[this.position];
        this.position = (this.position + 1) % this.input.length;
      }
    } else {
      for (let i = 0; i < frame.length; i++, this.position++) {
        frame[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * this.position) / 8000));
      }
    }
    return frame;
  }
}
