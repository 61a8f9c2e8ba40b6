// One record as it sits in flash (the settings: magic "DPST"; the peer store, peer-store.ts: "DPPR"):
//
//   0  magic                   4 bytes
//   4  format version          u16 (big-endian; this firmware writes and reads 1)
//   6  reserved                u16, 0xFFFF
//   8  sequence number         u32 (serial-number order, RFC 1982: a newer save has a larger one)
//  12  payload length          u32
//  16  payload                 UTF-8 JSON of the settings
//  +0  CRC-32 of bytes 0..16+length
//  +4  commit word             u32, 0x00000000: written last, after everything else is in flash
//
// A record is valid only with its magic, a length that fits, a matching CRC and the commit word:
// a save cut short by a power cut leaves a record that is none of these, never a wrong one.
import { crc32 } from './crc32.js';

export const RECORD_MAGIC = Uint8Array.of(0x44, 0x50, 0x53, 0x54); // "DPST"
export const RECORD_FORMAT_VERSION = 1;
export const RECORD_HEADER = 16;
export const RECORD_TRAILER = 8;

export type DecodedRecord =
  | { readonly status: 'erased' }
  | { readonly status: 'corrupt'; readonly reason: string }
  | { readonly status: 'unknown-version'; readonly version: number; readonly sequence: number }
  | { readonly status: 'valid'; readonly sequence: number; readonly payload: Uint8Array };

/** The record's bytes except the commit word, which the store writes separately, last. */
export function encodeRecord(sequence: number, payload: Uint8Array, magic: Uint8Array = RECORD_MAGIC): Uint8Array {
  const out = new Uint8Array(RECORD_HEADER + payload.length + 4);
  const view = new DataView(out.buffer);
  out.set(magic, 0);
  view.setUint16(4, RECORD_FORMAT_VERSION);
  view.setUint16(6, 0xffff);
  view.setUint32(8, sequence >>> 0);
  view.setUint32(12, payload.length);
  out.set(payload, RECORD_HEADER);
  view.setUint32(RECORD_HEADER + payload.length, crc32(out.subarray(0, RECORD_HEADER + payload.length)));
  return out;
}

export const COMMIT_WORD = new Uint8Array(4); // all bits cleared

export function recordSize(payloadLength: number): number {
  return RECORD_HEADER + payloadLength + RECORD_TRAILER;
}

/** Reads the record at the start of `slot` (the slot's whole bytes). */
export function decodeRecord(slot: Uint8Array, magic: Uint8Array = RECORD_MAGIC): DecodedRecord {
  if (slot.length < RECORD_HEADER + RECORD_TRAILER) return { status: 'corrupt', reason: 'slot too small' };
  if (slot.subarray(0, RECORD_HEADER).every((b) => b === 0xff)) return { status: 'erased' };
  for (let i = 0; i < 4; i++) if (slot[i] !== magic[i]) return { status: 'corrupt', reason: 'bad magic' };
  const view = new DataView(slot.buffer, slot.byteOffset, slot.length);
  const version = view.getUint16(4);
  const sequence = view.getUint32(8);
  const length = view.getUint32(12);
  if (length > slot.length - RECORD_HEADER - RECORD_TRAILER) return { status: 'corrupt', reason: 'length overruns the slot' };
  const end = RECORD_HEADER + length;
  if (view.getUint32(end) !== crc32(slot.subarray(0, end))) return { status: 'corrupt', reason: 'CRC mismatch' };
  if (view.getUint32(end + 4) !== 0) return { status: 'corrupt', reason: 'not committed' };
  if (version !== RECORD_FORMAT_VERSION) return { status: 'unknown-version', version, sequence };
  return { status: 'valid', sequence, payload: slot.slice(RECORD_HEADER, end) };
}

/** Serial-number comparison (RFC 1982) of 32-bit sequence numbers: is `a` newer than `b`? */
export function isNewer(a: number, b: number): boolean {
  return a !== b && ((a - b) >>> 0) < 0x80000000;
}
