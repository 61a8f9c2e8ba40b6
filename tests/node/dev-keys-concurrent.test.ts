// Phones started together (`npm start` in several terminals at once, or a script) share one keys
// directory: each makes what is missing of the development keys. They take turns through the
// directory's lock, so there is one CA, one PSK, and every phone's certificate is issued by that CA,
// as openssl itself verifies.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const USERS = ['a', 'b', 'c', 'd'];

/** One process making the keys of `user` in `keysDir`; resolves with the CA and PSK it loaded, in hex. */
function makeKeys(keysDir: string, user: string): Promise<{ ca: string; psk: string }> {
  const code = [
    `import { ensureDevKeys } from ${JSON.stringify(join(ROOT, 'sim', 'dev-keys.ts'))};`,
    `const k = ensureDevKeys(${JSON.stringify(keysDir)}, ['sip:${user}@127.0.0.1']);`,
    `process.stdout.write(JSON.stringify({ ca: Buffer.from(k.caCertificate).toString('hex'), psk: Buffer.from(k.psk).toString('hex') }));`,
  ].join('\n');
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => child.on('exit', (status) => (status === 0 ? resolve(JSON.parse(out)) : reject(new Error(`phone ${user}: exit ${status}\n${err}`)))));
}

describe('development keys made by phones started together', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dev-keys-concurrent-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives every phone the same CA and PSK, and a certificate that CA issued', async () => {
    const keysDir = join(dir, 'keys');
    // 2048-bit keys (the npm start default): generation is slow enough for unlocked starts to collide.
    const loaded = await Promise.all(USERS.map((u) => makeKeys(keysDir, u)));
    expect(new Set(loaded.map((l) => l.ca)).size).toBe(1);
    expect(new Set(loaded.map((l) => l.psk)).size).toBe(1);
    const pem = (der: string, out: string) => spawnSync('openssl', ['x509', '-inform', 'DER', '-in', der, '-out', out]).status;
    expect(pem(join(keysDir, 'ca.der'), join(dir, 'ca.pem'))).toBe(0);
    writeFileSync(join(dir, 'loaded-ca.der'), Buffer.from(loaded[0].ca, 'hex'));
    expect(spawnSync('cmp', [join(dir, 'loaded-ca.der'), join(keysDir, 'ca.der')]).status).toBe(0);
    for (const u of USERS) {
      expect(pem(join(keysDir, `${u}@127.0.0.1.der`), join(dir, `${u}.pem`))).toBe(0);
      const verify = spawnSync('openssl', ['verify', '-CAfile', join(dir, 'ca.pem'), join(dir, `${u}.pem`)], { encoding: 'utf8' });
      expect(`${u}: ${verify.stdout.trim()}`).toBe(`${u}: ${join(dir, `${u}.pem`)}: OK`);
    }
  });
});
