// An adaptive playout (jitter) buffer for 20 ms audio frames, keyed by RTP timestamp. It holds
// `target` frames before playing, grows the target when a frame arrives too late to play and
// shrinks it when the queue stays deeper than needed; a missing frame is concealed by repeating
// the last one with decreasing gain, then silence (in the spirit of ITU-T G.711 Appendix I).

export interface JitterBufferOptions {
  /** Samples per frame (160 = 20 ms at 8 kHz). */
  readonly frameSamples: number;
  readonly minDelayFrames: number;
  readonly maxDelayFrames: number;
  /** Frames of concealment before the output fades to silence. */
  readonly concealFrames: number;
  /** Pulls over which the queue depth is watched before the delay shrinks. */
  readonly shrinkWindow: number;
}

export const DEFAULT_JITTER_OPTIONS: JitterBufferOptions = { frameSamples: 160, minDelayFrames: 1, maxDelayFrames: 10, concealFrames: 5, shrinkWindow: 50 };

export type PlayoutKind = 'audio' | 'concealed' | 'silence';

export interface Playout {
  readonly frame: Int16Array;
  readonly kind: PlayoutKind;
}

export interface JitterStats {
  readonly played: number;
  readonly concealed: number;
  readonly late: number;
  readonly discarded: number;
  readonly targetFrames: number;
}

/** Signed distance a - b between two 32-bit RTP timestamps (RFC 3550 §5.1 wrap-around). */
function tsDiff(a: number, b: number): number {
  return ((a - b) | 0);
}

export class JitterBuffer {
  private readonly options: JitterBufferOptions;
  private readonly frames = new Map<number, Int16Array>();
  private playing = false;
  private next = 0;
  private target: number;
  private stretch = 0;
  private last: Int16Array;
  private concealRun = 0;
  private windowMin = Infinity;
  private windowPulls = 0;
  private counts = { played: 0, concealed: 0, late: 0, discarded: 0 };

  constructor(options: Partial<JitterBufferOptions> = {}) {
    this.options = { ...DEFAULT_JITTER_OPTIONS, ...options };
    this.target = this.options.minDelayFrames;
    this.last = new Int16Array(this.options.frameSamples);
  }

  /** Queues a decoded frame that carries RTP timestamp `timestamp`. */
  push(timestamp: number, frame: Int16Array): void {
    const ts = timestamp >>> 0;
    const { frameSamples, maxDelayFrames } = this.options;
    if (this.playing && tsDiff(ts, this.next) < 0) {
      // Too late to play: the delay was too short, so grow it by one frame (adds one frame of latency).
      this.counts.late++;
      if (this.target < maxDelayFrames) {
        this.target++;
        this.stretch++;
      }
      return;
    }
    if (this.playing && tsDiff(ts, this.next) >= 4 * maxDelayFrames * frameSamples) {
      // Far ahead of the playout point: the sender jumped; start over from this frame.
      this.frames.clear();
      this.playing = false;
    }
    if (this.frames.size >= 4 * maxDelayFrames) {
      this.counts.discarded++;
      return;
    }
    this.frames.set(ts, frame);
  }

  /** The frame to play now; call once per frame period. */
  pull(): Playout {
    const { frameSamples, minDelayFrames, shrinkWindow } = this.options;
    if (!this.playing) {
      if (this.frames.size < this.target) return this.silence();
      let first: number | undefined;
      for (const ts of this.frames.keys()) if (first === undefined || tsDiff(ts, first) < 0) first = ts;
      this.next = first!;
      this.playing = true;
    }
    if (this.stretch > 0) {
      // Hold the playout point for one period: the extra frame of delay the grown target asks for.
      this.stretch--;
      return this.conceal();
    }
    const frame = this.frames.get(this.next);
    this.frames.delete(this.next);
    this.next = (this.next + frameSamples) >>> 0;
    this.watchDepth();
    if (this.windowPulls >= shrinkWindow) {
      if (this.windowMin > this.target && this.target > minDelayFrames) {
        // The queue never drained below target+1 frames: drop one frame of delay.
        this.target--;
        this.frames.delete(this.next);
        this.next = (this.next + frameSamples) >>> 0;
        this.counts.discarded++;
      }
      this.windowMin = Infinity;
      this.windowPulls = 0;
    }
    if (frame === undefined) return this.conceal();
    this.last = frame;
    this.concealRun = 0;
    this.counts.played++;
    return { frame, kind: 'audio' };
  }

  /** Frames waiting to be played. */
  get depth(): number {
    return this.frames.size;
  }

  stats(): JitterStats {
    return { ...this.counts, targetFrames: this.target };
  }

  private watchDepth(): void {
    this.windowPulls++;
    if (this.frames.size < this.windowMin) this.windowMin = this.frames.size;
  }

  private conceal(): Playout {
    this.concealRun++;
    if (this.concealRun > this.options.concealFrames) return this.silence();
    // Repeat the last good frame, its gain falling linearly to zero over concealFrames.
    const gain = 1 - this.concealRun / (this.options.concealFrames + 1);
    const out = new Int16Array(this.last.length);
    for (let i = 0; i < out.length; i++) out[i] = Math.round(this.last[i] * gain);
    this.counts.concealed++;
    return { frame: out, kind: 'concealed' };
  }

  private silence(): Playout {
    return { frame: new Int16Array(this.options.frameSamples), kind: 'silence' };
  }
}
