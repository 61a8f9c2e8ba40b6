// An adaptive playout (jitter) buffer for 20 ms audio frames, keyed by RTP timestamp. It holds
// `target` frames before playing, grows the target when a frame arrives too late to play and
// shrinks it when the queue stays deeper than needed. A missing frame is concealed as ITU-T G.711
// Appendix I does in outline: the last pitch period of the good signal (found by autocorrelation)
// is repeated phase-continuously with decreasing gain, then the output falls silent.

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
  /** The last two good frames, oldest first: the history concealment repeats from. */
  private history: Int16Array;
  private concealRun = 0;
  private pitch = 0;
  private pitchPhase = 0;
  private windowMin = Infinity;
  private windowPulls = 0;
  private counts = { played: 0, concealed: 0, late: 0, discarded: 0 };

  constructor(options: Partial<JitterBufferOptions> = {}) {
    this.options = { ...DEFAULT_JITTER_OPTIONS, ...options };
    this.target = this.options.minDelayFrames;
    this.history = new Int16Array(2 * this.options.frameSamples);
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
    this.history.copyWithin(0, frame.length);
    this.history.set(frame, this.history.length - frame.length);
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
    const h = this.history;
    if (this.concealRun === 1) {
      this.pitch = pitchPeriod(h);
      this.pitchPhase = 0;
    }
    // Continue the signal by cycling through its last pitch period, the gain falling linearly
    // from frame to frame to zero over concealFrames.
    const n = this.options.frameSamples;
    const out = new Int16Array(n);
    const start = h.length - this.pitch;
    const gain0 = 1 - (this.concealRun - 1) / (this.options.concealFrames + 1);
    const gain1 = 1 - this.concealRun / (this.options.concealFrames + 1);
    for (let i = 0; i < n; i++) {
      const gain = gain0 + ((gain1 - gain0) * i) / n;
      out[i] = Math.round(h[start + this.pitchPhase] * gain);
      this.pitchPhase = (this.pitchPhase + 1) % this.pitch;
    }
    this.counts.concealed++;
    return { frame: out, kind: 'concealed' };
  }

  private silence(): Playout {
    return { frame: new Int16Array(this.options.frameSamples), kind: 'silence' };
  }
}

const MIN_PITCH = 20; // 400 Hz at 8 kHz
const MAX_PITCH = 120; // 66 Hz

/**
 * The repetition period (in samples) that best continues `history`: the lag, between 20 and 120
 * samples, with the highest normalised autocorrelation over the last 160 samples. A signal
 * repeated with that period continues with its phase intact (a tone, a voiced sound).
 */
function pitchPeriod(history: Int16Array): number {
  const end = history.length;
  const window = Math.min(160, end - MAX_PITCH);
  let best = MAX_PITCH;
  let bestScore = -Infinity;
  for (let lag = MIN_PITCH; lag <= MAX_PITCH; lag++) {
    let cross = 0;
    let energy = 0;
    for (let i = end - window; i < end; i++) {
      const past = history[i - lag];
      cross += history[i] * past;
      energy += past * past;
    }
    const score = energy === 0 ? 0 : cross / Math.sqrt(energy);
    if (score > bestScore) {
      bestScore = score;
      best = lag;
    }
  }
  return best;
}
