// npm start phones know each other: the other development phones' certificates (for PKE) and the
// shared development PSK go into a phone's flash before it boots, without overwriting what the
// flash already holds.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPhoneStore } from '../../modules/settings/phone-store.js';
import { toBase64, toHex } from '../../modules/util/bytes.js';
import { ensureDevKeys } from '../../sim/dev-keys.js';
import { devPeerCertificates, provisionDevPeers } from '../../sim/dev-peers.js';
import { FlashFile } from '../../sim/flash-file.js';
import { presetSettings } from '../support/desktop-phones.js';

describe('development peers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dev-peers-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const uris = ['sip:alice@127.0.0.1', 'sip:bob@127.0.0.1', 'sip:carol@127.0.0.1'];
  const keysDir = join(dir, 'keys');
  const keys = ensureDevKeys(keysDir, uris, { bits: 1024 });

  it('lists every other phone with keys in the directory, by the URI its certificate names', () => {
    const peers = devPeerCertificates(keysDir, 'sip:alice@127.0.0.1');
    expect([...peers.keys()]).toEqual(['sip:bob@127.0.0.1', 'sip:carol@127.0.0.1']);
    expect(peers.get('sip:bob@127.0.0.1')).toEqual(keys.phones.get('sip:bob@127.0.0.1')!.certificate);
  });

  it('writes their certificates and the PSK into flash, keeping entries already there', () => {
    const flashPath = join(dir, 'alice.flash');
    const typed = '11'.repeat(16);
    presetSettings(flashPath, (s) => ({ ...s, peerKeys: { 'sip:bob@127.0.0.1': typed } }));
    expect(provisionDevPeers(flashPath, keysDir, keys, 'sip:alice@127.0.0.1')).toBe(2);
    const flash = new FlashFile(flashPath);
    try {
      const s = openPhoneStore(flash).settings;
      expect(s.peerCertificates).toEqual({
        'sip:bob@127.0.0.1': toBase64(keys.phones.get('sip:bob@127.0.0.1')!.certificate),
        'sip:carol@127.0.0.1': toBase64(keys.phones.get('sip:carol@127.0.0.1')!.certificate),
      });
      expect(s.peerKeys).toEqual({ 'sip:bob@127.0.0.1': typed, 'sip:carol@127.0.0.1': toHex(keys.psk) });
    } finally {
      flash.close();
    }
  });

  it('gives every peer its PSK, certificates while they fit without evicting, and rewrites nothing at the next start', () => {
    const many = Array.from({ length: 24 }, (_, i) => `sip:phone${String(i).padStart(2, '0')}@127.0.0.1`);
    const crowdDir = join(dir, 'crowd');
    const crowd = ensureDevKeys(crowdDir, many, { bits: 1024 });
    const flashPath = join(dir, 'phone00.flash');
    expect(provisionDevPeers(flashPath, crowdDir, crowd, many[0])).toBe(many.length - 1);
    const read = () => {
      const flash = new FlashFile(flashPath);
      try {
        return { image: flash.image.slice(), settings: openPhoneStore(flash).settings };
      } finally {
        flash.close();
      }
    };
    const first = read();
    expect(Object.keys(first.settings.peerKeys)).toEqual(many.slice(1));
    const certified = Object.keys(first.settings.peerCertificates);
    expect(certified.length).toBeGreaterThan(3);
    expect(certified.length).toBeLessThan(many.length - 1);
    // The first ones in order: what fits without pushing anything out.
    expect(certified).toEqual(many.slice(1, 1 + certified.length));
    // The settings record holds no peers: it cannot overflow with them.
    const settingsHalf = first.image.subarray(0, first.image.length / 2);
    expect(new TextDecoder('latin1').decode(settingsHalf)).not.toContain('phone01@');
    expect(provisionDevPeers(flashPath, crowdDir, crowd, many[0])).toBe(many.length - 1);
    expect(read().image).toEqual(first.image);
  });
});
