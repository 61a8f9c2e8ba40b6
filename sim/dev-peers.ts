// What a development phone (npm start) knows of the other development phones before it boots:
// the certificates the development CA issued to them (settings.peerCertificates, so PKE can be
// offered to them: RFC 3830 §3.2 needs the responder's certificate beforehand) and the shared
// development PSK (settings.peerKeys, for PSK and DHHMAC). Peers are the phones whose keys are in
// the keys directory, i.e. every phone started at least once. Entries the flash already holds are
// kept (a PSK typed in the menu, a certificate learned in a call). Never for production use.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeSipUri } from '../modules/pki/identity.js';
import { parseCertificate } from '../modules/pki/x509.js';
import type { Settings } from '../modules/settings/model.js';
import { openPhoneStore } from '../modules/settings/phone-store.js';
import { toBase64, toHex } from '../modules/util/bytes.js';
import { withDevKeysLock, type DevKeys } from './dev-keys.js';
import { FlashFile } from './flash-file.js';

/**
 * The development phones' certificates in `dir` (DER, by the SIP URI they name), except `selfUri`'s,
 * read under the keys directory's lock: a phone starting meanwhile may be writing its own.
 */
export function devPeerCertificates(dir: string, selfUri: string): Map<string, Uint8Array> {
  const self = normalizeSipUri(selfUri);
  const peers = new Map<string, Uint8Array>();
  withDevKeysLock(dir, () => {
    for (const file of readdirSync(dir).sort()) {
      if (!file.endsWith('.der') || file.endsWith('.key.der') || file === 'ca.der') continue;
      const der = new Uint8Array(readFileSync(join(dir, file)));
      const uri = parseCertificate(der).subjectAltNameUris.map(normalizeSipUri).find((u) => u !== undefined);
      if (uri && uri !== self) peers.set(uri, der);
    }
  });
  return peers;
}

/** The settings with every development peer's certificate and the development PSK added where missing. */
export function withDevPeers(settings: Settings, peers: ReadonlyMap<string, Uint8Array>, psk: Uint8Array): Settings {
  const peerCertificates: Record<string, string> = {};
  const peerKeys: Record<string, string> = {};
  for (const [uri, der] of peers) {
    peerCertificates[uri] = toBase64(der);
    peerKeys[uri] = toHex(psk);
  }
  return { ...settings, peerCertificates: { ...peerCertificates, ...settings.peerCertificates }, peerKeys: { ...peerKeys, ...settings.peerKeys } };
}

/**
 * Writes the development peers into the phone's flash image (the peer store's power-cut-safe
 * save), before it boots: first every peer's PSK while keys fit, then their certificates while the
 * peer store keeps them without evicting anything (a development phone never pushes out what the
 * phone learned; the peers left without a certificate stay the same from one start to the next).
 * At most two saves, none when the flash already holds it all. Returns how many peers have a PSK.
 */
export function provisionDevPeers(flashPath: string, keysDir: string, keys: DevKeys, selfUri: string): number {
  const flash = new FlashFile(flashPath);
  try {
    const store = openPhoneStore(flash);
    const peers = devPeerCertificates(keysDir, selfUri);
    /** `add` applied for each peer in turn, as long as the store keeps everything. */
    const grow = (start: Settings, add: (s: Settings, uri: string, der: Uint8Array) => Settings): Settings => {
      let settings = start;
      for (const [uri, der] of peers) {
        const next = add(settings, uri, der);
        if (store.keepsAll(next)) settings = next;
      }
      return settings;
    };
    const withKeys = grow(store.settings, (s, uri, der) => {
      const both = withDevPeers(s, new Map([[uri, der]]), keys.psk);
      return { ...both, peerCertificates: s.peerCertificates };
    });
    if (JSON.stringify(withKeys) !== JSON.stringify(store.settings)) store.save(withKeys);
    const withCertificates = grow(store.settings, (s, uri, der) => withDevPeers(s, new Map([[uri, der]]), keys.psk));
    if (JSON.stringify(withCertificates) !== JSON.stringify(store.settings)) store.save(withCertificates);
    return [...peers.keys()].filter((uri) => store.settings.peerKeys[uri] !== undefined).length;
  } finally {
    flash.close();
  }
}
