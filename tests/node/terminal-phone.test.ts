// `npm start` in a real terminal (tmux): the phone's screen is drawn, it says it runs on the XS
// engine, typed keys act as the keypad, and Ctrl-C ends it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TmuxSession } from '../support/tmux.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('npm start in a terminal', () => {
  const dir = mkdtempSync(join(tmpdir(), 'terminal-phone-'));
  const session = TmuxSession.start(
    `phone-test-${process.pid}`,
    `npm start -- --name carol --sip-port 0 --tls-port 0 --flash ${join(dir, 'carol.flash')} --keys ${join(dir, 'keys')} --audio-out ${join(dir, 'carol.wav')}; sleep 30`,
    ROOT,
  );
  afterAll(() => {
    session.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('draws the phone, takes keys, and stops on Ctrl-C', async () => {
    const idle = await session.waitFor((s) => s.includes('│carol'), 'the idle screen');
    expect(idle).toContain('on the XS engine');
    expect(idle).toContain('│Ready');
    session.sendKeys('9', '1', '1');
    await session.waitFor((s) => s.includes('│911 '), 'the dialed digits');
    session.sendKeys('BSpace');
    await session.waitFor((s) => s.includes('│91 '), 'Backspace deleting a digit');
    session.sendKeys('C-c');
    await session.waitFor((s) => s.includes('phone "carol" stopped'), 'a clean shutdown');
  });
});
