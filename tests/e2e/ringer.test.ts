// The callee's ringer: a call coming in rings the phone's own speaker with the ringing cadence
// (2 s on, 4 s off) until it is answered, and takes the screen and keypad from an open menu.
// The speaker is checked with the Goertzel detector of tests/support, independent of audio/tones.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Key } from '../../hal/contracts.js';
import { startPair, until } from '../support/desktop-phones.js';
import { isDualTone, isSilent, join as joinFrames, runs } from '../support/tone-detect.js';

/** The ringer's two frequencies (the phone's own choice, apart from every call-progress tone). */
const RING: [number, number] = [1000, 1300];

describe('the ringer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ringer-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('rings with the ringing cadence while a call comes in, over the menu, and stops at pick-up', async () => {
    const played: Int16Array[] = [];
    const { alice, bob } = await startPair(dir, ['8001', '8002'], { bob: { onAudio: (event, frame) => event === 'played' && played.push(frame) } });
    let ringEnd = 0;
    try {
      await bob.pressKey('Menu');
      const menuScreen = bob.screen.join('|');
      expect(bob.screen[0]).not.toBe('Incoming call');
      for (const k of [...'8002', 'OK'] as Key[]) await alice.pressKey(k);
      await until(() => bob.screen[0] === 'Incoming call', `Bob's screen to leave the menu for the call (was ${menuScreen})`);
      // 6.6 s of ringer: one whole cadence and the start of the next.
      await until(() => played.length >= 330, 'ringer frames', 30000);
      await bob.pressKey('OK');
      ringEnd = played.length;
      await until(() => alice.screen[0] === 'Connected' && bob.screen[0] === 'Connected', 'both phones connected');
      await until(() => played.length >= ringEnd + 50, 'call audio frames');
      await alice.pressKey('Hangup');
      await until(() => bob.screen[3] === 'Call ended', 'the call to end');
    } finally {
      await alice.stop();
      await bob.stop();
    }
    const ring = played.slice(0, 330);
    expect(runs(ring.map((f) => !isSilent(f)))).toEqual([[true, 100], [false, 200], [true, 30]]);
    expect(isDualTone(joinFrames(ring.slice(0, 10)), RING)).toBe(true);
    // After pick-up the speaker plays the call: Alice's microphone, the host's 440 Hz tone.
    const call = joinFrames(played.slice(-20));
    expect(isDualTone(call, RING)).toBe(false);
    expect(isSilent(call)).toBe(false);
  }, 120000);
});
