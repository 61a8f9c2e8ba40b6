// RTP (RFC 3550 §5.1) packets, and a sender and a receiver for one audio stream: SSRC, sequence
// numbers, timestamps, the sequence bookkeeping of Appendix A.1 and the interarrival jitter of
// §6.4.1 / A.8. SRTP sits behind RtpProtection, supplied by the layer that holds the keys.

import { MediaParseError } from './errors.js';

export interface RtpPacket {
  readonly marker: boolean;
  readonly payloadType: number;
  readonly sequenceNumber: number;
  readonly timestamp: number;
  readonly ssrc: number;
  readonly csrcs: readonly number[];
  /** The header extension (§5.3.1), when the X bit is set. */
  readonly extension?: { readonly profile: number; readonly data: Uint8Array };
  readonly payload: Uint8Array;
}

/** Parses an RTP packet (§5.1); padding (§5.1 P bit) is removed. Throws MediaParseError. */
export function parseRtp(bytes: Uint8Array): RtpPacket {
  if (bytes.length < 12) throw new MediaParseError('RTP packet shorter than its 12-byte header');
  const b0 = bytes[0];
  if (b0 >> 6 !== 2) throw new MediaParseError('RTP version is not 2');
  const cc = b0 & 0x0f;
  let offset = 12 + 4 * cc;
  if (bytes.length < offset) throw new MediaParseError('RTP packet shorter than its CSRC list');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const csrcs: number[] = [];
  for (let i = 0; i < cc; i++) csrcs.push(view.getUint32(12 + 4 * i));
  let extension: RtpPacket['extension'];
  if (b0 & 0x10) {
    if (bytes.length < offset + 4) throw new MediaParseError('RTP header extension truncated');
    const profile = view.getUint16(offset);
    const words = view.getUint16(offset + 2);
    if (bytes.length < offset + 4 + 4 * words) throw new MediaParseError('RTP header extension truncated');
    extension = { profile, data: bytes.slice(offset + 4, offset + 4 + 4 * words) };
    offset += 4 + 4 * words;
  }
  let end = bytes.length;
  if (b0 & 0x20) {
    const pad = bytes[bytes.length - 1];
    if (pad === 0 || end - pad < offset) throw new MediaParseError('invalid RTP padding');
    end -= pad;
  }
  return {
    marker: (bytes[1] & 0x80) !== 0,
    payloadType: bytes[1] & 0x7f,
    sequenceNumber: view.getUint16(2),
    timestamp: view.getUint32(4),
    ssrc: view.getUint32(8),
    csrcs,
    ...(extension === undefined ? {} : { extension }),
    payload: bytes.slice(offset, end),
  };
}

/** Serializes an RTP packet without padding. */
export function serializeRtp(p: RtpPacket): Uint8Array {
  if (p.csrcs.length > 15) throw new RangeError('at most 15 CSRCs');
  const ext = p.extension;
  if (ext !== undefined && ext.data.length % 4 !== 0) throw new RangeError('header extension length must be a multiple of 4');
  const headerLength = 12 + 4 * p.csrcs.length + (ext === undefined ? 0 : 4 + ext.data.length);
  const out = new Uint8Array(headerLength + p.payload.length);
  const view = new DataView(out.buffer);
  out[0] = 0x80 | (ext === undefined ? 0 : 0x10) | p.csrcs.length;
  out[1] = (p.marker ? 0x80 : 0) | (p.payloadType & 0x7f);
  view.setUint16(2, p.sequenceNumber & 0xffff);
  view.setUint32(4, p.timestamp >>> 0);
  view.setUint32(8, p.ssrc >>> 0);
  let offset = 12;
  for (const c of p.csrcs) {
    view.setUint32(offset, c >>> 0);
    offset += 4;
  }
  if (ext !== undefined) {
    view.setUint16(offset, ext.profile);
    view.setUint16(offset + 2, ext.data.length / 4);
    out.set(ext.data, offset + 4);
    offset += 4 + ext.data.length;
  }
  out.set(p.payload, offset);
  return out;
}

/** SRTP (or any other transform) applied to whole packets; unprotect returns undefined to drop. */
export interface RtpProtection {
  protect(packet: Uint8Array): Uint8Array;
  unprotect(packet: Uint8Array): Uint8Array | undefined;
}

/** No protection: plain RTP (the last rung of the fallback ladder). */
export const PLAIN_RTP: RtpProtection = { protect: (p) => p, unprotect: (p) => p };

export interface RtpSenderOptions {
  readonly ssrc: number;
  readonly payloadType: number;
  /** Random initial values (§5.1: sequence number and timestamp start at random values). */
  readonly sequenceNumber: number;
  readonly timestamp: number;
}

/** One outgoing stream: numbers each packet and advances the media clock (§5.1). */
export class RtpSender {
  private seq: number;
  private ts: number;

  constructor(private readonly options: RtpSenderOptions, private readonly protection: RtpProtection = PLAIN_RTP) {
    this.seq = options.sequenceNumber & 0xffff;
    this.ts = options.timestamp >>> 0;
  }

  get ssrc(): number {
    return this.options.ssrc;
  }

  /** The timestamp the next audio packet will carry. */
  get timestamp(): number {
    return this.ts;
  }

