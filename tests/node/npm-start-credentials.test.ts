// The README's two ways of running phone 1002, one after the other on the same flash (issue 16):
// first with --domain example.test (its certificate is made for sip:1002@example.test and kept in
// flash), then without (the phone is sip:1002@127.0.0.1). The second boot says the stored
// certificate is for the other identity, in its log and on the idle screen; the menu's
// "Credentials" entry shows both and OK puts the development credentials made for the new identity
// (sim/dev-keys.ts, by npm start) in their place.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function npmStart(dir: string, extra: readonly string[]) {
  const child = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), ['sim/main.ts', '--headless', '--name', '1002', '--sip-port', '0', '--tls-port', '0', '--flash', join(dir, '1002.flash'), '--keys', join(dir, 'keys'), '--audio-out', join(dir, '1002.wav'), ...extra], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const lines = () => out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { screen?: string[]; log?: string });
  const screen = () => lines().filter((l) => l.screen).pop()?.screen ?? [];
  const logs = () => lines().flatMap((l) => (l.log === undefined ? [] : [l.log]));
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const waitFor = async (check: () => boolean, what: string) => {
    for (let i = 0; i < 1500 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
    if (!check()) throw new Error(`timed out waiting for ${what}; screen ${JSON.stringify(screen())}; log ${logs().slice(-5).join(' / ')}`);
  };
  const keys = (...names: string[]) => child.stdin.write(names.map((n) => `${n}\n`).join(''));
  const stop = async () => {
    child.kill('SIGINT');
    return exit;
  };
  return { screen, logs, waitFor, keys, stop };
}

describe('npm start with a flash from another identity', () => {
  const dir = mkdtempSync(join(tmpdir(), 'npm-start-cred-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says so at boot and takes new development credentials from the menu', async () => {
    const first = npmStart(dir, ['--domain', 'example.test']);
    await first.waitFor(() => first.logs().some((l) => l.startsWith('credentials for sip:1002@example.test')), 'the first boot');
    // The credentials are logged before the first screen is drawn: wait for the idle screen itself.
    await first.waitFor(() => first.screen()[3] !== undefined, 'the first screen');
    expect(first.screen()[3]).toBe('Ready');
    expect(await first.stop()).toBe(0);

    const second = npmStart(dir, []);
    try {
      await second.waitFor(() => second.screen()[3] === 'Cert: wrong identity', 'the notice on the idle screen');
      expect(second.logs()).toContain(
        'credentials mismatch: the certificate in flash is for sip:1002@example.test, this phone is sip:1002@127.0.0.1; public-key modes (PKE, DH, RSA-R) are off until it has credentials for its identity (menu "Credentials")',
      );
      second.keys('Menu', ...Array(10).fill('Down'), 'OK');
      await second.waitFor(() => second.screen()[0] === 'Cert: wrong identity', 'the Credentials entry');
      expect(second.screen()).toEqual(['Cert: wrong identity', 'is 1002@example.test', 'not 1002@127.0.0.1', 'OK=dev keys Back']);
      second.keys('OK');
      await second.waitFor(() => second.screen()[3] === 'Dev keys in use', 'the new credentials');
      expect(second.screen()).toEqual(['Credentials', 'Cert ok for', '1002@127.0.0.1', 'Dev keys in use']);
      expect(second.logs().some((l) => l.startsWith('credentials for sip:1002@127.0.0.1: 1 certificate(s)'))).toBe(true);
      second.keys('Back', 'Back');
      await second.waitFor(() => second.screen()[3] === 'Ready', 'the idle screen');
    } finally {
      expect(await second.stop()).toBe(0);
    }

    // The next start finds its own certificate in flash: no notice.
    const third = npmStart(dir, []);
    try {
      await third.waitFor(() => third.logs().some((l) => l.startsWith('credentials for sip:1002@127.0.0.1')), 'the third boot');
      expect(third.logs().some((l) => l.startsWith('credentials mismatch'))).toBe(false);
      await third.waitFor(() => third.screen()[3] !== undefined, 'the first screen');
      expect(third.screen()[3]).toBe('Ready');
    } finally {
      await third.stop();
    }
  }, 120000);
});
