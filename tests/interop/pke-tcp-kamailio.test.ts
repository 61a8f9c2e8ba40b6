// RFC 3261 §18.1.1 through a real Kamailio: two phones on the Auto transport (UDP, with the switch
// to TCP for a request over 1,300 bytes) ranking PKE first, with each other's certificates. Their
// REGISTERs are small and go over UDP; the PKE INVITE (its MIKEY carries a certificate, an
// encrypted envelope key and a signature) is larger and goes over TCP on Kamailio's SIP port, which
// Kamailio logs with the size it read. Kamailio, set to the same rule (udp_mtu), forwards it over
// TCP too, to the callee's SIP port, and the call is keyed with PKE.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTable } from '../../modules/negotiation/table.js';
import type { DesktopHost } from '../../sim/host.js';
import { callAndAnswer, devCredentials, until } from '../support/desktop-phones.js';
import { freeSipPort, Kamailio, pbxPhone } from '../support/kamailio.js';

describe('a PKE call through Kamailio on the Auto transport', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pke-tcp-kamailio-'));
  const stops: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers over UDP, and its INVITE over 1,300 bytes goes over TCP both legs', async () => {
    const kamailio = await Kamailio.start(await freeSipPort(), '127.0.0.1', { mtuSwitch: true });
    stops.push(() => kamailio.stop());
    const users = ['1001', '1002'];
    const certs = devCredentials(dir, users, 'example.test');
    const phones: DesktopHost[] = [];
    for (const user of users) {
      const other = users.find((u) => u !== user)!;
      const phone = await pbxPhone(kamailio, dir, user, {
        transport: 'auto',
        settings: (s) => ({ ...s, priorities: parseTable('PKE,DH;AES_CM_128_HMAC_SHA1_80'), peerCertificates: { [`sip:${other}@example.test`]: certs(other).ownChain[0] } }),
      });
      stops.push(() => phone.stop());
      phones.push(phone);
    }
    const [alice, bob] = phones;
    await until(() => alice.screen[3] === 'Registered' && bob.screen[3] === 'Registered', `both phones to register\n${kamailio.log.slice(-2000)}`, 30000);
    const registers = kamailio.hops().filter((h) => h.dir === 'in' && h.method === 'REGISTER');
    expect(registers.length).toBeGreaterThanOrEqual(4); // each: challenged, then with credentials
    for (const h of registers) {
      expect(h.proto).toBe('udp');
      expect(h.bytes).toBeLessThanOrEqual(1300);
    }

    await callAndAnswer(alice, bob, '1002', 'the PKE call');
    expect([alice.screen[2], bob.screen[2]]).toEqual(['\uE000 PKE CM128/80', '\uE000 PKE CM128/80']);
    const invites = kamailio.hops().filter((h) => h.method === 'INVITE');
    const received = invites.filter((h) => h.dir === 'in');
    // The first INVITE is challenged (407), the second carries credentials: both large, both TCP.
    expect(received.length).toBeGreaterThanOrEqual(2);
    for (const h of received) {
      expect(h.proto).toBe('tcp');
      expect(h.bytes).toBeGreaterThan(1300);
    }
    const forwarded = invites.filter((h) => h.dir === 'out');
    expect(forwarded.map((h) => h.proto)).toEqual(['tcp']);
    expect(forwarded[0].bytes).toBeGreaterThan(1300);
    await alice.pressKey('Hangup');
    await until(() => bob.screen[3] === 'Call ended', 'the BYE to reach Bob');
  });
});
