// npm start phones know each other: the other development phones' certificates (for PKE) and the
// shared development PSK go into a phone's flash before it boots, without overwriting what the
// flash already holds.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSettingsStore } from '../../modules/settings/store.js';
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
      const s = openSettingsStore(flash).settings;
      expect(s.peerCertificates).toEqual({
        'sip:bob@127.0.0.1': toBase64(keys.phones.get('sip:bob@127.0.0.1')!.certificate),
        'sip:carol@127.0.0.1': toBase64(keys.phones.get('sip:carol@127.0.0.1')!.certificate),
      });
      expect(s.peerKeys).toEqual({ 'sip:bob@127.0.0.1': typed, 'sip:carol@127.0.0.1': toHex(keys.psk) });
    } finally {
      flash.close();
    }
  });

  it('stops adding peers when the settings slot is full, and the settings stay readable', () => {
    const many = Array.from({ length: 16 }, (_, i) => `sip:phone${i}@127.0.0.1`);
    const crowdDir = join(dir, 'crowd');
    const crowd = ensureDevKeys(crowdDir, many, { bits: 1024 });
    const flashPath = join(dir, 'phone0.flash');
    const held = provisionDevPeers(flashPath, crowdDir, crowd, many[0]);
    expect(held).toBeGreaterThan(0);
    expect(held).toBeLessThan(many.length - 1);
    const flash = new FlashFile(flashPath);
    try {
      expect(Object.keys(openSettingsStore(flash).settings.peerCertificates)).toHaveLength(held);
    } finally {
      flash.close();
    }
  });
});
