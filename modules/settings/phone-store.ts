// The phone's flash: the settings store in the first half of the partition (8 KiB slots: 4 on a
// 64 KiB partition) and the peer store in the second half (16 KiB slots: 2), each power-cut safe
// on its own. Together they are one SettingsStore: `settings` holds the per-peer maps from the
// peer book, and a save writes the settings record without them and the peer record with them
// (each only when it changed), so the settings record can never overflow with peers. The peer
// book keeps its bound by the eviction rule of peer-book.ts.
//
// Migration: firmware before the peer store kept the peers in the settings record, in 8 KiB slots
// over the whole partition. At open, the newest settings record anywhere in the partition is
// found; when it lies in the peer half, or still carries peers, or old records remain in the peer
// half, the phone moves them (the one time boot writes): (a) that record is saved again into the
// settings half, numbered after it; (b) its peers, merged into the peer book, are saved in both
// slots of the peer half (this erases the old records there); (c) the settings are saved without
// peers. A power cut at any step leaves a
// record with the peers that the next boot migrates again. A migration that fails (a flash
// error) leaves the phone running on what it read, with a notice.
import type { Flash } from '../../hal/contracts.js';
import { utf8Decode } from '../util/bytes.js';
import { flashRegion } from './flash-region.js';
import { settingsFromJson, settingsToJson, type Settings } from './model.js';
import { bookFromSettings, fitBook, peerFields, type PeerBook } from './peer-book.js';
import { openPeerStore, PEER_SLOT_BYTES } from './peer-store.js';
import { isNewer, RECORD_MAGIC } from './record.js';
import { openSlots } from './slot-store.js';
import { DEFAULT_SLOT_BYTES, openSettingsStore, type SettingsStore } from './store.js';

/** The notice when learned data (a pinned table, a certificate) could not be kept. */
export const NOTICE_PEER_NOT_KEPT = 'Peer not kept: full';
/** The notice after a save that failed (refused, or a flash error): nothing of it was kept. */
export const NOTICE_NOT_SAVED = 'Settings not saved';
/** The notice when the peers of an older flash layout could not be moved to the peer store. */
export const NOTICE_NOT_MIGRATED = 'Peers not moved';

export interface PhoneStore extends SettingsStore {
  /** Peers whose learned data the last save evicted to make room (least recently used first). */
  readonly evicted: readonly string[];
  /** Whether saving `next` would keep all of it, evicting and dropping nothing. */
  keepsAll(next: Settings): boolean;
}

const NO_PEERS = { peerKeys: {}, learnedPeers: {}, peerCertificates: {} };

/** The settings without their per-peer maps: what the settings record holds. */
const withoutPeers = (s: Settings): Settings => ({ ...s, ...NO_PEERS });
const hasPeers = (s: Settings) => Object.keys(s.peerKeys).length + Object.keys(s.learnedPeers).length + Object.keys(s.peerCertificates).length > 0;
const sameJson = (a: Settings, b: Settings) => JSON.stringify(settingsToJson(a)) === JSON.stringify(settingsToJson(b));

export function openPhoneStore(flash: Flash): PhoneStore {
  const half = Math.floor(flash.sectorCount / 2);
  const settingsFlash = flashRegion(flash, 0, half);
  const peerFlash = flashRegion(flash, half, flash.sectorCount - half);
  // The newest settings record anywhere, in the slots of the layout before the peer store.
  const readSettings = (payload: Uint8Array) => settingsFromJson(JSON.parse(utf8Decode(payload)));
  const legacy = openSlots(flash, DEFAULT_SLOT_BYTES, RECORD_MAGIC, readSettings).newest;
  // Old settings records still in the peer half (its slots are not peer records yet).
  const oldInPeerHalf = openSlots(peerFlash, DEFAULT_SLOT_BYTES, RECORD_MAGIC, readSettings).newest !== undefined;
  const record = openSettingsStore(settingsFlash, DEFAULT_SLOT_BYTES, legacy?.sequence ?? 0);
  const peers = openPeerStore(peerFlash, Math.min(PEER_SLOT_BYTES, Math.floor(peerFlash.sectorCount / 2) * flash.sectorSize));

  const legacyNewer = legacy !== undefined && (record.sequence === 0 || isNewer(legacy.sequence, record.sequence));
  const found = legacyNewer ? legacy.value : record.settings;
  let book: PeerBook = peers.book;
  let settings: Settings = { ...record.settings, ...peerFields(book) };
  let notice = legacyNewer ? undefined : (record.notice ?? peers.notice);
  let evicted: readonly string[] = [];

  if (legacyNewer || hasPeers(found) || oldInPeerHalf) {
    // Entries already in the peer book win over the same peer's in the old record.
    const old = bookFromSettings(found, {}).book;
    try {
      const merged = fitBook({ ...old, ...book }, new Set(), peers.fits).book;
      if (legacyNewer) record.save(found);
      // Both peer slots, so that no old settings record stays in the peer half.
      peers.save(merged);
      peers.save(merged);
      record.save(withoutPeers(found));
      book = merged;
      settings = { ...record.settings, ...peerFields(book) };
      notice = undefined;
    } catch {
      // Keys alone too many for the peer store, or a flash error: run on what was read.
      book = { ...old, ...book };
      settings = { ...found, ...peerFields(book) };
      notice = NOTICE_NOT_MIGRATED;
    }
  }

  return {
    get settings() {
      return settings;
    },
    get notice() {
      return notice;
    },
    get evicted() {
      return evicted;
    },
    slotCount: record.slotCount,
    keepsAll(next: Settings) {
      try {
        const { book: wanted, touched } = bookFromSettings(next, book);
        const fitted = fitBook(wanted, touched, peers.fits);
        return fitted.evicted.length === 0 && fitted.dropped.length === 0;
      } catch {
        return false;
      }
    },
    save(next: Settings) {
      let fitted;
      try {
        const { book: wanted, touched } = bookFromSettings(next, book);
        // Refusals (a key that does not fit, invalid or too large settings) come before any write.
        fitted = fitBook(wanted, touched, peers.fits);
        const rest = withoutPeers(next);
        if (!sameJson(rest, record.settings)) record.save(rest);
        if (JSON.stringify(fitted.book) !== JSON.stringify(book)) peers.save(fitted.book);
      } catch (e) {
        // A flash error between the two records leaves the settings record new, the peers old.
        settings = { ...record.settings, ...peerFields(peers.book) };
        book = peers.book;
        notice = NOTICE_NOT_SAVED;
        throw e;
      }
      book = fitted.book;
      evicted = fitted.evicted;
      settings = { ...record.settings, ...peerFields(book) };
      notice = fitted.dropped.length > 0 ? NOTICE_PEER_NOT_KEPT : undefined;
    },
  };
}
