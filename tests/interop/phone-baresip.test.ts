// A call from our phone (XS engine) to a real SDES phone: baresip with its srtp module mandatory
// (mediaenc=srtp-mand) and auto-answer. baresip does not speak MIKEY: it answers the MIKEY offer
// with an a=crypto line of its own that was never offered, so the phone ends that call and offers
// SDES; baresip then answers one of the offered lines and audio flows both ways, each side's SRTP
// authenticating the other's packets.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Key } from '../../hal/contracts.js';
import { DesktopHost } from '../../sim/host.js';
import { encodeWav } from '../../sim/wav.js';
import { devCredentials, freePort, presetSettings, until } from '../support/desktop-phones.js';

const BARESIP = '/usr/bin/baresip';

function startBaresip(dir: string, port: number): { child: ChildProcess; log: () => string } {
  if (!existsSync(BARESIP)) throw new Error(`${BARESIP} is missing: apt-get install baresip`);
  writeFileSync(
    join(dir, 'config'),
    [
      `sip_listen 127.0.0.1:${port}`,
      'module_path /usr/lib/baresip/modules',
      'module g711.so',
      'module aufile.so',
      'module srtp.so',
      'module_app account.so',
      `audio_source aufile,${join(dir, 'in.wav')}`,
      `audio_player aufile,${join(dir, 'out.wav')}`,
      'rtp_ports 42000-42100',
      '',
    ].join('\n'),
  );
  // baresip's microphone: a 1 kHz tone, 3 s.
  writeFileSync(join(dir, 'in.wav'), encodeWav(Int16Array.from({ length: 24000 }, (_, n) => Math.round(6000 * Math.sin((2 * Math.PI * 1000 * n) / 8000)))));
  writeFileSync(join(dir, 'accounts'), `<sip:7002@127.0.0.1>;regint=0;mediaenc=srtp-mand;answermode=auto\n`);
  let log = '';
  const child = spawn(BARESIP, ['-f', dir, '-t', '60'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  return { child, log: () => log };
}

describe('a call to baresip (SDES, SRTP mandatory)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'phone-baresip-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('steps from MIKEY to SDES and talks over SRTP with baresip', async () => {
    const port = await freePort();
    const baresip = startBaresip(dir, port);
    const phoneFlash = join(dir, 'p.flash');
    presetSettings(phoneFlash, (s) => ({ ...s, srtpMode: 'Mandatory' }));
    let phone: DesktopHost | undefined;
    try {
      await until(() => baresip.log().includes('baresip is ready'), 'baresip to start', 15000);
      phone = await DesktopHost.start({ identity: { displayName: 'P', user: '7001', sipPort: 0, outboundProxy: `127.0.0.1:${port}` }, provision: devCredentials(dir, ['7001'])('7001'), flashPath: phoneFlash });
      const p = phone;
      for (const k of ['7', '0', '0', '2', 'OK'] as Key[]) await p.pressKey(k);
      await until(() => p.screen[0] === 'Connected', `the SDES call to connect\n${baresip.log().slice(-1500)}`);
      expect(p.screen[2]).toMatch(/^Secure SDES /);
      expect(p.log.some((l) => l.includes('the answer carries no MIKEY response'))).toBe(true);
      await new Promise((r) => setTimeout(r, 1500));
      await p.pressKey('Hangup');
      await until(() => p.screen[3] === 'Call ended', 'the call to end');
      const [, received, dropped] = /received (\d+), dropped (\d+)/.exec(p.log.find((l) => / ended: sent/.test(l))!)!.map(Number);
      // baresip's SRTP packets authenticated and decrypted here, none refused.
      expect(received).toBeGreaterThan(20);
      expect(dropped).toBe(0);
      // And ours at baresip: it keyed SRTP and took our packets, with no unprotect failure logged.
      expect(baresip.log()).toContain('SRTP is Enabled (cryptosuite=AES_CM_128_HMAC_SHA1_80)');
      expect(baresip.log()).toContain("incoming rtp for 'audio' established");
      expect(baresip.log()).not.toMatch(/unprotect|auth.*fail/i);
    } finally {
      await phone?.stop();
      baresip.child.kill('SIGKILL');
    }
  });
});
