// SDES (RFC 4568) keys travel in the SDP in clear, so they are only as safe as the SIP transport:
// RFC 4568 §8.3 asks for TLS. Against baresip (SDES only, SRTP mandatory, auto-answer), our phone
// with SRTP Mandatory steps from MIKEY to SDES when its account is on TLS — baresip's TLS port,
// whose certificate the phone checks against its development CA and the address 127.0.0.1 — and
// audio flows both ways over SRTP. On TCP, with SDES over a non-TLS transport off (the default),
// the same phone never offers a=crypto and the call fails after MIKEY.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Key } from '../../hal/contracts.js';
import { phoneAndBaresip } from '../support/baresip.js';
import { endedCallMedia, until } from '../support/desktop-phones.js';

describe('SDES with baresip over SIP streams', () => {
  const dir = mkdtempSync(join(tmpdir(), 'baresip-tls-sdes-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('over TLS: steps from MIKEY to SDES and talks over SRTP with baresip', async () => {
    const sub = join(dir, 'tls');
    mkdirSync(sub);
    const { baresip, phone: p, stop } = await phoneAndBaresip(sub, '7501', '7502', '42600-42700', {}, 'tls');
    try {
      for (const k of ['7', '5', '0', '2', 'OK'] as Key[]) await p.pressKey(k);
      await until(() => p.screen[0] === 'Connected', `the SDES call to connect over TLS\n${baresip.log().slice(-1500)}`, 30000);
      expect(p.screen[2]).toMatch(/^\uE000 SDES /);
      expect(p.log.some((l) => l.includes('offering sdes'))).toBe(true);
      await new Promise((r) => setTimeout(r, 1500));
      await p.pressKey('Hangup');
      await until(() => p.screen[3] === 'Call ended', 'the call to end');
      const { received, dropped } = endedCallMedia(p.log);
      expect(received).toBeGreaterThan(20);
      expect(dropped).toBe(0);
      // The signalling went over one TLS connection to baresip (SDES and all), none over TCP.
      expect(p.log.filter((l) => /SIP connection \d+: (TLS|TCP) to/.test(l))).toEqual([expect.stringMatching(/SIP connection 1: TLS to 127\.0\.0\.1:\d+$/)]);
      expect(p.log.filter((l) => /^SIP over TLS from /.test(l)).length).toBeGreaterThanOrEqual(4);
      // baresip keyed SRTP from our a=crypto line.
      expect(baresip.log()).toContain('SRTP is Enabled (cryptosuite=AES_CM_128_HMAC_SHA1_80)');
      expect(baresip.log()).not.toMatch(/unprotect|auth.*fail/i);
    } finally {
      await stop();
    }
  });

  it('over TCP: offers no SDES, so the call to an SDES-only peer fails after MIKEY', async () => {
    const sub = join(dir, 'tcp');
    mkdirSync(sub);
    const { baresip, phone: p, stop } = await phoneAndBaresip(sub, '7503', '7504', '42700-42800', {}, 'tcp');
    try {
      for (const k of ['7', '5', '0', '4', 'OK'] as Key[]) await p.pressKey(k);
      await until(() => p.screen[3] === 'Security failed', `the call to fail\n${p.screen.join('|')}\n${baresip.log().slice(-1500)}`, 30000);
      expect(p.log.filter((l) => /SIP connection \d+: (TLS|TCP) to/.test(l))).toEqual([expect.stringMatching(/SIP connection 1: TCP to 127\.0\.0\.1:\d+$/)]);
      expect(p.log.some((l) => l.includes('the answer carries no MIKEY response'))).toBe(true);
      expect(p.log.some((l) => l.includes('offering sdes'))).toBe(false);
      expect(p.log.filter((l) => / connected with /.test(l))).toEqual([]);
    } finally {
      await stop();
    }
  });
});
