// Call-progress tone detection for the end-to-end tests, written from ITU-T E.180 and the
// Goertzel algorithm (independent of audio/tones.ts): whether a block carries a given dual tone,
// and the on/off runs of a cadence.

/** Goertzel power at `hz` in a block of 8 kHz samples, normalised by the block length. */
export function goertzel(samples: Int16Array, hz: number): number {
  const c = 2 * Math.cos((2 * Math.PI * hz) / 8000);
  let s1 = 0;
  let s2 = 0;
  for (const x of samples) {
    const s0 = x + c * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return (s1 * s1 + s2 * s2 - c * s1 * s2) / (samples.length * samples.length);
}

/** The North American call-progress frequencies (E.180): dial 350+440, ringback 440+480, busy 480+620. */
const CANDIDATES = [350, 440, 480, 620];

/**
 * Whether a block (200 ms or more: 5 Hz resolution, enough to tell 440 from 480) is the dual tone
 * `pair`: both components strong, every other candidate frequency far weaker.
 */
export function isDualTone(block: Int16Array, pair: readonly [number, number]): boolean {
  const weakest = Math.min(...pair.map((hz) => goertzel(block, hz)));
  const others = CANDIDATES.filter((hz) => !pair.includes(hz)).map((hz) => goertzel(block, hz));
  return weakest > 1e5 && others.every((p) => p < weakest / 50);
}

/** Frames joined into one block. */
export function join(frames: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(frames.reduce((n, f) => n + f.length, 0));
  let offset = 0;
  for (const f of frames) {
    out.set(f, offset);
    offset += f.length;
  }
  return out;
}

export function isSilent(frame: Int16Array): boolean {
  return frame.every((x) => Math.abs(x) < 50);
}

/** Run lengths of a frame classification: [[true, 100], [false, 200], ...]. */
export function runs(flags: readonly boolean[]): [boolean, number][] {
  const out: [boolean, number][] = [];
  for (const f of flags) {
    if (out.length > 0 && out[out.length - 1][0] === f) out[out.length - 1][1]++;
    else out.push([f, 1]);
  }
  return out;
}
