import { JitterBuffer } from '../../audio/jitter-buffer.js';

const frame = (n: number): Int16Array => new Int16Array(160).fill(n * 10 + 1000);
const energy = (f: Int16Array): number => f.reduce((s, x) => s + Math.abs(x), 0);

describe('adaptive jitter buffer', () => {
  it('plays an in-order stream unchanged after one frame of delay', () => {
    const jb = new JitterBuffer();
    const out: (number | string)[] = [];
    for (let i = 0; i < 20; i++) {
      jb.push(1000 + i * 160, frame(i));
      const p = jb.pull();
      out.push(p.kind === 'audio' ? p.frame[0] : p.kind);
    }
    expect(out).toEqual(Array.from({ length: 20 }, (_, i) => frame(i)[0]));
    expect(jb.stats()).toMatchObject({ played: 20, concealed: 0, late: 0, targetFrames: 1 });
  });

  it('restores order within its depth and wraps the 32-bit timestamp', () => {
    const jb = new JitterBuffer({ minDelayFrames: 3 });
    const base = 0xffffffff - 320;
    const order = [1, 0, 2, 4, 3, 5, 7, 6, 8, 9];
    const played: number[] = [];
    for (const i of order) {
      jb.push((base + i * 160) >>> 0, frame(i));
      const p = jb.pull();
      if (p.kind === 'audio') played.push(p.frame[0]);
    }
    for (let i = 0; i < 2; i++) played.push(jb.pull().frame[0]);
    expect(played).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => frame(i)[0]));
  });

  it('conceals a lost frame by repeating the last one, fading to silence', () => {
    const jb = new JitterBuffer({ concealFrames: 3 });
    jb.push(0, frame(0));
    expect(jb.pull().kind).toBe('audio');
    const run = [1, 2, 3, 4, 5].map(() => jb.pull());
    expect(run.map((p) => p.kind)).toEqual(['concealed', 'concealed', 'concealed', 'silence', 'silence']);
    const e = run.map((p) => energy(p.frame));
    expect(e[0]).toBeLessThan(energy(frame(0)));
    expect(e[1]).toBeLessThan(e[0]);
    expect(e[2]).toBeLessThan(e[1]);
    expect(e[3]).toBe(0);
    jb.push(6 * 160, frame(6));
    expect(jb.pull()).toMatchObject({ kind: 'audio' });
  });

  it('conceals a periodic signal by continuing it in phase (pitch repetition)', () => {
    const sine = (n: number) => Int16Array.from({ length: 160 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * (n * 160 + i)) / 8000)));
    const jb = new JitterBuffer();
    for (let n = 0; n < 5; n++) {
      jb.push(n * 160, sine(n));
      expect(jb.pull().kind).toBe('audio');
    }
    const concealed = jb.pull();
    expect(concealed.kind).toBe('concealed');
    // Normalised correlation with the lost frame (what the sender really sent).
    const truth = sine(5);
    let xy = 0;
    let xx = 0;
    let yy = 0;
    for (let i = 0; i < 160; i++) {
      xy += concealed.frame[i] * truth[i];
      xx += concealed.frame[i] ** 2;
      yy += truth[i] ** 2;
    }
    expect(xy / Math.sqrt(xx * yy)).toBeGreaterThan(0.95);
  });

  it('grows its delay when frames come late and shrinks it back once arrivals are steady', () => {
    const jb = new JitterBuffer({ shrinkWindow: 20 });
    let ts = 0;
    // Every frame arrives one period late relative to the first: the first late one grows the target.
    jb.push(ts, frame(0));
    jb.pull();
    jb.pull();
    jb.push((ts += 160), frame(1));
    expect(jb.stats()).toMatchObject({ late: 1, targetFrames: 2 });
    // Steady arrivals, two per pull for a while, build a queue deeper than needed.
    for (let i = 2; i < 6; i++) jb.push((ts += 160), frame(i));
    for (let i = 6; i < 100; i++) {
      jb.push((ts += 160), frame(i));
      jb.pull();
    }
    expect(jb.stats().targetFrames).toBe(1);
    expect(jb.stats().discarded).toBeGreaterThan(0);
  });

  it('starts over when the stream jumps far ahead', () => {
    const jb = new JitterBuffer();
    jb.push(0, frame(0));
    jb.pull();
    jb.push(10_000_000, frame(1));
    const p = jb.pull();
    expect(p.kind).toBe('audio');
    expect(p.frame[0]).toBe(frame(1)[0]);
  });
});
