// DTMF with a real RFC 4733 implementation: baresip (SDES, SRTP mandatory, auto-answer) takes a
// call from our phone on the XS engine. Digits baresip sends (its menu's sndcode command, driven
// over ctrl_tcp) arrive as SRTP-protected telephone-events and show on our phone's screen; digits
// pressed on our phone are reported by baresip as received DTMF.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Key } from '../../hal/contracts.js';
import { phoneAndBaresip } from '../support/baresip.js';
import { until } from '../support/desktop-phones.js';

describe('DTMF with baresip (RFC 4733 over SDES-keyed SRTP)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dtmf-baresip-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('shows the digits baresip sends, and baresip receives ours', async () => {
    const { baresip, ctrl, phone: p, stop } = await phoneAndBaresip(dir, '7101', '7102');
    try {
      for (const k of ['7', '1', '0', '2', 'OK'] as Key[]) await p.pressKey(k);
      await until(() => p.screen[0] === 'Connected', `the call to connect\n${baresip.log().slice(-1500)}`);
      expect(p.screen[2]).toMatch(/^\uE000 SDES /);
      const reply = await ctrl.command('sndcode', '4');
      await until(() => p.screen[3] === 'DTMF: 4', `the phone to show baresip's digit (screen ${p.screen.join('|')})\n${JSON.stringify(reply)}\n${baresip.log().slice(-1500)}`);
      for (const k of ['9', '#'] as Key[]) await p.pressKey(k);
      // baresip reports each event's start (with the digit) and its end (our E-bit packets).
      const dtmf = (type: string) => ctrl.messages.filter((m) => m.type === type);
      await until(() => dtmf('CALL_DTMF_END').length >= 2, `baresip to receive our DTMF\n${JSON.stringify(ctrl.messages)}`);
      expect(dtmf('CALL_DTMF_START').map((m) => m.param)).toEqual(['9', '#']);
      expect(p.screen[3]).toBe('S:9# R:4');
      await p.pressKey('Hangup');
      await until(() => p.screen[3] === 'Call ended', 'the call to end');
      // Nothing refused by SRTP on our side; baresip's one event counted once, however many packets carried it.
      expect(p.log.find((l) => / ended: sent/.test(l))).toMatch(/dropped 0, .*dtmf sent 2, dtmf received 1$/);
    } finally {
      await stop();
    }
  });
});
