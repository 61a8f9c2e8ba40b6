// Two phones on the desktop XS host call each other: the caller dials, the callee rings and
// answers, the call is keyed with MIKEY (signed Diffie-Hellman, the first key agreement both can
// use with the development certificates) and the audio flows both ways over SRTP.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Key } from '../../hal/contracts.js';
import { readWav } from '../../sim/wav.js';
import { startPair, toneShare, until } from '../support/desktop-phones.js';

describe('two desktop phones', () => {
  const dir = mkdtempSync(join(tmpdir(), 'two-phones-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('place a MIKEY-keyed SRTP call and hear each other', async () => {
    const { alice, bob } = await startPair(dir, ['1001', '1002'], { alice: { audioOutPath: join(dir, 'alice-heard.wav') }, bob: { audioOutPath: join(dir, 'bob-heard.wav') } });
    try {
      for (const k of ['1', '0', '0', '2', 'OK'] as Key[]) await alice.pressKey(k);
      await until(() => bob.screen[0] === 'Incoming call', 'Bob to ring');
      expect(bob.screen.slice(1, 3)).toEqual(['1001@127.0.0.1', 'Secure: DH']);
      await until(() => alice.screen[2] === 'Ringing...', 'Alice to hear ringing');
      await bob.pressKey('OK');
      await until(() => alice.screen[0] === 'Connected' && bob.screen[0] === 'Connected', 'both phones connected');
      expect(alice.screen[2]).toBe('\uE000 DH CM128/80');
      // Let about a second of audio flow both ways, then Alice hangs up.
      await new Promise((r) => setTimeout(r, 1200));
      await alice.pressKey('Hangup');
      await until(() => bob.screen[3] === 'Call ended', 'Bob to see the call end');
    } finally {
      await alice.stop();
      await bob.stop();
    }
    for (const [host, heard] of [[alice, 'alice-heard.wav'], [bob, 'bob-heard.wav']] as const) {
      const summary = host.log.find((l) => / ended: sent/.test(l))!;
      const [, sent, received, dropped] = /sent (\d+), received (\d+), dropped (\d+)/.exec(summary)!.map(Number);
      expect(sent).toBeGreaterThan(20);
      expect(received).toBeGreaterThan(20);
      expect(dropped).toBe(0);
      // Each side's microphone is the host's 440 Hz tone: what the other side played must be that tone.
      expect(toneShare(readWav(join(dir, heard)), 440)).toBeGreaterThan(0.5);
    }
  });
});
