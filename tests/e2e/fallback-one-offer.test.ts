// The seed paper's offer shape (Fig. 6) between two phones of ours on the XS engine, through a SIP
// relay that counts the INVITEs: with "fallback in one offer" on, the caller's offer has an RTP/SAVP
// line keyed by MIKEY and a plain RTP/AVP line; a MIKEY callee takes the first, a callee with SRTP
// off the second, each in one INVITE, the other line at port 0 in the answer (RFC 3264 §6).
// Without the setting the plain callee costs three INVITEs (MIKEY, SDES, plain RTP).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Key } from '../../hal/contracts.js';
import type { SrtpMode } from '../../modules/negotiation/capabilities.js';
import type { Settings } from '../../modules/settings/model.js';
import { DesktopHost } from '../../sim/host.js';
import { answerTalkHangUp, devCredentials, freePort, presetSettings, until } from '../support/desktop-phones.js';
import { invites, startSipRelay, type SipRelay } from '../support/sip-relay.js';

const mLines = (message: string) => message.split('\r\n').filter((l) => l.startsWith('m='));

describe('fallback in one offer, phone to phone', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fallback-one-offer-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const provision = devCredentials(dir, ['3001', '3002']);
  let n = 0;

  async function call(caller: { mode: SrtpMode; fallback: boolean }, callee: { mode: SrtpMode }): Promise<{ alice: DesktopHost; bob: DesktopHost; relay: SipRelay; stop: () => Promise<void> }> {
    const run = n++;
    const b = await freePort();
    const relay = await startSipRelay(b);
    // The relay counts UDP datagrams: both phones keep to UDP (with Auto, a MIKEY INVITE over 1,300
    // bytes goes over TCP, RFC 3261 §18.1.1), where the caller offers its SDES rung only with the
    // setting (issue 14).
    const udp = (s: Settings): Settings => ({ ...s, account: { ...s.account, transport: 'udp' } });
    presetSettings(join(dir, `a${run}.flash`), (s) => ({ ...udp(s), srtpMode: caller.mode, fallbackInOneOffer: caller.fallback, sdesOverNonTls: true }));
    presetSettings(join(dir, `b${run}.flash`), (s) => ({ ...udp(s), srtpMode: callee.mode }));
    const alice = await DesktopHost.start({ identity: { displayName: 'A', user: '3001', sipPort: await freePort(), tlsPort: 0, outboundProxy: `127.0.0.1:${relay.port}` }, provision: provision('3001'), flashPath: join(dir, `a${run}.flash`) });
    const bob = await DesktopHost.start({ identity: { displayName: 'B', user: '3002', sipPort: b, tlsPort: 0 }, provision: provision('3002'), flashPath: join(dir, `b${run}.flash`) });
    for (const k of ['3', '0', '0', '2', 'OK'] as Key[]) await alice.pressKey(k);
    return { alice, bob, relay, stop: async () => { await alice.stop(); await bob.stop(); await relay.close(); } };
  }

  /** `holder` holds and resumes: its re-INVITEs and the answers keep both m= lines, one at port 0 (RFC 3264 §8). */
  async function holdAndResume(holder: DesktopHost, held: DesktopHost): Promise<void> {
    await holder.pressKey('Down');
    await until(() => holder.screen[0] === 'On hold' && held.screen[0] === 'Held by peer', 'the hold on both screens');
    await holder.pressKey('Down');
    await until(() => holder.screen[0] === 'Connected' && held.screen[0] === 'Connected', 'the resume on both screens');
  }

  it('reaches a MIKEY phone on the RTP/SAVP line in one INVITE; the answer disables the AVP line', async () => {
    const { alice, bob, relay, stop } = await call({ mode: 'Optional', fallback: true }, { mode: 'Optional' });
    try {
      const screens = await answerTalkHangUp(alice, bob, async () => {
        // A re-key (MIKEY on the SAVP line of a two-line re-offer) and the callee's hold.
        await alice.pressKey('Up');
        await until(() => alice.log.some((l) => / re-keyed \(/.test(l)), 'the re-key');
        await holdAndResume(bob, alice);
      });
      expect(screens[0]).toMatch(/^\uE000 /);
      expect(screens[1]).toBe(screens[0]);
      const sent = invites(relay.requests);
      expect(sent).toHaveLength(1);
      expect(mLines(sent[0])).toEqual([expect.stringMatching(/^m=audio [1-9]\d* RTP\/SAVP /), expect.stringMatching(/^m=audio [1-9]\d* RTP\/AVP /)]);
      const ok = relay.responses.find((r) => r.startsWith('SIP/2.0 200') && /CSeq: \d+ INVITE/.test(r))!;
      expect(mLines(ok)).toEqual([expect.stringMatching(/^m=audio [1-9]\d* RTP\/SAVP /), expect.stringMatching(/^m=audio 0 RTP\/AVP /)]);
      expect(bob.log.some((l) => l.includes('taking m= line 1 of 2 (RTP/SAVP)'))).toBe(true);
    } finally {
      await stop();
    }
  });

  it('reaches a phone with SRTP off on the RTP/AVP line in one INVITE', async () => {
    const { alice, bob, relay, stop } = await call({ mode: 'Optional', fallback: true }, { mode: 'Off' });
    try {
      expect(await answerTalkHangUp(alice, bob, () => holdAndResume(alice, bob))).toEqual(['NOT ENCRYPTED', 'NOT ENCRYPTED']);
      expect(invites(relay.requests)).toHaveLength(1);
      const ok = relay.responses.find((r) => r.startsWith('SIP/2.0 200') && /CSeq: \d+ INVITE/.test(r))!;
      expect(mLines(ok)).toEqual([expect.stringMatching(/^m=audio 0 RTP\/SAVP /), expect.stringMatching(/^m=audio [1-9]\d* RTP\/AVP /)]);
      expect(alice.log.some((l) => l.includes('the answer takes the plain RTP/AVP line of the offer'))).toBe(true);
    } finally {
      await stop();
    }
  });

  it('without the setting, the same plain phone takes three INVITEs (MIKEY, SDES, plain), each one m= line', async () => {
    const { alice, bob, relay, stop } = await call({ mode: 'Optional', fallback: false }, { mode: 'Off' });
    try {
      expect(await answerTalkHangUp(alice, bob)).toEqual(['NOT ENCRYPTED', 'NOT ENCRYPTED']);
      const sent = invites(relay.requests);
      expect(sent.map((i) => mLines(i).map((m) => m.split(' ')[2]))).toEqual([['RTP/SAVP'], ['RTP/SAVP'], ['RTP/AVP']]);
    } finally {
      await stop();
    }
  });

  it('a Mandatory caller never offers the AVP line, setting or not: the plain phone refuses, the call fails', async () => {
    const { alice, relay, stop } = await call({ mode: 'Mandatory', fallback: true }, { mode: 'Off' });
    try {
      await until(() => alice.screen[3]?.startsWith('488 ') ?? false, 'the refusal');
      const sent = invites(relay.requests);
      expect(sent.length).toBeGreaterThan(0);
      for (const i of sent) expect(mLines(i).map((m) => m.split(' ')[2])).toEqual(['RTP/SAVP']);
    } finally {
      await stop();
    }
  });
});
