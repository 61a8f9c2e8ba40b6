// Forgetting a known peer from the keypad menu, as a person would: in a real terminal (tmux) the
// user opens "Known peers", forgets Bob (a certificate held), restarts the phone, and finds Bob gone
// from the list and from flash while his PSK and Zed's pinned table stay.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTable } from '../../modules/negotiation/table.js';
import { openPhoneStore } from '../../modules/settings/phone-store.js';
import { toBase64 } from '../../modules/util/bytes.js';
import { FlashFile } from '../../sim/flash-file.js';
import { presetSettings } from '../support/desktop-phones.js';
import { fixtureBytes } from '../support/pki-fixtures.js';
import { TmuxSession } from '../support/tmux.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BOB = 'sip:bob@example.com';
const ZED = 'sip:zed@example.com';
const PSK = '00112233445566778899aabbccddeeff';

describe('Known peers menu in a terminal, across a restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'terminal-known-peers-'));
  const flash = join(dir, 'erin.flash');
  const command = `npm start -- --name erin --sip-port 0 --tls-port 0 --flash ${flash} --keys ${join(dir, 'keys')} --audio-out ${join(dir, 'erin.wav')}`;
  const sessions: TmuxSession[] = [];
  afterAll(() => {
    sessions.forEach((s) => s.kill());
    rmSync(dir, { recursive: true, force: true });
  });

  it('a forgotten peer is gone after the phone restarts; its PSK and the other peer stay', async () => {
    // Neither Bob nor Zed is a development phone (their keys are not in the keys directory), so
    // npm start provisions nothing for them: what the flash holds after the restart is what was saved.
    presetSettings(flash, (s) => ({
      ...s,
      peerKeys: { [BOB]: PSK },
      peerCertificates: { [BOB]: toBase64(fixtureBytes('bob')) },
      learnedPeers: { [ZED]: { table: parseTable('DH,PKE;AES_CM_128_HMAC_SHA1_80'), learnedAt: Date.UTC(2026, 10, 20) } },
    }));

    const first = TmuxSession.start(`known-peers-a-${process.pid}`, `${command}; sleep 30`, ROOT);
    sessions.push(first);
    await first.waitFor((s) => s.includes('│Ready'), 'the idle screen');
    first.sendKeys('m', '9');
    await first.waitFor((s) => s.includes('│>bob@example.com') && s.includes('│ zed@example.com'), 'the known peers list');
    first.sendKeys('o');
    await first.waitFor((s) => s.includes('│No table pinned') && s.includes('│Cert ') && s.includes('ok'), 'Bob\'s details');
    first.sendKeys('o');
    await first.waitFor((s) => s.includes('│Forget peer?'), 'the confirmation');
    first.sendKeys('o');
    await first.waitFor((s) => s.includes('│Forgotten') && s.includes('│>zed@example.com'), 'Bob forgotten');
    first.sendKeys('b', 'b');
    await first.waitFor((s) => s.includes('│Ready'), 'back to idle');
    first.sendKeys('C-c');
    await first.waitFor((s) => s.includes('phone "erin" stopped'), 'a clean shutdown');
    first.kill();

    const second = TmuxSession.start(`known-peers-b-${process.pid}`, `${command}; sleep 30`, ROOT);
    sessions.push(second);
    await second.waitFor((s) => s.includes('│Ready'), 'the idle screen after restart');
    second.sendKeys('m', '9');
    const screen = await second.waitFor((s) => s.includes('│Known peers'), 'the known peers list after restart');
    expect(screen).toContain('│>zed@example.com');
    expect(screen).not.toContain('bob@example.com');
    second.sendKeys('C-c');
    await second.waitFor((s) => s.includes('phone "erin" stopped'), 'a clean shutdown');
    second.kill();

    const file = new FlashFile(flash);
    try {
      const kept = openPhoneStore(file).settings;
      expect(kept.peerCertificates[BOB]).toBeUndefined();
      expect(kept.peerKeys[BOB]).toBe(PSK);
      expect(Object.keys(kept.learnedPeers)).toEqual([ZED]);
    } finally {
      file.close();
    }
  });
});
