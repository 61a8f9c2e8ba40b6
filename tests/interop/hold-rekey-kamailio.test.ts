// Hold and re-key re-INVITEs between two desktop phones (XS engine) registered at a real Kamailio
// with digest authentication: the in-dialog requests follow the route the proxy set up, the screens
// follow the hold, and the re-key gives both phones the same new SRTP master keys.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DesktopHost } from '../../sim/host.js';
import { callAndAnswer, endedCallMedia, freePort, until } from '../support/desktop-phones.js';
import { Kamailio, pbxPhones } from '../support/kamailio.js';
import { lastLoggedKey } from '../support/key-log.js';

describe('hold and re-key through Kamailio', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hold-rekey-kamailio-'));
  let kamailio: Kamailio;
  beforeAll(async () => {
    kamailio = await Kamailio.start(await freePort());
  });
  afterAll(async () => {
    await kamailio.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds, resumes and re-keys a call placed through the proxy', async () => {
    const lastKey = (host: DesktopHost, direction: 'send' | 'receive'): string => lastLoggedKey(host.log, direction).key;
    const keylogs = (host: DesktopHost): number => host.log.filter((l) => l.startsWith('keylog ')).length;
    // Kamailio listens on UDP only here: the phones keep to UDP (with Auto, a signed MIKEY INVITE over
    // 1,300 bytes would go over TCP, RFC 3261 §18.1.1).
    const [alice, bob] = await pbxPhones(kamailio, dir, ['1001', '1002'], { keyLog: true, transport: 'udp' });
    try {
      await until(() => alice.screen[3] === 'Registered' && bob.screen[3] === 'Registered', 'both phones to register');
      await callAndAnswer(alice, bob, '1002');
      await bob.pressKey('Down');
      await until(() => bob.screen[0] === 'On hold' && alice.screen[0] === 'Held by peer', 'the hold on both screens');
      await bob.pressKey('Down');
      await until(() => bob.screen[0] === 'Connected' && alice.screen[0] === 'Connected', 'the resume on both screens');
      const before = lastKey(alice, 'send');
      await alice.pressKey('Up');
      await until(() => keylogs(alice) === 4 && keylogs(bob) === 4, 'both phones to take the new keys');
      expect(lastKey(alice, 'send')).not.toBe(before);
      expect([lastKey(bob, 'receive'), lastKey(bob, 'send')]).toEqual([lastKey(alice, 'send'), lastKey(alice, 'receive')]);
      await new Promise((r) => setTimeout(r, 600));
      await bob.pressKey('Hangup');
      await until(() => alice.screen[3] === 'Call ended', 'the BYE to reach Alice through the proxy');
      for (const host of [alice, bob]) {
        const { received, dropped } = endedCallMedia(host.log);
        expect(received).toBeGreaterThan(10);
        expect(dropped).toBe(0);
      }
    } finally {
      await alice.stop();
      await bob.stop();
    }
  });
});
