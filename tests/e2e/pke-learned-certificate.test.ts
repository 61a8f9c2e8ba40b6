// PKE needs the responder's certificate beforehand (RFC 3830 §3.2, §4.2.2). Two phones that rank
// PKE first but hold no certificate of each other key their first call with signed DH; each keeps
// the other's certificate from that authenticated exchange (CERTr in the caller's R_MESSAGE, CERTi
// in the callee's I_MESSAGE) in flash, and the second call is keyed with PKE.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTable } from '../../modules/negotiation/table.js';
import { openPhoneStore } from '../../modules/settings/phone-store.js';
import { FlashFile } from '../../sim/flash-file.js';
import { callAndAnswer, devCredentials, presetSettings, startPair, until } from '../support/desktop-phones.js';

function storedPeerCertificates(flashPath: string): Readonly<Record<string, string>> {
  const flash = new FlashFile(flashPath);
  try {
    return openPhoneStore(flash).settings.peerCertificates;
  } finally {
    flash.close();
  }
}

describe('a peer certificate learned from a signed exchange', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pke-learned-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('makes the next call PKE, and is kept in flash', async () => {
    const [aliceFlash, bobFlash] = [join(dir, '4001.flash'), join(dir, '4002.flash')];
    const table = parseTable('PKE,DH;AES_CM_128_HMAC_SHA1_80');
    presetSettings(aliceFlash, (s) => ({ ...s, priorities: table }));
    presetSettings(bobFlash, (s) => ({ ...s, priorities: table }));
    const { alice, bob } = await startPair(dir, ['4001', '4002']);
    const provision = devCredentials(dir, ['4001', '4002']);
    const call = async () => {
      await callAndAnswer(alice, bob, '4002');
      const screens = [alice.screen[2], bob.screen[2]];
      await alice.pressKey('Hangup');
      await until(() => bob.screen[3] === 'Call ended', 'the call to end');
      return screens;
    };
    try {
      expect(await call()).toEqual(['\uE000 DH CM128/80', '\uE000 DH CM128/80']);
      expect(await call()).toEqual(['\uE000 PKE CM128/80', '\uE000 PKE CM128/80']);
    } finally {
      await alice.stop();
      await bob.stop();
    }
    // The certificates the development CA issued to each (independent of what the phones sent).
    expect(storedPeerCertificates(aliceFlash)).toEqual({ 'sip:4002@127.0.0.1': provision('4002').ownChain[0] });
    expect(storedPeerCertificates(bobFlash)).toEqual({ 'sip:4001@127.0.0.1': provision('4001').ownChain[0] });
  });
});
