// Reads the frames of a capture file: classic pcap (draft-ietf-opsawg-pcap: both byte orders, the
// microsecond and the nanosecond magic) and pcapng (draft-ietf-opsawg-pcapng: Section Header, Interface
// Description, Enhanced and Simple Packet Blocks; both byte orders; several interfaces and sections).
// Bounded: a record or block longer than MAX_BLOCK_LENGTH is refused, and every step moves forward by
// at least one header, so the reader ends on any input. Bad input throws CaptureError only.
import { CaptureError } from './capture-error.js';

/** One captured frame: its number as tshark counts them (frame.number, from 1) and its link type. */
export interface Frame {
  readonly number: number;
  readonly linkType: number;
  readonly data: Uint8Array;
}

/** Larger than any snapshot length a capture tool writes (262144): a longer record means a corrupt file. */
export const MAX_BLOCK_LENGTH = 16 * 1024 * 1024;

const PCAP_MICRO = 0xa1b2c3d4;
const PCAP_NANO = 0xa1b23c4d;
const PCAPNG_SHB = 0x0a0d0d0a;
const PCAPNG_BYTE_ORDER = 0x1a2b3c4d;
const IDB = 1;
const SPB = 3;
const EPB = 6;

function need(bytes: Uint8Array, offset: number, length: number, what: string): void {
  if (offset + length > bytes.length) {
    throw new CaptureError(`truncated capture: ${what} at byte ${offset} needs ${length} bytes, the file has ${Math.max(0, bytes.length - offset)} left`);
  }
}

/** The frames of a pcap or pcapng file, in file order. */
export function* readCapture(bytes: Uint8Array): Generator<Frame> {
  need(bytes, 0, 4, 'the file magic');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magicBe = view.getUint32(0, false);
  const magicLe = view.getUint32(0, true);
  if (magicBe === PCAPNG_SHB) {
    yield* readPcapng(bytes, view);
  } else if (magicBe === PCAP_MICRO || magicBe === PCAP_NANO) {
    yield* readPcap(bytes, view, false);
  } else if (magicLe === PCAP_MICRO || magicLe === PCAP_NANO) {
    yield* readPcap(bytes, view, true);
  } else {
    throw new CaptureError(`not a pcap or pcapng file (magic 0x${magicBe.toString(16).padStart(8, '0')})`);
  }
}

/** pcap: a 24-byte file header, then records of a 16-byte header and the captured bytes. */
function* readPcap(bytes: Uint8Array, view: DataView, le: boolean): Generator<Frame> {
  need(bytes, 0, 24, 'the pcap file header');
  const major = view.getUint16(4, le);
  if (major !== 2) throw new CaptureError(`pcap version ${major} is not 2`);
  // LinkType: the low 16 bits; the high bits carry the FCS length (draft-ietf-opsawg-pcap §4).
  const linkType = view.getUint32(20, le) & 0xffff;
  let offset = 24;
  for (let number = 1; offset < bytes.length; number++) {
    need(bytes, offset, 16, `the header of record ${number}`);
    const captured = view.getUint32(offset + 8, le);
    if (captured > MAX_BLOCK_LENGTH) throw new CaptureError(`record ${number} at byte ${offset} claims ${captured} bytes (more than ${MAX_BLOCK_LENGTH}): not a valid capture`);
    need(bytes, offset + 16, captured, `record ${number}`);
    yield { number, linkType, data: bytes.subarray(offset + 16, offset + 16 + captured) };
    offset += 16 + captured;
  }
}

interface Interface {
  readonly linkType: number;
  readonly snapLength: number;
}

/** pcapng: blocks of type, total length, body, total length again; each section has its byte order. */
function* readPcapng(bytes: Uint8Array, view: DataView): Generator<Frame> {
  let le = true;
  let interfaces: Interface[] = [];
  let number = 0;
  let offset = 0;
  while (offset < bytes.length) {
    need(bytes, offset, 12, 'a block header');
    const typeBe = view.getUint32(offset, false);
    if (typeBe === PCAPNG_SHB) {
      const order = view.getUint32(offset + 8, false);
      if (order === PCAPNG_BYTE_ORDER) le = false;
      else if (view.getUint32(offset + 8, true) === PCAPNG_BYTE_ORDER) le = true;
      else throw new CaptureError(`section header at byte ${offset} has no byte-order magic`);
      interfaces = [];
    }
    const type = view.getUint32(offset, le);
    const length = view.getUint32(offset + 4, le);
    if (length < 12 || length % 4 !== 0 || length > MAX_BLOCK_LENGTH) {
      throw new CaptureError(`block at byte ${offset} has length ${length} (must be a multiple of 4, 12..${MAX_BLOCK_LENGTH})`);
    }
    need(bytes, offset, length, `block type ${type}`);
    if (view.getUint32(offset + length - 4, le) !== length) throw new CaptureError(`block at byte ${offset}: its trailing length differs from ${length}`);
    const body = offset + 8;
    const bodyLength = length - 12;
    if (type === IDB) {
      if (bodyLength < 8) throw new CaptureError(`interface description block at byte ${offset} is too short`);
      interfaces.push({ linkType: view.getUint16(body, le), snapLength: view.getUint32(body + 4, le) });
    } else if (type === EPB) {
      if (bodyLength < 20) throw new CaptureError(`enhanced packet block at byte ${offset} is too short`);
      const id = view.getUint32(body, le);
      const captured = view.getUint32(body + 12, le);
      if (captured > bodyLength - 20) throw new CaptureError(`enhanced packet block at byte ${offset} claims ${captured} bytes, more than the block holds`);
      const iface = interfaces[id];
      if (!iface) throw new CaptureError(`packet block at byte ${offset} names interface ${id}, which the section does not describe`);
      yield { number: ++number, linkType: iface.linkType, data: bytes.subarray(body + 20, body + 20 + captured) };
    } else if (type === SPB) {
      if (bodyLength < 4) throw new CaptureError(`simple packet block at byte ${offset} is too short`);
      const iface = interfaces[0];
      if (!iface) throw new CaptureError(`simple packet block at byte ${offset} before any interface description`);
      const original = view.getUint32(body, le);
      // The captured length is the smaller of the original length and the snapshot length (§4.4).
      const captured = Math.min(original, iface.snapLength || original, bodyLength - 4);
      yield { number: ++number, linkType: iface.linkType, data: bytes.subarray(body + 4, body + 4 + captured) };
    }
    offset += length;
  }
}
