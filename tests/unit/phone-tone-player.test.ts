import type { Audio, Timers } from '../../hal/contracts.js';
import { failureTone, TonePlayer } from '../../modules/phone/tone-player.js';
import { goertzel as power } from '../support/tone-detect.js';

/** An audio device and timers that record what the player does; frames are clocked by hand. */
function fakeHal() {
  const log: string[] = [];
  let listener: ((frame: Int16Array) => void) | undefined;
  const played: Int16Array[] = [];
  const timers = new Map<number, () => void>();
  let nextTimer = 1;
  const audio: Audio = {
    start(onFrame) {
      log.push('start');
      listener = onFrame;
    },
    play(frame) {
      played.push(frame);
    },
    stop() {
      log.push('stop');
      listener = undefined;
    },
  };
  const t: Timers = {
    set(_ms, fire) {
      timers.set(nextTimer, fire);
      return nextTimer++;
    },
    clear(id) {
      timers.delete(id);
    },
  };
  return {
    hal: { audio, timers: t },
    log,
    played,
    timers,
    /** n captured frames arrive. */
    clock(n: number) {
      for (let i = 0; i < n; i++) listener?.(new Int16Array(160));
    },
    fireTimers() {
      const all = [...timers.values()];
      timers.clear();
      for (const f of all) f();
    },
  };
}

describe('call-progress tone player', () => {
  it('starts the device for a tone, plays one tone frame per captured frame, and stops it after', () => {
    const f = fakeHal();
    const tones = new TonePlayer(f.hal);
    tones.play('dial');
    tones.play('dial');
    f.clock(3);
    expect(f.log).toEqual(['start']);
    expect(f.played).toHaveLength(3);
    // Dial tone: 350 + 440 Hz (E.180 North America); nothing at the ringback's 480 Hz.
    const p = (hz: number) => power(f.played[1], hz);
    expect(p(350)).toBeGreaterThan(100 * p(1000));
    expect(p(440)).toBeGreaterThan(100 * p(1000));
    tones.play('ringback');
    expect(f.log).toEqual(['start']);
    expect(tones.tone).toBe('ringback');
    tones.play(undefined);
    expect(f.log).toEqual(['start', 'stop']);
    expect(tones.tone).toBe(undefined);
  });

  it('lets a timed tone run out on its own, whatever silent state arrives meanwhile', () => {
    const f = fakeHal();
    const tones = new TonePlayer(f.hal);
    tones.playFor('busy', 4000);
    tones.play(undefined);
    expect(tones.tone).toBe('busy');
    f.fireTimers();
    expect(tones.tone).toBe(undefined);
    expect(f.log).toEqual(['start', 'stop']);
    // A state tone replaces a timed one, and its timer no longer applies.
    tones.playFor('reorder', 4000);
    tones.play('dial');
    expect(f.timers.size).toBe(0);
    expect(tones.tone).toBe('dial');
  });

  it('gives the device to a call: its start silences the tone, and tones wait until the call stops it', () => {
    const f = fakeHal();
    const tones = new TonePlayer(f.hal);
    tones.play('ringback');
    const media: Int16Array[] = [];
    tones.callAudio.start((frame) => media.push(frame));
    expect(f.log).toEqual(['start', 'stop', 'start']);
    expect(tones.tone).toBe(undefined);
    tones.play('dial');
    tones.playFor('busy', 1000);
    f.clock(2);
    expect(media).toHaveLength(2);
    expect(f.played).toHaveLength(0);
    tones.callAudio.stop();
    tones.play('dial');
    expect(f.log).toEqual(['start', 'stop', 'start', 'stop', 'start']);
  });

  it('plays busy when the callee refuses (486, 600, 603) and reorder for other failures', () => {
    expect([486, 600, 603].map(failureTone)).toEqual(['busy', 'busy', 'busy']);
    expect([0, 404, 408, 480, 488, 500, 503].map(failureTone)).toEqual(['reorder', 'reorder', 'reorder', 'reorder', 'reorder', 'reorder', 'reorder']);
  });
});
