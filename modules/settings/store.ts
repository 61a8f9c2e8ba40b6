// The settings store over the HAL flash contract. The flash is divided into slots of whole
// sectors; each save writes the next slot round-robin (spreading erases over every sector), so
// the newest record is never touched by the save that replaces it:
//
//   save(n+1):  erase slot k+1  →  write record n+1 (header, payload, CRC)  →  write commit word
//
// A power cut during any of these leaves record n intact in slot k, and slot k+1 invalid (erased,
// partly written, or uncommitted). At boot, the committed record with the newest sequence number
// wins. A flash without any valid record gives factory defaults; one that holds data but no valid
// record, or a record of an unknown format version, gives factory defaults with a notice, and
// nothing is written until the user saves.
import type { Flash } from '../../hal/contracts.js';
import { utf8Decode, utf8Encode } from '../util/bytes.js';
import { factorySettings, SettingsError, settingsFromJson, settingsToJson, type Settings } from './model.js';
import { COMMIT_WORD, decodeRecord, encodeRecord, isNewer, RECORD_HEADER, recordSize } from './record.js';

/** Bytes a slot holds at least: room for a table, an account, a few dozen peers. */
export const DEFAULT_SLOT_BYTES = 8192;

export class SettingsTooLargeError extends SettingsError {
  override name = 'SettingsTooLargeError';
}

export interface SettingsStore {
  /** The settings in force. */
  readonly settings: Settings;
  /** Set when boot could not use what it found in flash; shown to the user. */
  readonly notice: string | undefined;
  /** Writes `next` as the newest record; on error nothing changes (the old settings stay). */
  save(next: Settings): void;
  /** How many slots the flash is divided into (for wear figures). */
  readonly slotCount: number;
}

interface Found {
  slot: number;
  sequence: number;
  settings: Settings;
}

export function openSettingsStore(flash: Flash, slotBytes = DEFAULT_SLOT_BYTES): SettingsStore {
  const sectorsPerSlot = Math.max(1, Math.ceil(slotBytes / flash.sectorSize));
  const slotCount = Math.floor(flash.sectorCount / sectorsPerSlot);
  if (slotCount < 2) throw new SettingsError('the settings flash needs room for two slots');
  const slotSize = sectorsPerSlot * flash.sectorSize;

  let newest: Found | undefined;
  let unreadable = 0;
  // Where a first save goes: an erased slot, else an unreadable one; never over a record of an
  // unknown version while another place exists.
  let firstErased: number | undefined;
  let firstCorrupt: number | undefined;
  let unknownVersion: number | undefined;
  for (let slot = 0; slot < slotCount; slot++) {
    const record = decodeRecord(flash.read(slot * slotSize, slotSize));
    if (record.status === 'erased') {
      firstErased ??= slot;
      continue;
    }
    if (record.status === 'unknown-version') {
      unknownVersion = record.version;
      continue;
    }
    if (record.status === 'corrupt') {
      firstCorrupt ??= slot;
      unreadable++;
      continue;
    }
    let settings: Settings;
    try {
      settings = settingsFromJson(JSON.parse(utf8Decode(record.payload)));
    } catch {
      firstCorrupt ??= slot;
      unreadable++;
      continue;
    }
    if (!newest || isNewer(record.sequence, newest.sequence)) newest = { slot, sequence: record.sequence, settings };
  }

  let notice: string | undefined;
  if (!newest && unknownVersion !== undefined) notice = `Settings v${unknownVersion} unknown: factory defaults`;
  else if (!newest && unreadable > 0) notice = 'Settings corrupt: factory defaults';

  let current = newest;
  let settings = newest?.settings ?? factorySettings();

  return {
    get settings() {
      return settings;
    },
    get notice() {
      return notice;
    },
    slotCount,
    save(next: Settings) {
      const payload = utf8Encode(JSON.stringify(settingsToJson(next)));
      // Check before touching the flash: a refused save loses nothing.
      settingsFromJson(JSON.parse(utf8Decode(payload)));
      if (recordSize(payload.length) > slotSize) {
        throw new SettingsTooLargeError(`settings need ${recordSize(payload.length)} bytes; a slot holds ${slotSize}`);
      }
      const slot = current ? (current.slot + 1) % slotCount : (firstErased ?? firstCorrupt ?? 0);
      const sequence = current ? (current.sequence + 1) >>> 0 : 1;
      const record = encodeRecord(sequence, payload);
      for (let s = 0; s < sectorsPerSlot; s++) flash.eraseSector(slot * sectorsPerSlot + s);
      flash.write(slot * slotSize, record);
      flash.write(slot * slotSize + RECORD_HEADER + payload.length + 4, COMMIT_WORD);
      current = { slot, sequence, settings: next };
      settings = next;
      notice = undefined;
    },
  };
}
