// Records in slots over the HAL flash contract: the power-cut-safe writing under the settings
// store (store.ts) and the peer store (peer-store.ts). The flash is divided into slots of whole
// sectors; each write goes to the next slot round-robin (spreading erases over every sector), so
// the newest record is never touched by the write that replaces it:
//
//   write(n+1):  erase slot k+1  →  write record n+1 (header, payload, CRC)  →  write commit word
//
// A power cut during any of these leaves record n intact in slot k, and slot k+1 invalid (erased,
// partly written, torn, or uncommitted). At open, the committed record with the newest sequence
// number whose payload decodes wins. A record of an unknown format version (newer firmware) is
// skipped by later writes while any other slot is free, and a write's sequence number follows it.
// Opening only reads.
import type { Flash } from '../../hal/contracts.js';
import { COMMIT_WORD, decodeRecord, encodeRecord, isNewer, RECORD_HEADER, RECORD_TRAILER, recordSize, type DecodedRecord } from './record.js';

export interface Slots<T> {
  /** The newest valid record's decoded payload and its sequence number. */
  readonly newest: { readonly value: T; readonly sequence: number } | undefined;
  /** Slots that hold data but no valid record (corrupt, or a payload that does not decode). */
  readonly unreadable: number;
  /** The newest record of a format version this firmware does not know. */
  readonly unknown: { readonly version: number; readonly sequence: number } | undefined;
  readonly slotCount: number;
  /** Bytes a slot holds (a record must fit: recordSize(payload) <= slotSize). */
  readonly slotSize: number;
  /** The sequence number of the last record written or found (0 for none). */
  readonly lastSequence: number;
  /** Numbers later writes after `sequence` too (a record of the same kind elsewhere in flash). */
  follow(sequence: number): void;
  /** Writes `payload` (already checked to fit) as the newest record; `value` is what it decodes to. */
  write(payload: Uint8Array, value: T): void;
}

export function openSlots<T>(flash: Flash, slotBytes: number, magic: Uint8Array, decode: (payload: Uint8Array) => T): Slots<T> {
  const sectorsPerSlot = Math.max(1, Math.ceil(slotBytes / flash.sectorSize));
  const slotCount = Math.floor(flash.sectorCount / sectorsPerSlot);
  if (slotCount < 2) throw new RangeError('a record store needs room for two slots');
  const slotSize = sectorsPerSlot * flash.sectorSize;

  /** Reads a slot's record, only as far as its header says it reaches. */
  const readSlot = (slot: number): DecodedRecord => {
    const start = slot * slotSize;
    const header = flash.read(start, RECORD_HEADER);
    const size = recordSize(new DataView(header.buffer, header.byteOffset, RECORD_HEADER).getUint32(12));
    // A length past the slot (or an erased header) needs no more bytes to be judged.
    return decodeRecord(flash.read(start, size <= slotSize ? size : RECORD_HEADER + RECORD_TRAILER), magic);
  };

  let newest: { slot: number; sequence: number; value: T } | undefined;
  let unreadable = 0;
  // Where a first write goes: an erased slot, else an unreadable one; a record of an unknown format
  // version is kept while any other slot can take the write.
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
    let value: T;
    try {
      if (record.status === 'corrupt') throw new RangeError(record.reason);
      value = decode(record.payload);
    } catch {
      firstCorrupt ??= slot;
      unreadable++;
      continue;
    }
    if (!newest || isNewer(record.sequence, newest.sequence)) newest = { slot, sequence: record.sequence, value };
  }
  const found = newest && { value: newest.value, sequence: newest.sequence };

  let current = newest;
  // The next write's sequence number follows every record that has one.
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
    newest: found,
    unreadable,
    unknown,
    slotCount,
    slotSize,
    get lastSequence() {
      return lastSequence;
    },
    follow(sequence) {
      if (isNewer(sequence, lastSequence)) lastSequence = sequence;
    },
    write(payload, value) {
      if (recordSize(payload.length) > slotSize) throw new RangeError(`a record of ${recordSize(payload.length)} bytes does not fit a slot of ${slotSize}`);
      const slot = current ? nextSlot(current.slot) : (firstErased ?? firstCorrupt ?? nextSlot(slotCount - 1));
      const sequence = (lastSequence + 1) >>> 0;
      const record = encodeRecord(sequence, payload, magic);
      for (let s = 0; s < sectorsPerSlot; s++) flash.eraseSector(slot * sectorsPerSlot + s);
      flash.write(slot * slotSize, record);
      flash.write(slot * slotSize + RECORD_HEADER + payload.length + 4, COMMIT_WORD);
      unknownSlots.delete(slot);
      current = { slot, sequence, value };
      lastSequence = sequence;
    },
  };
}
