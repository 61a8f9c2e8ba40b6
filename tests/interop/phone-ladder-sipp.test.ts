// The fallback ladder of a real phone (XS engine) against a real SIP peer that takes only plain
// RTP: SIPp answers 488 to any RTP/SAVP offer and 200 OK to RTP/AVP. An Optional phone steps
// MIKEY → SDES → plain RTP and gets a call; a Mandatory phone stops after SDES and never sends
// a plain offer.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Key } from '../../hal/contracts.js';
import type { SrtpMode } from '../../modules/negotiation/capabilities.js';
import { DesktopHost } from '../../sim/host.js';
import { devCredentials, freePort, presetSettings, until } from '../support/desktop-phones.js';

const SIPP = '/usr/bin/sipp';
const SCENARIO = join(dirname(fileURLToPath(import.meta.url)), 'sipp', 'uas-plain-only.xml');

describe('ladder against SIPp (plain RTP only)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ladder-sipp-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function callSipp(mode: SrtpMode): Promise<{ phone: DesktopHost; sipp: ChildProcess; sippLog: () => string }> {
    if (!existsSync(SIPP)) throw new Error('SIPp is missing: install the sip-tester package');
    const port = await freePort();
    const sipp = spawn(SIPP, ['-sf', SCENARIO, '-i', '127.0.0.1', '-p', String(port), '-nostdin', '-timeout', '30s', '-mp', String(port + 2)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    sipp.stdout!.on('data', (d) => (log += d));
    sipp.stderr!.on('data', (d) => (log += d));
    await new Promise((r) => setTimeout(r, 500));
    const flash = join(dir, `${mode}.flash`);
    // SIPp speaks UDP: the phone offers SDES there only with the setting (issue 14).
    presetSettings(flash, (s) => ({ ...s, srtpMode: mode, sdesOverNonTls: true }));
    const provision = devCredentials(dir, ['7001'])('7001');
    // SIPp speaks UDP here: the phone keeps to UDP (with Auto, the MIKEY INVITE, over 1,300 bytes, goes over TCP, RFC 3261 §18.1.1).
    const phone = await DesktopHost.start({ identity: { displayName: 'P', user: '7001', sipPort: 0, tlsPort: 0, transport: 'udp', outboundProxy: `127.0.0.1:${port}` }, provision, flashPath: flash });
    for (const k of ['7', '0', '0', '2', 'OK'] as Key[]) await phone.pressKey(k);
    return { phone, sipp, sippLog: () => log };
  }

  it('an Optional phone steps down MIKEY → SDES → plain RTP and gets the call', async () => {
    const { phone, sipp } = await callSipp('Optional');
    try {
      await until(() => phone.screen[0] === 'Connected', 'the plain call to connect');
      expect(phone.screen[2]).toBe('NOT ENCRYPTED');
      expect(phone.log.some((l) => l.includes('refused with 488; offering sdes'))).toBe(true);
      expect(phone.log.some((l) => l.includes('refused with 488; offering none'))).toBe(true);
      await phone.pressKey('Hangup');
      await until(() => phone.screen[3] === 'Call ended', 'the call to end');
    } finally {
      sipp.kill('SIGKILL');
      await phone.stop();
    }
  });

  it('a Mandatory phone stops after SDES: no plain offer, the call fails', async () => {
    const { phone, sipp } = await callSipp('Mandatory');
    try {
      await until(() => phone.screen[3]?.startsWith('488 ') ?? false, 'the call to fail');
      expect(phone.log.some((l) => l.includes('offering sdes'))).toBe(true);
      expect(phone.log.some((l) => l.includes('offering none'))).toBe(false);
    } finally {
      sipp.kill('SIGKILL');
      await phone.stop();
    }
  });
});
