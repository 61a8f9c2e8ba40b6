// SIP over TCP (RFC 3261 §18) between the phone (XS engine) and SIPp, a real peer that with `-t t1`
// speaks TCP only (one connection, no UDP socket at all), so a call that completes went over TCP.
// SIPp calls the phone: the phone's responses go back on SIPp's connection (§18.2.2), and it takes
// the ACK, an OPTIONS and the BYE on it. The phone calls SIPp with its account on TCP: SIPp refuses
// RTP/SAVP with 488, and the phone steps to plain RTP without offering SDES, whose keys would cross
// TCP in clear (SDES over a non-TLS transport is off by default).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Key } from '../../hal/contracts.js';
import { DesktopHost } from '../../sim/host.js';
import { devCredentials, freePort, presetSettings, until } from '../support/desktop-phones.js';
import { withTransport } from '../support/sip-transports.js';

const SIPP = '/usr/bin/sipp';
const SCENARIOS = join(dirname(fileURLToPath(import.meta.url)), 'sipp');

interface Sipp {
  readonly exited: Promise<number | null>;
  log(): string;
  kill(): void;
}

function startSipp(args: string[]): Sipp {
  if (!existsSync(SIPP)) throw new Error('SIPp is missing: install the sip-tester package');
  const child: ChildProcess = spawn(SIPP, [...args, '-t', 't1', '-i', '127.0.0.1', '-nostdin', '-timeout', '60s', '-timeout_error', '-max_socket', '64'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (d) => (log = (log + d).slice(-20000)));
  child.stderr!.on('data', (d) => (log = (log + d).slice(-20000)));
  return { exited: new Promise((r) => child.on('exit', r)), log: () => log, kill: () => child.exitCode === null && child.kill('SIGKILL') };
}

function listeningPort(phone: DesktopHost): number {
  return Number(phone.log.map((l) => /listening for SIP on 127\.0\.0\.1:(\d+)/.exec(l)?.[1]).find(Boolean));
}

describe('SIPp over TCP', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sipp-tcp-'));
  const stops: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const stop of stops) await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('calls the phone over TCP: responses on SIPp’s connection, ACK, OPTIONS and BYE taken on it', async () => {
    const phone = await DesktopHost.start({ identity: { displayName: 'P', user: '7401', sipPort: 0, tlsPort: 0 }, provision: devCredentials(dir, ['7401'])('7401'), flashPath: join(dir, 'callee.flash') });
    stops.push(() => phone.stop());
    const sippPort = await freePort();
    const sipp = startSipp(['-sf', join(SCENARIOS, 'uac-call.xml'), '-m', '1', '-p', String(sippPort), '-mp', String(sippPort + 2), '-s', '7401', `127.0.0.1:${listeningPort(phone)}`]);
    stops.push(() => sipp.kill());
    await until(() => phone.screen[0] === 'Incoming call', `SIPp's call to ring over TCP\n${sipp.log().slice(-1500)}`);
    expect(phone.screen[1]).toContain('sipp@127.0.0.1');
    await phone.pressKey('OK');
    await until(() => phone.screen[0] === 'Connected', 'the call to connect');
    // SIPp sends OPTIONS, then BYE, each answered by the phone on SIPp's connection.
    await until(() => phone.screen[3] === 'Call ended', `SIPp's BYE\n${sipp.log().slice(-1500)}`, 30000);
    expect({ code: await sipp.exited, log: sipp.log().slice(-1500) }).toMatchObject({ code: 0 });
    expect(phone.log.filter((l) => / connected with /.test(l))).toHaveLength(1);
  });

  it('calls SIPp over TCP: 488 to RTP/SAVP, then plain RTP, no SDES offer over TCP; the phone’s BYE on TCP', async () => {
    const sippPort = await freePort();
    const sipp = startSipp(['-sf', join(SCENARIOS, 'uas-refuse-savp.xml'), '-m', '2', '-p', String(sippPort), '-mp', String(sippPort + 2)]);
    stops.push(() => sipp.kill());
    await new Promise((r) => setTimeout(r, 500));
    const flash = join(dir, 'caller.flash');
    presetSettings(flash, (s) => withTransport({ ...s, srtpMode: 'Optional' }, 'tcp'));
    const phone = await DesktopHost.start({ identity: { displayName: 'P', user: '7402', sipPort: 0, tlsPort: 0, outboundProxy: `127.0.0.1:${sippPort}` }, provision: devCredentials(dir, ['7402'])('7402'), flashPath: flash });
    stops.push(() => phone.stop());
    for (const k of ['7', '4', '0', '3', 'OK'] as Key[]) await phone.pressKey(k);
    await until(() => phone.screen[0] === 'Connected', `the plain call to connect over TCP\n${phone.log.join("\n")}\n${sipp.log().slice(-1500)}`, 30000);
    expect(phone.screen[2]).toBe('NOT ENCRYPTED');
    expect(phone.log.some((l) => l.includes('refused with 488; offering none'))).toBe(true);
    expect(phone.log.some((l) => l.includes('offering sdes'))).toBe(false);
    await phone.pressKey('Hangup');
    await until(() => phone.screen[3] === 'Call ended', 'the call to end');
    // SIPp's two calls (the refused offer, the plain call) ended, the last with the phone's BYE,
    // which reached it over TCP (its only transport).
    expect({ code: await sipp.exited, log: sipp.log().slice(-1500) }).toMatchObject({ code: 0 });
  });
});
