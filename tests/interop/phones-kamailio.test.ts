// Two desktop phones (XS engine) register at a real Kamailio with digest authentication and call
// each other through it by number: the call is negotiated and keyed with MIKEY, audio flows both
// ways over SRTP, and BYE ends it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Key } from '../../hal/contracts.js';
import { endedCallMedia, freePort, until } from '../support/desktop-phones.js';
import { Kamailio, pbxPhones } from '../support/kamailio.js';

describe('phones through Kamailio', () => {
  const dir = mkdtempSync(join(tmpdir(), 'phones-kamailio-'));
  let kamailio: Kamailio;
  beforeAll(async () => {
    kamailio = await Kamailio.start(await freePort());
  });
  afterAll(async () => {
    await kamailio.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('register with digest, call 1002 from 1001 through the proxy, talk securely and hang up', async () => {
    // Kamailio listens on UDP only here: the phones keep to UDP (with Auto, the DH INVITE, over
    // 1,300 bytes, would go over TCP, RFC 3261 §18.1.1).
    const [alice, bob] = await pbxPhones(kamailio, dir, ['1001', '1002'], { transport: 'udp' });
    try {
      await until(() => alice.screen[3] === 'Registered' && bob.screen[3] === 'Registered', 'both phones to register');
      expect(alice.screen[1]).toBe('1001@example.test');
      for (const k of ['1', '0', '0', '2', 'OK'] as Key[]) await alice.pressKey(k);
      await until(() => bob.screen[0] === 'Incoming call', 'Bob to ring through the proxy');
      expect(bob.screen[1]).toBe('1001@example.test');
      await bob.pressKey('OK');
      await until(() => alice.screen[0] === 'Connected' && bob.screen[0] === 'Connected', 'both connected');
      expect(alice.screen[2]).toBe(bob.screen[2]);
      expect(alice.screen[2]).toMatch(/^\uE000 DH CM128\/80$/);
      await new Promise((r) => setTimeout(r, 600));
      await bob.pressKey('Hangup');
      await until(() => alice.screen[3] === 'Call ended', 'the BYE to reach Alice through the proxy');
      for (const host of [alice, bob]) {
        const { received, dropped } = endedCallMedia(host.log);
        expect(received).toBeGreaterThan(10);
        expect(dropped).toBe(0);
      }
      // This Kamailio registers and relays only with valid digest credentials (401/407 first).
      expect(alice.log.some((l) => l.startsWith('registered at'))).toBe(true);
      expect(kamailio.log).not.toContain('403');
    } finally {
      await alice.stop();
      await bob.stop();
    }
  });
});
