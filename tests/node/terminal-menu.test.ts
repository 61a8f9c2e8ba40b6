// The priority table set from the keypad menu, as a person would: in a real terminal (tmux) the
// user raises PKE above PSK, leaves the menu, restarts the phone, and finds the order kept in flash.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TmuxSession } from '../support/tmux.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('priority menu in a terminal, across a restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'terminal-menu-'));
  const flash = join(dir, 'dave.flash');
  const command = `npm start -- --name dave --sip-port 0 --tls-port 0 --flash ${flash} --keys ${join(dir, 'keys')} --audio-out ${join(dir, 'dave.wav')}`;
  const sessions: TmuxSession[] = [];
  afterAll(() => {
    sessions.forEach((s) => s.kill());
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps a reordered key-agreement table after the phone restarts', async () => {
    const first = TmuxSession.start(`menu-a-${process.pid}`, `${command}; sleep 30`, ROOT);
    sessions.push(first);
    await first.waitFor((s) => s.includes('│Ready'), 'the idle screen');
    first.sendKeys('m');
    await first.waitFor((s) => s.includes('│Menu'), 'the menu');
    first.sendKeys('1');
    await first.waitFor((s) => s.includes('│>0 PSK'), 'the key agreement list');
    first.sendKeys('d', '*');
    await first.waitFor((s) => s.includes('│>0 PKE') && s.includes('│ 1 PSK'), 'PKE raised to rank 0');
    first.sendKeys('b', 'b');
    await first.waitFor((s) => s.includes('│Ready'), 'back to idle');
    first.sendKeys('C-c');
    await first.waitFor((s) => s.includes('phone "dave" stopped'), 'a clean shutdown');
    first.kill();

    const second = TmuxSession.start(`menu-b-${process.pid}`, `${command}; sleep 30`, ROOT);
    sessions.push(second);
    await second.waitFor((s) => s.includes('│Ready'), 'the idle screen after restart');
    second.sendKeys('m', '1');
    const screen = await second.waitFor((s) => s.includes('Key agreements'), 'the key agreement list after restart');
    expect(screen).toContain('│>0 PKE            on│');
    expect(screen).toContain('│ 1 PSK            on│');
    second.sendKeys('C-c');
  });
});
