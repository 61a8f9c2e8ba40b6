// Ctrl-C (SIGINT) on an `npm start` phone in a call: it sends BYE, so the other phone hangs up too,
// and removes its registration (REGISTER with Expires: 0, RFC 3261 §10.2.2) before it exits 0.
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { headerValue, parseMessage, serializeMessage, type SipRequest } from '../../modules/sip/message.js';
import { DesktopHost } from '../../sim/host.js';
import { freePort, until } from '../support/desktop-phones.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('npm start: Ctrl-C during a call', () => {
  const dir = mkdtempSync(join(tmpdir(), 'npm-start-bye-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('sends BYE and un-REGISTERs before it exits', async () => {
    // A registrar that accepts every REGISTER, and records what each asked for.
    const registrar = createSocket('udp4');
    const registers: SipRequest[] = [];
    registrar.on('message', (data, from) => {
      const req = parseMessage(new Uint8Array(data)) as SipRequest;
      if (req.method !== 'REGISTER') return;
      registers.push(req);
      const headers = req.headers
        .filter((h) => ['Via', 'From', 'To', 'Call-ID', 'CSeq', 'Contact'].includes(h.name))
        .map((h) => (h.name === 'To' ? { name: 'To', value: `${h.value};tag=reg` } : h));
      registrar.send(serializeMessage({ kind: 'response', status: 200, reason: 'OK', headers, body: '' }), from.port, from.address);
    });
    await new Promise<void>((r) => registrar.bind(0, '127.0.0.1', () => r()));
    const carolPort = await freePort();
    const child = spawn(
      join(ROOT, 'node_modules', '.bin', 'tsx'),
      ['sim/main.ts', '--headless', '--name', 'carol', '--sip-port', String(carolPort), '--tls-port', '0', '--registrar', `127.0.0.1:${registrar.address().port}`,
        '--flash', join(dir, 'carol.flash'), '--keys', join(dir, 'keys'), '--audio-out', join(dir, 'carol.wav')],
      { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const exit = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    const caller = await DesktopHost.start({
      flashPath: join(dir, 'dave.flash'),
      identity: { displayName: 'Dave', user: 'dave', sipPort: await freePort(), tlsPort: 0, outboundProxy: `127.0.0.1:${carolPort}` },
    });
    try {
      await until(() => registers.length === 1, 'carol to register', 60000);
      expect(headerValue(registers[0], 'Expires')).toBe('3600');
      for (const k of ['1', 'OK'] as const) await caller.pressKey(k);
      await until(() => out.includes('"Incoming call"'), 'carol to ring', 30000);
      child.stdin.write('OK\n');
      await until(() => caller.screen[0] === 'Connected', 'the call to connect', 30000);
      child.kill('SIGINT');
      expect(await exit).toBe(0);
      // The caller got the BYE: its call ended without a key pressed.
      await until(() => caller.screen[0] !== 'Connected', 'the caller to see the call end');
      expect(caller.screen[3]).toBe('Call ended');
      expect(caller.log.some((l) => /^call .* ended: /.test(l))).toBe(true);
      expect(registers.map((r) => headerValue(r, 'Expires'))).toEqual(['3600', '0']);
      expect(out).toContain('shutdown complete');
      expect(out).toContain('phone "carol" stopped');
    } finally {
      child.kill('SIGKILL');
      await caller.stop();
      registrar.close();
    }
  }, 120000);

  it('refuses a call still ringing with 480 before it exits', async () => {
    const erinPort = await freePort();
    const child = spawn(
      join(ROOT, 'node_modules', '.bin', 'tsx'),
      ['sim/main.ts', '--headless', '--name', 'erin', '--sip-port', String(erinPort), '--tls-port', '0', '--flash', join(dir, 'erin.flash'), '--keys', join(dir, 'keys'), '--audio-out', join(dir, 'erin.wav')],
      { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const exit = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    const caller = await DesktopHost.start({
      flashPath: join(dir, 'frank.flash'),
      identity: { displayName: 'Frank', user: 'frank', sipPort: await freePort(), tlsPort: 0, outboundProxy: `127.0.0.1:${erinPort}` },
    });
    try {
      await until(() => out.includes('"listening for SIP on'), 'erin to boot', 60000);
      for (const k of ['1', 'OK'] as const) await caller.pressKey(k);
      await until(() => out.includes('"Incoming call"'), 'erin to ring', 30000);
      child.kill('SIGINT');
      expect(await exit).toBe(0);
      await until(() => caller.screen[0] !== 'Calling', 'the caller to see the call refused');
      expect(caller.screen[3]).toBe('480 Unavailable');
    } finally {
      child.kill('SIGKILL');
      await caller.stop();
    }
  }, 120000);
});
