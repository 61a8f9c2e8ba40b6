// The priority negotiation in real calls between two phones on the XS engine. Alice prefers
// RSA-R then DH and AES_CM_128_HMAC_SHA1_80 then _32; Bob prefers DH then RSA-R and _32 then F8.
// Rank sums tie for the key agreements (1 each), so the stronger DH wins; only _32 is common. On the
// first call Alice offers her favourite RSA-R: Bob answers 488 with his table and Alice re-offers
// with DH (one extra round trip). She remembers Bob's table, so the second call needs one. A callee
// that cannot use the offered PSK at all still answers with its table, and the call is DH, not SDES.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTable } from '../../modules/negotiation/table.js';
import { callAndAnswer, presetSettings, startPair, until } from '../support/desktop-phones.js';

describe('priority negotiation in calls', () => {
  const dir = mkdtempSync(join(tmpdir(), 'priority-call-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('settles on DH with AES_CM_128_HMAC_SHA1_32, re-offering once on the first call only', async () => {
    presetSettings(join(dir, '2001.flash'), (s) => ({ ...s, priorities: parseTable('RSA-R,DH;AES_CM_128_HMAC_SHA1_80,AES_CM_128_HMAC_SHA1_32') }));
    presetSettings(join(dir, '2002.flash'), (s) => ({ ...s, priorities: parseTable('DH,RSA-R;AES_CM_128_HMAC_SHA1_32,AES_F8_128_HMAC_SHA1_80') }));
    const { alice, bob } = await startPair(dir, ['2001', '2002']);

    const call = async () => {
      await callAndAnswer(alice, bob, '2002');
      const screens = [alice.screen[2], bob.screen[2]];
      await new Promise((r) => setTimeout(r, 300));
      await alice.pressKey('Hangup');
      await until(() => bob.screen[3] === 'Call ended', 'the call to end');
      return screens;
    };
    try {
      expect(await call()).toEqual(['\uE000 DH CM128/32', '\uE000 DH CM128/32']);
      expect(bob.log.filter((l) => l.includes('offered RSA-R, the tables give DH: 488'))).toHaveLength(1);
      expect(alice.log.filter((l) => l.includes("the callee's table points to DH; offering again"))).toHaveLength(1);

      expect(await call()).toEqual(['\uE000 DH CM128/32', '\uE000 DH CM128/32']);
      // The second call was keyed on the first offer: no new 488, no new re-offer.
      expect(bob.log.filter((l) => l.includes(': 488 with this table'))).toHaveLength(1);
      expect(alice.log.filter((l) => l.includes('offering again'))).toHaveLength(1);
    } finally {
      await alice.stop();
      await bob.stop();
    }
  });

  it('re-offers with DH when the callee has no PSK for the caller: its 488 carries its table without PSK', async () => {
    // Alice holds a PSK for Bob, Bob none for Alice (as a phone started before the other knows
    // nothing of it); both rank PSK first, as the factory table does.
    presetSettings(join(dir, '2101.flash'), (s) => ({ ...s, peerKeys: { 'sip:2102@127.0.0.1': '42'.repeat(32) } }));
    const { alice, bob } = await startPair(dir, ['2101', '2102']);
    try {
      await callAndAnswer(alice, bob, '2102');
      expect([alice.screen[2], bob.screen[2]]).toEqual(['\uE000 DH CM128/80', '\uE000 DH CM128/80']);
      expect(bob.log.filter((l) => l.endsWith('PSK cannot be used with sip:2101@127.0.0.1: 488 with this table'))).toHaveLength(1);
      expect(alice.log.filter((l) => l.includes("the callee's table points to DH; offering again"))).toHaveLength(1);
      expect(alice.log.some((l) => l.includes('offering sdes'))).toBe(false);
      await alice.pressKey('Hangup');
      await until(() => bob.screen[3] === 'Call ended', 'the call to end');
    } finally {
      await alice.stop();
      await bob.stop();
    }
  });
});
