// The settings store: one record of the settings (JSON) in slots over the HAL flash contract,
// written power-cut safe by slot-store.ts (erase the next slot, write the record, write the commit
// word last; the committed record with the newest sequence number wins). A flash without any
// valid record gives factory defaults; one that holds data but no valid record, or only records of
// an unknown format version, gives factory defaults with a notice, and nothing is written until
// the user saves. A record of an unknown format version (newer firmware) is skipped by later saves
// while any other slot is free, and a save's sequence number follows it, so that firmware still
// finds the newest settings. Opening only reads. The phone keeps its peers in a separate store
// (peer-store.ts, phone-store.ts), so that this record stays small.
import type { Flash } from '../../hal/contracts.js';
import { utf8Decode, utf8Encode } from '../util/bytes.js';
import { factorySettings, SettingsError, settingsFromJson, settingsToJson, type Settings } from './model.js';
import { isNewer, RECORD_MAGIC, recordSize } from './record.js';
import { openSlots } from './slot-store.js';

/** Bytes a slot holds at least: room for a table, an account, the phone's keys and a few peers. */
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

/** The store of one settings record, as openSettingsStore makes it. */
export interface SettingsRecordStore extends SettingsStore {
  /** The newest record's sequence number (0 when there is none yet). */
  readonly sequence: number;
}

/** Notices fit one line of the 4x20 display (the idle screen's status line). */
export const NOTICE_CORRUPT = 'Corrupt:factory set';
export const noticeUnknownFormat = (version: number) => `Format v${version}:factory`;
export const noticeNewerFormat = (version: number) => `Format v${version} kept`;

/**
 * The settings store on `flash`. `after`: the sequence number of a settings record elsewhere in
 * flash (an older layout, phone-store.ts) that saves must be numbered after.
 */
export function openSettingsStore(flash: Flash, slotBytes = DEFAULT_SLOT_BYTES, after = 0): SettingsRecordStore {
  let slots;
  try {
    slots = openSlots(flash, slotBytes, RECORD_MAGIC, (payload) => settingsFromJson(JSON.parse(utf8Decode(payload))));
  } catch (e) {
    if (e instanceof RangeError) throw new SettingsError('the settings flash needs room for two slots');
    throw e;
  }
  slots.follow(after);
  const newest = slots.newest;
  const unknown = slots.unknown;
  let notice: string | undefined;
  if (!newest && unknown) notice = noticeUnknownFormat(unknown.version);
  else if (!newest && slots.unreadable > 0) notice = NOTICE_CORRUPT;
  else if (newest && unknown && isNewer(unknown.sequence, newest.sequence)) notice = noticeNewerFormat(unknown.version);
  let settings = newest?.value ?? factorySettings();
  let sequence = newest?.sequence ?? 0;

  return {
    get settings() {
      return settings;
    },
    get notice() {
      return notice;
    },
    get sequence() {
      return sequence;
    },
    slotCount: slots.slotCount,
    save(next: Settings) {
      const payload = utf8Encode(JSON.stringify(settingsToJson(next)));
      // Check before touching the flash: a refused save loses nothing.
      settingsFromJson(JSON.parse(utf8Decode(payload)));
      if (recordSize(payload.length) > slots.slotSize) {
        throw new SettingsTooLargeError(`too large: the settings need ${recordSize(payload.length)} bytes, a slot holds ${slots.slotSize}`);
      }
      slots.write(payload, next);
      sequence = slots.lastSequence;
      settings = next;
      notice = undefined;
    },
  };
}
