// A failed connection ends its SIP transaction at once on the desktop XS host (RFC 3261 §18.4,
// §17.1.4, §8.1.3.1), with Node's net and tls underneath: a call over TLS to a phone whose
// certificate does not carry the name dialled fails with "Connection failed" and the certificate
// error in the log, and a REGISTER over TCP to a port nobody listens on fails with 503 and the
// refusal, where Timer B/F would have taken 32 s (beyond these waits) and said 408.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DesktopHost } from '../../sim/host.js';
import { devCredentials, freePort, presetSettings, until } from '../support/desktop-phones.js';

/** Less than Timer B/F (64*T1 = 32 s): a transaction that waits for them fails these waits. */
const WAIT_MS = 15_000;

describe('desktop phone: failed connections end their transactions at once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'transport-errors-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a call over TLS to a peer whose certificate is not for the name dialled fails with the reason', async () => {
    const [sip, tls] = [await freePort(), await freePort()];
    // Bob's certificate carries 127.0.0.1 and localhost; Alice's domain, the name she dials, is another.
    const bob = await DesktopHost.start({ identity: { displayName: 'Bob', user: '4102', sipPort: sip, tlsPort: tls }, provision: devCredentials(dir, ['4102'])('4102'), flashPath: join(dir, 'bob.flash') });
    const aliceFlash = join(dir, 'alice.flash');
    presetSettings(aliceFlash, (s) => ({ ...s, account: { ...s.account, sipUri: 'sip:4101@wrong.example', transport: 'tls' } }));
    const alice = await DesktopHost.start({
      identity: { displayName: 'Alice', user: '4101', sipPort: 0, tlsPort: 0, outboundProxy: `127.0.0.1:${tls}` },
      provision: devCredentials(dir, ['4101'], 'wrong.example')('4101'),
      flashPath: aliceFlash,
    });
    try {
      expect(alice.log.some((l) => /^listening for SIP over TLS on /.test(l))).toBe(true);
      for (const key of ['4', '1', '0', '2', 'OK'] as const) await alice.pressKey(key);
      await until(() => alice.screen.includes('Connection failed'), 'the call to fail', WAIT_MS);
      const failed = alice.log.find((l) => /^call \S+: connection failed: /.test(l));
      expect(failed).toMatch(/wrong\.example/);
      expect(alice.log.some((l) => /^SIP connection \d+ \(TLS to 127\.0\.0\.1:\d+\) closed: .*wrong\.example/.test(l))).toBe(true);
      // Nothing reached Bob's phone.
      expect(bob.log.some((l) => /^SIP over TLS from /.test(l))).toBe(false);
    } finally {
      await alice.stop();
      await bob.stop();
    }
  });

  it('a REGISTER over TCP to a refused port fails with 503 and the refusal', async () => {
    const refused = await freePort();
    const flashPath = join(dir, 'carol.flash');
    presetSettings(flashPath, (s) => ({ ...s, account: { ...s.account, transport: 'tcp' } }));
    const carol = await DesktopHost.start({ identity: { displayName: 'Carol', user: '4103', sipPort: 0, registrar: `127.0.0.1:${refused}` }, flashPath });
    try {
      await until(() => carol.log.some((l) => /^registration failed: /.test(l)), 'the registration to fail', WAIT_MS);
      expect(carol.log.find((l) => /^registration failed: /.test(l))).toMatch(/^registration failed: 503 Service Unavailable \(.*refused/i);
      expect(carol.screen.some((l) => l.includes('Not registered: 503'))).toBe(true);
    } finally {
      await carol.stop();
    }
  });
});
