// The desktop host: the firmware bundle runs inside xsnap-worker (Moddable's XS engine), not in
// Node, and the phone it boots shows its screen, reacts to keys and listens for SIP.
import { createSocket } from 'node:dgram';
import { mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { DesktopHost } from '../../sim/host.js';

const dirs: string[] = [];
function tempFlash(): string {
  const dir = mkdtempSync(join(tmpdir(), 'phone-host-'));
  dirs.push(dir);
  return join(dir, 'phone.flash');
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('desktop XS host', () => {
  let host: DesktopHost;
  beforeAll(async () => {
    host = await DesktopHost.start({ identity: { displayName: 'Alice desk', user: 'alice', sipPort: 0, tlsPort: 0 }, flashPath: tempFlash() });
  });
  afterAll(() => host.stop());

  it('runs the firmware inside the xsnap-worker binary, metered by XS', async () => {
    const exe = readlinkSync(`/proc/${host.worker.pid}/exe`);
    expect(basename(exe)).toBe('xsnap-worker');
    expect(host.worker.pid).not.toBe(process.pid);
    expect(host.log).toContain('booting on the XS engine (xsnap)');
    await host.pressKey('Hangup');
    // Only xsnap meters a crank: Node has no computron count.
    expect(host.lastMeter?.compute).toBeGreaterThan(0);
    expect(host.lastMeter?.currentHeapCount).toBeGreaterThan(0);
  });

  it('shows the idle screen with the bound SIP port', () => {
    const port = host.log.map((l) => /listening for SIP on 127\.0\.0\.1:(\d+)/.exec(l)?.[1]).find(Boolean);
    expect(Number(port)).toBeGreaterThan(0);
    expect(host.screen).toEqual(['Alice desk', 'alice@127.0.0.1', `SIP port ${port}`, 'Ready']);
  });

  it('reacts to the keypad: digits, Back, Hangup', async () => {
    for (const k of ['5', '0', '1'] as const) await host.pressKey(k);
    expect(host.screen.slice(0, 2)).toEqual(['Dial:', '501']);
    await host.pressKey('Back');
    expect(host.screen[1]).toBe('50');
    await host.pressKey('Hangup');
    expect(host.screen[3]).toBe('Ready');
  });

  it('receives datagrams on its SIP port', async () => {
    const port = Number(host.screen[2].replace('SIP port ', ''));
    const client = createSocket('udp4');
    await new Promise<void>((r) => client.bind(0, '127.0.0.1', () => r()));
    const message = Buffer.from('OPTIONS sip:alice@127.0.0.1 SIP/2.0\r\n\r\n');
    client.send(message, port, '127.0.0.1');
    const from = `127.0.0.1:${client.address().port}`;
    await until(() => host.log.some((l) => l.includes(`from ${from}, ${message.length} bytes`)), 'the datagram');
    client.close();
  });

  it('keeps running after a malformed event', async () => {
    await host.send({ type: 'key', key: 'Fire', down: true });
    expect(host.log).toContain('event key failed: unknown key Fire');
    await host.send({ type: 'teleport' });
    expect(host.log).toContain('event teleport failed: unknown host event teleport');
    await host.pressKey('7');
    expect(host.screen[1]).toBe('7');
    await host.pressKey('Hangup');
  });
});
