// The seed paper's offer shape (Fig. 6) from our phone (XS engine, SRTP Optional, "fallback in one
// offer" on) to baresip (Debian's 1.0, auto-answer), through a relay that counts the INVITEs:
// baresip with plain RTP, with SDES best effort (mediaenc=srtp) and with SDES mandatory. baresip
// reads both m= lines and answers as RFC 3264 §6 says (the line it cannot take at port 0): plain,
// it takes the AVP line at once; with SDES it takes the SAVP line of the MIKEY offer with an
// a=crypto line of its own that was never offered, so the phone ends that call and offers SDES.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Key } from '../../hal/contracts.js';
import { DesktopHost } from '../../sim/host.js';
import { startBaresip, type Baresip } from '../support/baresip.js';
import { devCredentials, endedCallMedia, freePort, presetSettings, until } from '../support/desktop-phones.js';
import { invites, startSipRelay } from '../support/sip-relay.js';

const mLines = (message: string) => message.split('\r\n').filter((l) => l.startsWith('m='));

describe('the paper offer shape to baresip', () => {
  const dir = mkdtempSync(join(tmpdir(), 'two-lines-baresip-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;

  /** Our phone calls baresip with `mediaenc`; returns the INVITEs, baresip's answers and both screens once connected. */
  async function call(mediaenc: string | undefined, fallback: boolean, during?: (phone: DesktopHost, baresip: Baresip) => Promise<void>, sdesOverNonTls = true): Promise<{ invites: string[]; answers: string[]; screen: string; phoneLog: string[]; baresipLog: string }> {
    const run = `${n++}`;
    const bdir = mkdtempSync(join(dir, `b${run}-`));
    const sipPort = await freePort();
    const baresip = startBaresip({ dir: bdir, sipPort, ctrlPort: await freePort(), user: '7002', mediaenc, rtpPorts: '42400-42500' });
    const relay = await startSipRelay(sipPort);
    let phone: DesktopHost | undefined;
    try {
      await until(() => baresip.log().includes('baresip is ready'), 'baresip to start', 15000);
      const flashPath = join(dir, `p${run}.flash`);
      // baresip speaks UDP: the phone offers its SDES rung there only with the setting (issue 14).
      presetSettings(flashPath, (s) => ({ ...s, srtpMode: 'Optional', fallbackInOneOffer: fallback, sdesOverNonTls }));
      // The relay counts UDP datagrams: the phone keeps to UDP (with Auto, a MIKEY INVITE over 1,300 bytes goes over TCP, RFC 3261 §18.1.1).
      phone = await DesktopHost.start({ identity: { displayName: 'P', user: '7001', sipPort: 0, tlsPort: 0, transport: 'udp', outboundProxy: `127.0.0.1:${relay.port}` }, provision: devCredentials(dir, ['7001'])('7001'), flashPath });
      for (const k of ['7', '0', '0', '2', 'OK'] as Key[]) await phone.pressKey(k);
      const p = phone;
      await until(() => p.screen[0] === 'Connected', `the call to connect\n${p.log.join('\n')}\n${baresip.log().slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 1000));
      const screen = p.screen[2];
      await during?.(p, baresip);
      await p.pressKey('Hangup');
      await until(() => p.screen[3] === 'Call ended', 'the call to end');
      const { received, dropped } = endedCallMedia(p.log);
      expect(received).toBeGreaterThan(10);
      expect(dropped).toBe(0);
      const answers = relay.responses.filter((r) => /^SIP\/2\.0 [2-6]\d\d /.test(r) && /CSeq: \d+ INVITE/.test(r));
      return { invites: invites(relay.requests), answers, screen, phoneLog: p.log, baresipLog: baresip.log() };
    } finally {
      await phone?.stop();
      baresip.child.kill('SIGKILL');
      await relay.close();
    }
  }

  const protocols = (messages: string[]) => messages.map((m) => mLines(m).map((l) => l.split(' ').slice(1, 3).join(' ')));

  it('plain baresip takes the AVP line and disables the SAVP line with port 0: 1 INVITE, 3 without the setting', async () => {
    // Holds from either side: re-offers and answers with both m= lines, the SAVP one at port 0 (RFC 3264 §8).
    const one = await call(undefined, true, async (p, baresip) => {
      await p.pressKey('Down');
      await until(() => p.screen[0] === 'On hold', 'baresip to take our hold');
      await p.pressKey('Down');
      await until(() => p.screen[0] === 'Connected', 'baresip to take our resume');
      const ctrl = await baresip.control();
      try {
        await ctrl.command('hold', '');
        await until(() => p.screen[0] === 'Held by peer', "baresip's hold to reach us");
        await ctrl.command('resume', '');
        await until(() => p.screen[0] === 'Connected', "baresip's resume to reach us");
      } finally {
        ctrl.close();
      }
    });
    expect(one.screen).toBe('NOT ENCRYPTED');
    expect(protocols(one.invites)).toEqual([[expect.stringMatching(/^[1-9]\d* RTP\/SAVP$/), expect.stringMatching(/^[1-9]\d* RTP\/AVP$/)]]);
    expect(protocols(one.answers)).toEqual([['0 RTP/SAVP', expect.stringMatching(/^[1-9]\d* RTP\/AVP$/)]]);
    const three = await call(undefined, false);
    expect(three.screen).toBe('NOT ENCRYPTED');
    expect(protocols(three.invites).map((i) => i.map((l) => l.split(' ')[1]))).toEqual([['RTP/SAVP'], ['RTP/SAVP'], ['RTP/AVP']]);
  });

  for (const mediaenc of ['srtp', 'srtp-mand']) {
    it(`SDES baresip (${mediaenc}) answers the MIKEY line with an a=crypto never offered, then takes the SDES line of the second offer: 2 INVITEs`, async () => {
      const r = await call(mediaenc, true);
      expect(r.screen).toMatch(/^\uE000 SDES /);
      expect(r.invites).toHaveLength(2);
      for (const i of protocols(r.invites)) expect(i.map((l) => l.split(' ')[1])).toEqual(['RTP/SAVP', 'RTP/AVP']);
      // Both answers take the SAVP line with baresip's own a=crypto and disable the AVP line.
      for (const a of r.answers) {
        expect(protocols([a])[0]).toEqual([expect.stringMatching(/^[1-9]\d* RTP\/SAVP$/), '0 RTP/AVP']);
        expect(a).toMatch(/\r\na=crypto:\d+ AES_CM_128_HMAC_SHA1_80 inline:/);
      }
      expect(r.phoneLog.some((l) => l.includes('the answer carries no MIKEY response'))).toBe(true);
    });
  }

  it('SDES baresip (srtp, best effort) with SDES not offered over UDP: after its a=crypto answer to MIKEY, a plain offer it takes: 2 INVITEs', async () => {
    const r = await call('srtp', true, undefined, false);
    expect(r.screen).toBe('NOT ENCRYPTED');
    expect(protocols(r.invites).map((i) => i.map((l) => l.split(' ')[1]))).toEqual([['RTP/SAVP', 'RTP/AVP'], ['RTP/AVP']]);
  });
});
