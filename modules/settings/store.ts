// The settings store over the HAL flash contract. The flash is divided into slots of whole
// sectors; each save writes the next slot round-robin (spreading erases over every sector), so
// the newest record is never touched by the save that replaces it:
//
//   save(n+1):  erase slot k+1  →  write record n+1 (header, payload, CRC)  →  write commit word
//
// A power cut during any of these leaves record n intact in slot k, and slot k+1 invalid (erased,
// partly written, torn, or uncommitted). At boot, the committed record with the newest sequence
// number wins. A flash without any valid record gives factory defaults; one that holds data but no
// valid record, or only records of an unknown format version, gives factory defaults with a notice,
// and nothing is written until the user saves. A record of an unknown format version (newer
// firmware) is skipped by later saves while any other slot is free, and a save's sequence number
// follows it, so that firmware still finds the newest settings. Boot only reads.
import type { Flash } from '../../hal/contracts.js';
import { utf8Decode, utf8Encode } from '../util/bytes.js';
import { factorySettings, SettingsError, settingsFromJson, settingsToJson, type Settings } from './model.js';
import { COMMIT_WORD, decodeRecord, encodeRecord, isNewer, RECORD_HEADER, RECORD_TRAILER, recordSize, type DecodedRecord } from './record.js';

/** Bytes a slot holds at least: room for a table, an account, a few dozen peers. */
export const DEFAULT_SLOT_BYTES = 8192;

export class SettingsTooLargeError extends SettingsError {
  override name = 'SettingsTooLargeError';
}

export interface SettingsStore {
  /** The settings in force. */
  readonly settings: Settings;
  /**
   * Set when boot could not use what it found in flash, until the next save: NOTICE_CORRUPT,
   * noticeUnknownFormat(v) (factory defaults in force) or noticeNewerFormat(v) (an older valid
   * record in force). At most 20 characters, for one display line.
   */
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

/** Notices fit one line of the 4x20 display (the idle screen's status line). */
export const NOTICE_CORRUPT = 'Corrupt:factory set';
export const noticeUnknownFormat = (version: number) => `Format v${version}:factory`;
export const noticeNewerFormat = (version: number) => `Format v${version} kept`;

export function openSettingsStore(flash: Flash, slotBytes = DEFAULT_SLOT_BYTES): SettingsStore {
  const sectorsPerSlot = Math.max(1, Math.ceil(slotBytes / flash.sectorSize));
  const slotCount = Math.floor(flash.sectorCount / sectorsPerSlot);
  if (slotCount < 2) throw new SettingsError('the settings flash needs room for two slots');
  const slotSize = sectorsPerSlot * flash.sectorSize;

  /** Reads a slot's record, only as far as its header says it reaches (boot reads every slot). */
  const readSlot = (slot: number): DecodedRecord => {
    const start = slot * slotSize;
    const header = flash.read(start, RECORD_HEADER);
    const size = recordSize(new DataView(header.buffer, header.byteOffset, RECORD_HEADER).getUint32(12));
    // A length past the slot (or an erased header) needs no more bytes to be judged.
    return decodeRecord(flash.read(start, size <= slotSize ? size : RECORD_HEADER + RECORD_TRAILER));
  };

  let newest: Found | undefined;
  let unreadable = 0;
  // Where a first save goes: an erased slot, else an unreadable one; a record of an unknown format
  // version (written by newer firmware) is kept while any other slot can take the save.
  let firstErased: number | undefined;
  let firstCorrupt: number | undefined;
  const unknownSlots = new Set<number>();
  let unknown: { version: number; sequence: number } | undefined;
  for (let slot = 0; slot < slotCount; slot++) {
    const record = readSlot(slot);
    if (record.status === 'erased') {
      firstErased ??= slot;
      continue;
    }
    if (record.status === 'unknown-version') {
      unknownSlots.add(slot);
      if (!unknown || isNewer(record.sequence, unknown.sequence)) unknown = { version: record.version, sequence: record.sequence };
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
  if (!newest && unknown) notice = noticeUnknownFormat(unknown.version);
  else if (!newest && unreadable > 0) notice = NOTICE_CORRUPT;
  else if (newest && unknown && isNewer(unknown.sequence, newest.sequence)) notice = noticeNewerFormat(unknown.version);

  let current = newest;
  let settings = newest?.settings ?? factorySettings();
  // The next save's sequence number follows every record that has one, so newer firmware reading
  // this flash also sees the save as the newest.
  let lastSequence = newest?.sequence ?? 0;
  if (unknown && isNewer(unknown.sequence, lastSequence)) lastSequence = unknown.sequence;

  /** The slot after `from`, round-robin, that is not `from` and holds no unknown-format record. */
  const nextSlot = (from: number): number => {
    for (let i = 1; i < slotCount; i++) {
      const slot = (from + i) % slotCount;
      if (!unknownSlots.has(slot)) return slot;
    }
    return (from + 1) % slotCount;
  };

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
        throw new SettingsTooLargeError(`too large: the settings need ${recordSize(payload.length)} bytes, a slot holds ${slotSize}`);
      }
      const slot = current ? nextSlot(current.slot) : (firstErased ?? firstCorrupt ?? nextSlot(slotCount - 1));
      const sequence = (lastSequence + 1) >>> 0;
      const record = encodeRecord(sequence, payload);
      for (let s = 0; s < sectorsPerSlot; s++) flash.eraseSector(slot * sectorsPerSlot + s);
      flash.write(slot * slotSize, record);
      flash.write(slot * slotSize + RECORD_HEADER + payload.length + 4, COMMIT_WORD);
      unknownSlots.delete(slot);
      current = { slot, sequence, settings: next };
      lastSequence = sequence;
      settings = next;
      notice = undefined;
    },
  };
}
