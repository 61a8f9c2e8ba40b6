// Key material on the phone: the desktop host makes development keys, the phone stores them in its
// flash on first start, and finds them there after a restart without being given them again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toBase64 } from '../../modules/util/bytes.js';
import { ensureDevKeys } from '../../sim/dev-keys.js';
import { DesktopHost } from '../../sim/host.js';

describe('key material provisioning', () => {
  const dir = mkdtempSync(join(tmpdir(), 'provision-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const identity = { displayName: 'Erin', user: 'erin', sipPort: 0, tlsPort: 0 };

  it('stores development keys in flash once and loads them on XS after a restart', async () => {
    const keys = ensureDevKeys(join(dir, 'keys'), ['sip:erin@127.0.0.1'], { bits: 1024 });
    const own = keys.phones.get('sip:erin@127.0.0.1')!;
    const provision = { ownKey: toBase64(own.privateKey), ownChain: [toBase64(own.certificate)], trustAnchors: [toBase64(keys.caCertificate)] };
    const flashPath = join(dir, 'erin.flash');

    const first = await DesktopHost.start({ identity, provision, flashPath });
    await first.stop();
    expect(first.log).toContain('provisioned key material into flash');
    expect(first.log).toContain('credentials for sip:erin@127.0.0.1: 1 certificate(s), 1 trust anchor(s)');

    const second = await DesktopHost.start({ identity, flashPath });
    await second.stop();
    expect(second.log).not.toContain('provisioned key material into flash');
    expect(second.log).toContain('credentials for sip:erin@127.0.0.1: 1 certificate(s), 1 trust anchor(s)');
  });

  it('reports unusable key material and keeps the phone running', async () => {
    const host = await DesktopHost.start({ identity, provision: { ownKey: toBase64(Uint8Array.of(1, 2, 3)), ownChain: [], trustAnchors: [] }, flashPath: join(dir, 'bad.flash') });
    try {
      expect(host.log.some((l) => l.startsWith('key material in flash is unusable'))).toBe(true);
      await host.pressKey('4');
      expect(host.screen[1]).toBe('4');
    } finally {
      await host.stop();
    }
  });
});
