// Two phones on the desktop XS host call each other over TCP and over TLS (issue 14): the host's
// stream sockets are Node's net and tls, the TLS certificates the phones' development credentials
// (sim/dev-keys.ts), checked by the caller against its trust anchors and the name 127.0.0.1. Each
// call is MIKEY-keyed SRTP with audio both ways; the callee's log shows the SIP arriving over the
// stream and no SIP datagram at all.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AccountTransport } from '../../modules/settings/model.js';
import { DesktopHost } from '../../sim/host.js';
import { callAndAnswer, devCredentials, devPeers, endedCallMedia, freePort, presetSettings, until } from '../support/desktop-phones.js';

describe('desktop phones over TCP and TLS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tcp-tls-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const users: [string, string] = ['4001', '4002'];

  async function callOver(transport: AccountTransport): Promise<{ alice: DesktopHost; bob: DesktopHost; screens: string[] }> {
    const provision = devCredentials(dir, users);
    const peers = devPeers(dir, users);
    const [sip, tls] = [await freePort(), await freePort()];
    for (const user of users) presetSettings(join(dir, `${transport}-${user}.flash`), (s) => ({ ...s, ...peers(user), account: { ...s.account, transport } }));
    const bob = await DesktopHost.start({ identity: { displayName: 'Bob', user: users[1], sipPort: sip, tlsPort: tls }, provision: provision(users[1]), flashPath: join(dir, `${transport}-${users[1]}.flash`) });
    const proxy = `127.0.0.1:${transport === 'tls' ? tls : sip}`;
    const alice = await DesktopHost.start({ identity: { displayName: 'Alice', user: users[0], sipPort: 0, tlsPort: 0, outboundProxy: proxy }, provision: provision(users[0]), flashPath: join(dir, `${transport}-${users[0]}.flash`) });
    await callAndAnswer(alice, bob, users[1], `the call over ${transport}`);
    const screens = [alice.screen[2], bob.screen[2]];
    await new Promise((r) => setTimeout(r, 500));
    await alice.pressKey('Hangup');
    await until(() => bob.screen[3] === 'Call ended', 'the call to end');
    return { alice, bob, screens };
  }

  it.each(['tcp', 'tls'] as const)('calls over %s with MIKEY and SRTP', async (transport) => {
    const { alice, bob, screens } = await callOver(transport);
    try {
      for (const screen of screens) expect(screen).toMatch(/^\uE000 (PSK|PKE|DH|DHHMAC|RSA-R) /);
      const over = transport.toUpperCase();
      expect(bob.log.some((l) => new RegExp(`^SIP over ${over} from 127\\.0\\.0\\.1:\\d+ \\(connection \\d+\\), \\d+ bytes$`).test(l))).toBe(true);
      expect(bob.log.some((l) => /^SIP datagram /.test(l))).toBe(false);
      for (const host of [alice, bob]) {
        const { received, dropped } = endedCallMedia(host.log);
        expect(received).toBeGreaterThan(5);
        expect(dropped).toBe(0);
      }
      if (transport === 'tls') expect(bob.log.some((l) => /^listening for SIP over TLS on 127\.0\.0\.1:\d+$/.test(l))).toBe(true);
    } finally {
      await alice.stop();
      await bob.stop();
    }
  });
});
