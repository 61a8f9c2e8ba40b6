// `npm start -- --key-log FILE` as a user runs it (two headless phones, one calling the other through
// the keypad): each warns at boot that the key log defeats the encryption, and each file gets one
// SRTP_MASTER line per direction when the call connects; what one phone sends under is what the
// other receives under. (tests/interop/key-log-file.test.ts decrypts a capture with such files.)
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, until } from '../support/desktop-phones.js';
import { keyLogFileKeys } from '../support/key-log.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function npmStart(dir: string, name: string, sipPort: number, extra: string[]) {
  const args = ['sim/main.ts', '--headless', '--name', name, '--sip-port', String(sipPort), '--tls-port', '0', '--flash', join(dir, `${name}.flash`), '--keys', join(dir, 'keys'), '--audio-out', join(dir, `${name}.wav`), '--key-log', join(dir, `${name}.keys`), ...extra];
  const child = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const lines = () => out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { screen?: string[]; log?: string });
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, lines, exit, keyLog: join(dir, `${name}.keys`) };
}

describe('npm start -- --key-log FILE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'npm-start-key-log-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('warns at boot and appends both directions of a call, matching between the two phones', async () => {
    const [alicePort, bobPort] = [await freePort(), await freePort()];
    const bob = npmStart(dir, '5002', bobPort, []);
    const alice = npmStart(dir, '5001', alicePort, ['--proxy', `127.0.0.1:${bobPort}`]);
    try {
      for (const phone of [alice, bob]) {
        await until(() => phone.lines().some((l) => l.screen), 'the phone to boot', 60000);
        expect(phone.lines().some((l) => /^WARNING: key log on: .*defeats the encryption/.test(l.log ?? ''))).toBe(true);
        expect(existsSync(phone.keyLog)).toBe(false);
      }
      alice.child.stdin.write('5\n0\n0\n2\nOK\n');
      await until(() => bob.lines().some((l) => l.screen?.[0] === 'Incoming call'), 'bob to ring');
      bob.child.stdin.write('OK\n');
      const keys = (phone: typeof alice) => (existsSync(phone.keyLog) ? keyLogFileKeys(readFileSync(phone.keyLog, 'utf8')) : []);
      await until(() => keys(alice).length === 2 && keys(bob).length === 2, 'both key logs to get the call');
      const [a, b] = [keys(alice), keys(bob)];
      expect(a.map((k) => k.direction)).toEqual(['send', 'receive']);
      expect(b.map((k) => k.direction)).toEqual(['send', 'receive']);
      expect(new Set([...a, ...b].map((k) => k.entry.callId)).size).toBe(1);
      expect(a[0].key).toBe(b[1].key);
      expect(a[1].key).toBe(b[0].key);
      expect(a[0].key).not.toBe(a[1].key);
      // The two phones name the same stream from either end.
      expect([a[0].entry.local, a[0].entry.remote]).toEqual([b[0].entry.remote, b[0].entry.local]);
    } finally {
      for (const phone of [alice, bob]) phone.child.kill('SIGINT');
      await Promise.all([alice.exit, bob.exit]);
    }
  });
});
