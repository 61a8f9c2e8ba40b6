// The INVITE `phonectl mikey offer` prints (a valid RFC 3830 offer with one crypto session), sent
// over UDP to a phone on the desktop XS host: the phone answers 488 with a Warning naming the
// reason, never rings, keeps running (it answers OPTIONS), and once the 488 is acknowledged holds
// no call or transaction. See docs/mikey.md ("One crypto session per direction").
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DesktopHost } from '../../sim/host.js';
import { devCredentials, freePort, until } from '../support/desktop-phones.js';
import { phonectl } from '../support/phonectl.js';

const FROM = 'sip:9001@127.0.0.1';
const TO = 'sip:9002@127.0.0.1';

describe('a phonectl-made one-session offer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'one-session-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(['psk', 'rsa-r'])('--mode %s: 488 with the reason, no ringing, nothing left behind', async (mode) => {
    const provision = devCredentials(dir, ['9001', '9002']);
    const out = phonectl(['mikey', 'offer', '--mode', mode, '--from', FROM, '--to', TO, '--keys', join(dir, 'keys')]);
    expect(out.status).toBe(0);
    const port = await freePort();
    const screens: string[] = [];
    const phone = await DesktopHost.start({
      identity: { displayName: 'Bob', user: '9002', sipPort: port, tlsPort: 0 },
      provision: provision('9002'),
      flashPath: join(dir, `${mode}.flash`),
      onDisplay: (lines) => void screens.push(lines[0]),
    });
    const peer = createSocket('udp4');
    const replies: string[] = [];
    peer.on('message', (m) => replies.push(m.toString('latin1')));
    await new Promise<void>((r) => peer.bind(0, '127.0.0.1', () => r()));
    const send = (text: string) => new Promise<void>((r) => peer.send(Buffer.from(text, 'latin1'), port, '127.0.0.1', () => r()));
    try {
      await send(out.stdout);
      await until(() => replies.some((r) => r.startsWith('SIP/2.0 488 ')), 'the 488', 30_000);
      const refusal = replies.find((r) => r.startsWith('SIP/2.0 488 '))!;
      expect(refusal).toMatch(/^Warning: 399 127\.0\.0\.1:\d+ "the offer has 1 crypto session; a call needs one per direction"\r$/m);
      expect(replies.map((r) => r.split('\r\n')[0])).toEqual(['SIP/2.0 100 Trying', 'SIP/2.0 488 Not Acceptable Here']);
      expect(phone.log).toContainEqual(expect.stringMatching(/refused: the offer has 1 crypto session; a call needs one per direction$/));
      expect(screens).not.toContain('Incoming call');
      // The ACK for the 488 (RFC 3261 §17.1.1.3), then the server transaction ends after Timer I.
      const head = (name: string) => new RegExp(`^${name}: .*$`, 'm').exec(out.stdout)![0];
      const to = /^To: .*$/m.exec(refusal)![0].replace(/\r$/, '');
      await send([`ACK ${TO} SIP/2.0`, head('Via'), 'Max-Forwards: 70', head('From'), to, head('Call-ID'), 'CSeq: 1 ACK', 'Content-Length: 0', '', ''].join('\r\n'));
      await new Promise((r) => setTimeout(r, 5_500));
      expect((await phone.resources()).phone).toMatchObject({ call: 0, uaCalls: 0, transactions: 0 });
      // The phone keeps running: OPTIONS is answered.
      await send(['OPTIONS sip:9002@127.0.0.1 SIP/2.0', 'Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKopt1', 'Max-Forwards: 70', `From: <${FROM}>;tag=o1`, `To: <${TO}>`, 'Call-ID: opt1@127.0.0.1', 'CSeq: 1 OPTIONS', 'Content-Length: 0', '', ''].join('\r\n'));
      await until(() => replies.some((r) => r.startsWith('SIP/2.0 200 ') && r.includes('CSeq: 1 OPTIONS')), 'the 200 to OPTIONS');
    } finally {
      peer.close();
      await phone.stop();
    }
  }, 60_000);
});
