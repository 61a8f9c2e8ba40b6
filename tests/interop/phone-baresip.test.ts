// A call from our phone (XS engine) to a real SDES phone: baresip with its srtp module mandatory
// (mediaenc=srtp-mand) and auto-answer. baresip does not speak MIKEY: it answers the MIKEY offer
// with an a=crypto line of its own that was never offered, so the phone ends that call and offers
// SDES; baresip then answers one of the offered lines and audio flows both ways, each side's SRTP
// authenticating the other's packets.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Key } from '../../hal/contracts.js';
import { phoneAndBaresip } from '../support/baresip.js';
import { endedCallMedia, until } from '../support/desktop-phones.js';

describe('a call to baresip (SDES, SRTP mandatory)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'phone-baresip-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('steps from MIKEY to SDES and talks over SRTP with baresip', async () => {
    const { baresip, phone: p, stop } = await phoneAndBaresip(dir, '7001', '7002', '42000-42100');
    try {
      for (const k of ['7', '0', '0', '2', 'OK'] as Key[]) await p.pressKey(k);
      await until(() => p.screen[0] === 'Connected', `the SDES call to connect\n${baresip.log().slice(-1500)}`);
      expect(p.screen[2]).toMatch(/^\uE000 SDES /);
      expect(p.log.some((l) => l.includes('the answer carries no MIKEY response'))).toBe(true);
      await new Promise((r) => setTimeout(r, 1500));
      await p.pressKey('Hangup');
      await until(() => p.screen[3] === 'Call ended', 'the call to end');
      const { received, dropped } = endedCallMedia(p.log);
      // baresip's SRTP packets authenticated and decrypted here, none refused.
      expect(received).toBeGreaterThan(20);
      expect(dropped).toBe(0);
      // And ours at baresip: it keyed SRTP and took our packets, with no unprotect failure logged.
      expect(baresip.log()).toContain('SRTP is Enabled (cryptosuite=AES_CM_128_HMAC_SHA1_80)');
      expect(baresip.log()).toContain("incoming rtp for 'audio' established");
      expect(baresip.log()).not.toMatch(/unprotect|auth.*fail/i);
    } finally {
      await stop();
    }
  });
});
