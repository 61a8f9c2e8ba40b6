// `npm start` as a user runs it (headless here): the phone boots on XS, takes keys, and Ctrl-C
// (SIGINT) shuts it down cleanly with exit status 0. A SIP port already taken, or an engine that
// dies, ends it with one line on stderr and a non-zero status (issue 13).
import { createSocket } from 'node:dgram';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { npmStartHeadless } from '../support/npm-start.js';

function npmStart(dir: string, name: string, sipPort: number) {
  return npmStartHeadless(['--name', name, '--sip-port', String(sipPort), '--tls-port', '0', '--flash', join(dir, `${name}.flash`), '--keys', join(dir, 'keys'), '--audio-out', join(dir, `${name}.wav`)]);
}

/** The processes below `pid` whose executable is named `name` (from /proc). */
function descendants(pid: number, name: string): number[] {
  const parent = new Map<number, number>();
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // The process ended meanwhile.
    }
  }
  const below = (p: number): boolean => p === pid || (parent.has(p) && p !== 1 && below(parent.get(p)!));
  return [...parent.keys()].filter((p) => p !== pid && below(parent.get(p)!) && readFileSync(`/proc/${p}/comm`, 'utf8').trim() === name);
}

describe('npm start (headless)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'npm-start-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('boots, dials from stdin keys and stops on SIGINT', async () => {
    const { child, output, exit } = npmStart(dir, 'bob', 0);
    const screens = () => output.out.split('\n').filter((l) => l.startsWith('{"screen"')).map((l) => JSON.parse(l).screen as string[]);
    const waitFor = async (check: () => boolean) => {
      for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
      expect(check()).toBe(true);
    };
    await waitFor(() => screens().length > 0);
    expect(screens()[0][0]).toBe('bob');
    child.stdin.write('4\n2\n');
    await waitFor(() => screens().some((s) => s[1] === '42'));
    child.kill('SIGINT');
    expect(await exit).toBe(0);
    expect(output.out).toContain('phone "bob" stopped');
  });

  it('ends with one line naming --sip-port, no stack trace and a non-zero status when the SIP port is taken', async () => {
    const holder = createSocket('udp4');
    await new Promise<void>((r) => holder.bind(0, '127.0.0.1', () => r()));
    const port = holder.address().port;
    try {
      const { output, exit } = npmStart(dir, 'taken', port);
      expect(await exit).toBe(2);
      expect(output.err.trim().split('\n')).toEqual([`--sip-port ${port}: 127.0.0.1:${port} is already in use (another phone or program holds it); choose another port with --sip-port`]);
    } finally {
      holder.close();
    }
  });

  it('ends with one line and a non-zero status when the XS engine dies', async () => {
    const { child, output, exit } = npmStart(dir, 'carol', 0);
    for (let i = 0; i < 500 && !output.out.includes('listening for SIP'); i++) await new Promise((r) => setTimeout(r, 20));
    const engines = descendants(child.pid!, 'xsnap-worker');
    expect(engines).toHaveLength(1);
    process.kill(engines[0], 'SIGKILL');
    expect(await exit).toBe(1);
    expect(output.err.trim().split('\n')).toEqual(['phone "carol": the XS engine died (xsnap-worker exited (code null, signal SIGKILL)): the phone has stopped']);
  });
});
