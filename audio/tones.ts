// Call-progress tones as the phone plays them locally: dial, ringback, busy and reorder, in 8 kHz
// frames of 160 samples. Frequencies and cadences follow ITU-T E.180 Supplement 2 for two common
// plans: North America (350+440 dial, 440+480 ringback 2 s on / 4 s off, 480+620 busy 0.5/0.5 and
// reorder or "fast busy" 0.25/0.25) and the CEPT plan used across Europe (425 Hz: continuous dial,
// ringback 1 s on / 4 s off, busy 0.5/0.5, congestion 0.2/0.2). The ringer that alerts the user to
// an incoming call is no E.180 tone: it is the phone's own sound (a 1000+1300 Hz trill, apart from
// every call-progress and DTMF frequency) with the cadence of the plan's ringing signal, which the
// ringback tone mirrors (2 s on / 4 s off; 1 s on / 4 s off).

import { AUDIO_FRAME_SAMPLES, AUDIO_SAMPLE_RATE } from '../hal/contracts.js';

export type ToneName = 'dial' | 'ringback' | 'busy' | 'reorder' | 'ring';
export type TonePlan = 'north-america' | 'europe';

export interface ToneSpec {
  /** Component frequencies in Hz. */
  readonly frequencies: readonly number[];
  /** On and off durations in milliseconds; off 0 is a continuous tone. */
  readonly onMs: number;
  readonly offMs: number;
}

export const TONES: Readonly<Record<TonePlan, Readonly<Record<ToneName, ToneSpec>>>> = {
  'north-america': {
    dial: { frequencies: [350, 440], onMs: 1000, offMs: 0 },
    ringback: { frequencies: [440, 480], onMs: 2000, offMs: 4000 },
    busy: { frequencies: [480, 620], onMs: 500, offMs: 500 },
    reorder: { frequencies: [480, 620], onMs: 250, offMs: 250 },
    ring: { frequencies: [1000, 1300], onMs: 2000, offMs: 4000 },
  },
  europe: {
    dial: { frequencies: [425], onMs: 1000, offMs: 0 },
    ringback: { frequencies: [425], onMs: 1000, offMs: 4000 },
    busy: { frequencies: [425], onMs: 500, offMs: 500 },
    reorder: { frequencies: [425], onMs: 200, offMs: 200 },
    ring: { frequencies: [1000, 1300], onMs: 1000, offMs: 4000 },
  },
};

/** Peak amplitude of each component (about -10 dBm0 per component for G.711 levels). */
const COMPONENT_AMPLITUDE = 8000;

/** Generates a tone frame by frame, phase-continuous across frames and cadence periods. */
export class ToneGenerator {
  private sample = 0;
  private readonly onSamples: number;
  private readonly periodSamples: number;

  constructor(private readonly spec: ToneSpec) {
    this.onSamples = (spec.onMs * AUDIO_SAMPLE_RATE) / 1000;
    this.periodSamples = ((spec.onMs + spec.offMs) * AUDIO_SAMPLE_RATE) / 1000;
  }

  static of(name: ToneName, plan: TonePlan = 'north-america'): ToneGenerator {
    return new ToneGenerator(TONES[plan][name]);
  }

  /** The next 20 ms frame (160 samples at 8 kHz). */
  nextFrame(): Int16Array {
    const out = new Int16Array(AUDIO_FRAME_SAMPLES);
    const continuous = this.spec.offMs === 0;
    for (let i = 0; i < out.length; i++, this.sample++) {
      const inPeriod = this.sample % this.periodSamples;
      if (!continuous && inPeriod >= this.onSamples) continue;
      let v = 0;
      for (const f of this.spec.frequencies) v += Math.sin((2 * Math.PI * f * this.sample) / AUDIO_SAMPLE_RATE);
      out[i] = Math.round(v * COMPONENT_AMPLITUDE);
    }
    // Keep the counter bounded: whole-hertz tones complete whole cycles every second and every
    // cadence period (0.4, 0.5, 1, 5 or 6 s) divides 30 s, so wrapping there changes neither phase nor cadence.
    if (this.sample >= AUDIO_SAMPLE_RATE * 30) this.sample -= AUDIO_SAMPLE_RATE * 30;
    return out;
  }
}
