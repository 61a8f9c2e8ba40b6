// `npm start` among many development phones: once about five phones existed in var/keys, their
// certificates and PSKs overflowed the one 8 KiB settings record and a phone died at boot with
// SettingsTooLargeError. Now peers live in the bounded peer store: a phone boots whatever the
// number of development phones, with a PSK for each and the certificates that fit, and a flash
// image from before the peer store (peers in the settings record) boots too.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openPhoneStore } from '../../modules/settings/phone-store.js';
import { openSettingsStore } from '../../modules/settings/store.js';
import { toBase64, toHex } from '../../modules/util/bytes.js';
import { ensureDevKeys } from '../../sim/dev-keys.js';
import { FlashFile } from '../../sim/flash-file.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PHONES = Array.from({ length: 24 }, (_, i) => `sip:dev${String(i).padStart(2, '0')}@127.0.0.1`);

/** Runs `npm start` headless until its idle screen, then Ctrl-C; returns its output and exit code. */
async function startAndStop(name: string, flash: string, keys: string): Promise<{ out: string; err: string; code: number | null }> {
  const child = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), ['sim/main.ts', '--headless', '--name', name, '--sip-port', '0', '--tls-port', '0', '--flash', flash, '--keys', keys, '--audio-out', `${flash}.wav`], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exit = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  const booted = () => out.includes('"listening for SIP on');
  for (let i = 0; i < 1500 && !booted() && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 20));
  if (child.exitCode === null) child.kill('SIGINT');
  const code = await exit;
  return { out, err, code };
}

function settingsOf(path: string) {
  const flash = new FlashFile(path);
  try {
    return openPhoneStore(flash).settings;
  } finally {
    flash.close();
  }
}

describe('npm start with many development phones', () => {
  const dir = mkdtempSync(join(tmpdir(), 'many-peers-'));
  const keysDir = join(dir, 'keys');
  const keys = ensureDevKeys(keysDir, PHONES, { bits: 1024 });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('boots among 24 development phones, twice, with a PSK for each peer', async () => {
    const flash = join(dir, 'dev00.flash');
    for (let start = 0; start < 2; start++) {
      const { out, err, code } = await startAndStop('dev00', flash, keysDir);
      expect(err).not.toContain('Error');
      expect(code).toBe(0);
      expect(out).toContain('credentials for sip:dev00@127.0.0.1');
      expect(out).toContain(`phone "dev00" stopped`);
    }
    const s = settingsOf(flash);
    expect(Object.keys(s.peerKeys).sort()).toEqual(PHONES.slice(1));
    const certified = Object.keys(s.peerCertificates).length;
    process.stdout.write(`npm start among ${PHONES.length} phones: ${PHONES.length - 1} PSKs, ${certified} certificates kept\n`);
    expect(certified).toBeGreaterThan(3);
  }, 120000);

  it('boots a flash image from before the peer store, peers in a full settings record', async () => {
    const flash = join(dir, 'dev01.flash');
    // The old layout: the whole settings, peers included, saved over the whole flash, as many
    // peers as an 8 KiB record takes.
    const file = new FlashFile(flash);
    let held: string[] = [];
    try {
      const store = openSettingsStore(file);
      for (let i = 0; i < 6; i++) store.save({ ...store.settings, srtpMode: i % 2 ? 'Mandatory' : 'Optional' });
      for (const uri of PHONES.slice(2)) {
        const next = {
          ...store.settings,
          peerKeys: { ...store.settings.peerKeys, [uri]: toHex(keys.psk) },
          peerCertificates: { ...store.settings.peerCertificates, [uri]: toBase64(keys.phones.get(uri)!.certificate) },
        };
        try {
          store.save(next);
        } catch {
          break;
        }
        held = Object.keys(next.peerKeys);
      }
    } finally {
      file.close();
    }
    expect(held.length).toBeGreaterThan(2);
    const { out, err, code } = await startAndStop('dev01', flash, keysDir);
    expect(err).not.toContain('Error');
    expect(code).toBe(0);
    expect(out).toContain('credentials for sip:dev01@127.0.0.1');
    const s = settingsOf(flash);
    expect(s.srtpMode).toBe('Mandatory');
    for (const uri of held) expect(s.peerCertificates[uri]).toBe(toBase64(keys.phones.get(uri)!.certificate));
    expect(Object.keys(s.peerKeys).sort()).toEqual(PHONES.filter((u) => u !== 'sip:dev01@127.0.0.1'));
  }, 120000);
});
