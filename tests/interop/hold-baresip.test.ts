// Hold and resume with a real SIP phone: baresip (SDES, SRTP mandatory, auto-answer) takes a call
// from our phone on the XS engine. Our phone holds and resumes by re-INVITE with a=crypto repeated
// (RFC 4568 §7.1.4), then baresip holds and resumes us (its menu's hold/resume over ctrl_tcp); the
// screens follow, and audio is taken again after each resume without an SRTP failure.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Key } from '../../hal/contracts.js';
import type { DesktopHost } from '../../sim/host.js';
import { phoneAndBaresip } from '../support/baresip.js';
import { endedCallMedia, until } from '../support/desktop-phones.js';

/** The counters of the last `call <id> <state>: sent .., received .., dropped ..` log line. */
function countersAt(host: DesktopHost, state: string): { sent: number; received: number; dropped: number } {
  const line = [...host.log].reverse().find((l) => l.startsWith('call ') && l.includes(` ${state}: sent `))!;
  const [, sent, received, dropped] = /sent (\d+), received (\d+), dropped (\d+)/.exec(line)!.map(Number);
  return { sent, received, dropped };
}

describe('hold with baresip (SDES-keyed SRTP)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hold-baresip-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('holds and resumes from either side, audio coming back each time', async () => {
    const { baresip, ctrl, phone: p, stop } = await phoneAndBaresip(dir, '7201', '7202');
    try {
      const tail = () => `(screen ${p.screen.join('|')})\n${p.log.slice(-8).join('\n')}\n${baresip.log().slice(-1500)}`;
      for (const k of ['7', '2', '0', '2', 'OK'] as Key[]) await p.pressKey(k);
      await until(() => p.screen[0] === 'Connected', `the call to connect ${tail()}`);
      expect(p.screen[2]).toMatch(/^\uE000 SDES /);
      const received = () => countersAt(p, 'Connected').received;

      await p.pressKey('Down');
      await until(() => p.screen[0] === 'On hold', `baresip to take our hold ${tail()}`);
      await p.pressKey('Down');
      await until(() => p.screen[0] === 'Connected', `baresip to take our resume ${tail()}`);
      const afterOurResume = received();

      await ctrl.command('hold', '');
      await until(() => p.screen[0] === 'Held by peer', `baresip's hold to reach us ${tail()}`);
      expect(p.screen[1]).toBe('7202@127.0.0.1');
      await ctrl.command('resume', '');
      await until(() => p.screen[0] === 'Connected' && received() >= afterOurResume, `baresip's resume to reach us ${tail()}`);
      const afterTheirResume = received();
      await new Promise((r) => setTimeout(r, 800));
      await p.pressKey('Hangup');
      await until(() => p.screen[3] === 'Call ended', 'the call to end');
      const { received: total, dropped: dropped } = endedCallMedia(p.log);
      // Audio from baresip again after its resume, all of it authenticated.
      expect(total - afterTheirResume).toBeGreaterThan(20);
      expect(dropped).toBe(0);
    } finally {
      await stop();
    }
  });
});