  /** An audio packet stamped with the current timestamp, which then advances by `samples`. */
  audio(payload: Uint8Array, samples: number, marker = false): Uint8Array {
    const packet = this.packet(payload, this.options.payloadType, this.ts, marker);
    this.ts = (this.ts + samples) >>> 0;
    return packet;
  }

  /** Advances the media clock without sending (silence suppressed, or time taken by an event). */
  skip(samples: number): void {
    this.ts = (this.ts + samples) >>> 0;
  }

  /** A packet with an explicit payload type and timestamp (RFC 4733 events keep their start timestamp). */
  packet(payload: Uint8Array, payloadType: number, timestamp: number, marker: boolean): Uint8Array {
    const bytes = serializeRtp({ marker, payloadType, sequenceNumber: this.seq, timestamp, ssrc: this.options.ssrc, csrcs: [], payload });
    this.seq = (this.seq + 1) & 0xffff;
    return this.protection.protect(bytes);
  }
}

const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;
const RTP_SEQ_MOD = 1 << 16;

export interface RtpReceiverStats {
  readonly received: number;
  /** Expected minus received (§6.4.1 cumulative number of packets lost; duplicates can make it negative). */
  readonly lost: number;
  /** Interarrival jitter in timestamp units (§6.4.1). */
  readonly jitter: number;
  readonly dropped: number;
}

/** A received packet with its extended (32-bit, cycle-counting) sequence number. */
export interface ReceivedRtp {
  readonly packet: RtpPacket;
  readonly extendedSequence: number;
}

/** One incoming stream: unprotects, parses, locks to one SSRC and tracks loss and jitter (A.1, A.8). */
export class RtpReceiver {
  private ssrc: number | undefined;
  private baseSeq = 0;
  private maxSeq = 0;
  private cycles = 0;
  private badSeq = RTP_SEQ_MOD + 1;
  private receivedCount = 0;
  private droppedCount = 0;
  private jitterValue = 0;
  private lastTransit: number | undefined;

  constructor(private readonly clockRate: number, private readonly protection: RtpProtection = PLAIN_RTP) {}

  /** The SSRC the stream is locked to, once a packet was accepted. */
  get sourceSsrc(): number | undefined {
    return this.ssrc;
  }

  /**
   * Handles one datagram that arrived at `arrivalMs`. Returns undefined for a packet that fails
   * protection, does not parse, belongs to another SSRC, or is a stray sequence number (A.1).
   */
  receive(bytes: Uint8Array, arrivalMs: number): ReceivedRtp | undefined {
    const clear = this.protection.unprotect(bytes);
    if (clear === undefined) return this.drop();
    let packet: RtpPacket;
    try {
      packet = parseRtp(clear);
    } catch (e) {
      if (e instanceof MediaParseError) return this.drop();
      throw e;
    }
    if (this.ssrc === undefined) {
      this.ssrc = packet.ssrc;
      this.initSeq(packet.sequenceNumber);
    } else if (packet.ssrc !== this.ssrc) {
      return this.drop();
    } else if (!this.updateSeq(packet.sequenceNumber)) {
      return this.drop();
    }
    this.receivedCount++;
    // §6.4.1: J += (|D| - J) / 16, D the change in transit time, in timestamp units.
    const transit = (arrivalMs * this.clockRate) / 1000 - packet.timestamp;
    if (this.lastTransit !== undefined) {
      let d = transit - this.lastTransit;
      if (d < 0) d = -d;
      this.jitterValue += (d - this.jitterValue) / 16;
    }
    this.lastTransit = transit;
    // A late packet from before the last wrap belongs to the previous cycle.
    let extended = this.cycles + packet.sequenceNumber;
    if (packet.sequenceNumber - this.maxSeq > RTP_SEQ_MOD / 2 && this.cycles > 0) extended -= RTP_SEQ_MOD;
    return { packet, extendedSequence: extended };
  }

  stats(): RtpReceiverStats {
    const expected = this.ssrc === undefined ? 0 : this.cycles + this.maxSeq - this.baseSeq + 1;
    return { received: this.receivedCount, lost: expected - this.receivedCount, jitter: this.jitterValue, dropped: this.droppedCount };
  }

  private drop(): undefined {
    this.droppedCount++;
    return undefined;
  }

  private initSeq(seq: number): void {
    this.baseSeq = seq;
    this.maxSeq = seq;
    this.badSeq = RTP_SEQ_MOD + 1;
    this.cycles = 0;
  }

  /** RFC 3550 A.1 update_seq, without the probation period (one SSRC, set up by signalling). */
  private updateSeq(seq: number): boolean {
    const udelta = (seq - this.maxSeq + RTP_SEQ_MOD) % RTP_SEQ_MOD;
    if (udelta < MAX_DROPOUT) {
      if (seq < this.maxSeq) this.cycles += RTP_SEQ_MOD;
      this.maxSeq = seq;
    } else if (udelta <= RTP_SEQ_MOD - MAX_MISORDER) {
      // A very large jump: accept only if the next packet follows it (the sender restarted).
      if (seq === this.badSeq) {
        this.initSeq(seq);
        this.receivedCount = 0;
      } else {
        this.badSeq = (seq + 1) % RTP_SEQ_MOD;
        return false;
      }
    }
    // Otherwise a duplicate or reordered packet: accepted, counters unchanged.
    return true;
  }
}
