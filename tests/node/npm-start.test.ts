// `npm start` as a user runs it (headless here): the phone boots on XS, takes keys, and Ctrl-C
// (SIGINT) shuts it down cleanly with exit status 0.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('npm start (headless)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'npm-start-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('boots, dials from stdin keys and stops on SIGINT', async () => {
    const child = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), ['sim/main.ts', '--headless', '--name', 'bob', '--sip-port', '0', '--flash', join(dir, 'bob.flash'), '--keys', join(dir, 'keys'), '--audio-out', join(dir, 'bob.wav')], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const screens = () => out.split('\n').filter((l) => l.startsWith('{"screen"')).map((l) => JSON.parse(l).screen as string[]);
    const waitFor = async (check: () => boolean) => {
      for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
      expect(check()).toBe(true);
    };
    await waitFor(() => screens().length > 0);
    expect(screens()[0][0]).toBe('bob');
    child.stdin.write('4\n2\n');
    await waitFor(() => screens().some((s) => s[1] === '42'));
    const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.kill('SIGINT');
    expect(await exit).toBe(0);
    expect(out).toContain('phone "bob" stopped');
  });
});
