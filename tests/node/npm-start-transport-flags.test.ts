// `npm start`'s SIP transport flags (issue 14): --tls-port 0 listens for SIP over TLS on a free port
// the log names, --transport sets the account's transport when the menu says Auto, and a value that
// is not a port or a transport ends it at once with one line on stderr and exit status 2.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { npmStartHeadless } from '../support/npm-start.js';

function npmStart(dir: string, flags: string[]) {
  return npmStartHeadless(['--name', 'tina', '--sip-port', '0', '--flash', join(dir, 'tina.flash'), '--keys', join(dir, 'keys'), '--audio-out', join(dir, 'tina.wav'), ...flags]);
}

describe('npm start -- --tls-port N --transport T', () => {
  const dir = mkdtempSync(join(tmpdir(), 'npm-start-transport-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('listens for SIP over TLS on the free port it was given 0 for, and places calls over TCP with --transport tcp', async () => {
    // A proxy that only listens on TCP: the INVITE reaches it there.
    let received = '';
    const proxy = createServer((socket) => socket.on('data', (d) => (received += d.toString('latin1'))));
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
    const port = (proxy.address() as { port: number }).port;
    const run = npmStart(dir, ['--tls-port', '0', '--transport', 'tcp', '--proxy', `127.0.0.1:${port}`]);
    const logs = () => run.output.out.split('\n').filter((l) => l.startsWith('{"log"')).map((l) => JSON.parse(l).log as string);
    for (let i = 0; i < 1500 && !logs().some((l) => l.startsWith('listening for SIP over TLS')); i++) await new Promise((r) => setTimeout(r, 20));
    const sip = logs().map((l) => /^listening for SIP on 127\.0\.0\.1:(\d+)$/.exec(l)?.[1]).find(Boolean);
    const tls = logs().map((l) => /^listening for SIP over TLS on 127\.0\.0\.1:(\d+)$/.exec(l)?.[1]).find(Boolean);
    expect(sip).toBeDefined();
    expect(tls).toBeDefined();
    expect([Number(tls) > 0, tls !== '5061', tls !== sip]).toEqual([true, true, true]);
    run.child.stdin.write('7\nOK\n');
    for (let i = 0; i < 500 && !received.includes('\r\n\r\n'); i++) await new Promise((r) => setTimeout(r, 20));
    expect(received).toMatch(new RegExp(`^INVITE sip:7@127\\.0\\.0\\.1 SIP/2\\.0\r\nVia: SIP/2\\.0/TCP 127\\.0\\.0\\.1:${sip};`));
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(0);
    proxy.close();
  }, 60000);

  it.each([
    [['--tls-port', '70000'], '--tls-port must be a port number'],
    [['--tls-port', 'tls'], '--tls-port must be a port number'],
    [['--transport', 'sctp'], '--transport must be one of auto, udp, tcp, tls'],
  ])('refuses %j with one line and status 2', async (flags, line) => {
    const run = npmStart(dir, flags);
    expect(await run.exit).toBe(2);
    expect(run.output.err).toBe(`${line}\n`);
  }, 60000);
});
