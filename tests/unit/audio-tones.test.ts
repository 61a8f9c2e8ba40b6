import { ToneGenerator, TONES } from '../../audio/tones.js';
import { goertzel as power } from '../support/tone-detect.js';

function frames(gen: ToneGenerator, n: number): Int16Array[] {
  return Array.from({ length: n }, () => gen.nextFrame());
}

describe('call-progress tones', () => {
  it('puts the energy of each tone at its component frequencies (E.180)', () => {
    for (const plan of ['north-america', 'europe'] as const) {
      for (const name of ['dial', 'ringback', 'busy', 'reorder', 'ring'] as const) {
        // Ten frames (200 ms, all inside the first "on" period) give 5 Hz resolution.
        const gen = ToneGenerator.of(name, plan);
        const block = frames(gen, 10);
        const frame = new Int16Array(1600);
        block.forEach((f, i) => frame.set(f, i * 160));
        expect(block[0]).toHaveLength(160);
        const spec = TONES[plan][name];
        const on = Math.min(...spec.frequencies.map((f) => power(frame, f)));
        for (const off of [200, 350, 425, 440, 480, 620, 697, 941, 1209, 1633].filter((f) => !spec.frequencies.includes(f))) expect(power(frame, off)).toBeLessThan(on / 100);
      }
    }
  });

  it('follows each cadence: ringback 2 s on / 4 s off, busy 0.5 s / 0.5 s, reorder 0.25 s / 0.25 s, dial continuous', () => {
    const silent = (f: Int16Array) => f.every((x) => x === 0);
    const ring = frames(ToneGenerator.of('ringback'), 600).map(silent);
    expect(ring.slice(0, 100).some((s) => s)).toBe(false);
    expect(ring.slice(100, 300).every((s) => s)).toBe(true);
    expect(ring.slice(300, 400).some((s) => s)).toBe(false);
    const busy = frames(ToneGenerator.of('busy'), 100).map(silent);
    expect(busy.slice(0, 25).some((s) => s)).toBe(false);
    expect(busy.slice(25, 50).every((s) => s)).toBe(true);
    expect(busy.slice(50, 75).some((s) => s)).toBe(false);
    expect(frames(ToneGenerator.of('dial'), 500).some(silent)).toBe(false);
    // Reorder ("fast busy"): 0.25 s on / 0.25 s off in North America, 0.2 s / 0.2 s in the CEPT plan.
    const reorder = frames(ToneGenerator.of('reorder'), 50).map(silent);
    expect(reorder.slice(0, 12).some((s) => s)).toBe(false);
    expect(reorder.slice(13, 25).every((s) => s)).toBe(true);
    expect(reorder.slice(25, 37).some((s) => s)).toBe(false);
    const congestion = frames(ToneGenerator.of('reorder', 'europe'), 40).map(silent);
    expect(congestion.slice(0, 10).some((s) => s)).toBe(false);
    expect(congestion.slice(10, 20).every((s) => s)).toBe(true);
    expect(congestion.slice(20, 30).some((s) => s)).toBe(false);
  });

  it('is phase-continuous across frame boundaries', () => {
    const gen = ToneGenerator.of('dial');
    const all = new Int16Array(50 * 160);
    frames(gen, 50).forEach((f, i) => all.set(f, i * 160));
    let maxStep = 0;
    for (let i = 1; i < all.length; i++) maxStep = Math.max(maxStep, Math.abs(all[i] - all[i - 1]));
    // Two sines of amplitude A at 350 and 440 Hz change by at most 2πA(350+440)/8000 per sample.
    expect(maxStep).toBeLessThanOrEqual(Math.ceil((2 * Math.PI * 8000 * (350 + 440)) / 8000) + 2);
  });
});
