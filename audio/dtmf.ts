// DTMF over RTP as RFC 4733 telephone-events (§2.3 payload format, §3.2 events 0-15): a sender that
// turns a key press into the event's packets (first with the marker bit, duration growing every
// frame, the end packet sent three times, §2.5.1) and a receiver that reports each event once.

import { MediaParseError } from './errors.js';

export type DtmfDigit = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '*' | '#' | 'A' | 'B' | 'C' | 'D';

const DIGITS: readonly DtmfDigit[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#', 'A', 'B', 'C', 'D'];

export interface TelephoneEvent {
  /** Event code (§3.2: 0-9, * = 10, # = 11, A-D = 12-15). */
  readonly event: number;
  readonly end: boolean;
  /** Power level as -dBm0, 0..63 (§2.3.3). */
  readonly volume: number;
  /** Duration in timestamp units since the event's start timestamp (§2.3.5). */
  readonly duration: number;
}

export function digitToEvent(digit: DtmfDigit): number {
  return DIGITS.indexOf(digit);
}

export function eventToDigit(event: number): DtmfDigit | undefined {
  return DIGITS[event];
}

/** The 4-byte payload of §2.3: event, E|R|volume, duration. */
export function encodeTelephoneEvent(e: TelephoneEvent): Uint8Array {
  return Uint8Array.of(e.event & 0xff, (e.end ? 0x80 : 0) | (e.volume & 0x3f), (e.duration >> 8) & 0xff, e.duration & 0xff);
}

export function parseTelephoneEvent(payload: Uint8Array): TelephoneEvent {
  // A payload may carry redundant events (RFC 2198), but plain telephone-event is exactly 4 bytes.
  if (payload.length !== 4) throw new MediaParseError('telephone-event payload must be 4 bytes');
  return { event: payload[0], end: (payload[1] & 0x80) !== 0, volume: payload[1] & 0x3f, duration: (payload[2] << 8) | payload[3] };
}

/** One packet the sender wants sent: payload, its RTP timestamp (the event start) and marker. */
export interface DtmfPacket {
  readonly payload: Uint8Array;
  readonly timestamp: number;
  readonly marker: boolean;
}

const END_REPEATS = 3;
const MAX_DURATION = 0xffff;

/**
 * Sends one event at a time. start() at the key press with the audio stream's current timestamp;
 * frame() every packet interval while held; stop() at key release returns the three end packets.
 */
export class DtmfSender {
  private current: { event: number; timestamp: number; duration: number; first: boolean } | undefined;

  constructor(private readonly frameSamples = 160, private readonly volume = 10) {}

  get active(): boolean {
    return this.current !== undefined;
  }

  start(digit: DtmfDigit, timestamp: number): void {
    this.current = { event: digitToEvent(digit), timestamp: timestamp >>> 0, duration: 0, first: true };
  }

  /** The packet for the next interval while the key is held (its duration grows, §2.5.1.2). */
  frame(): DtmfPacket[] {
    const c = this.current;
    if (c === undefined) return [];
    if (c.duration + this.frameSamples > MAX_DURATION) return this.stop();
    c.duration += this.frameSamples;
    const marker = c.first;
    c.first = false;
    return [{ payload: encodeTelephoneEvent({ event: c.event, end: false, volume: this.volume, duration: c.duration }), timestamp: c.timestamp, marker }];
  }

  /** Ends the event: the final packet three times with the E bit (§2.5.1.4). */
  stop(): DtmfPacket[] {
    const c = this.current;
    if (c === undefined) return [];
    this.current = undefined;
    const duration = Math.max(c.duration, this.frameSamples);
    const payload = encodeTelephoneEvent({ event: c.event, end: true, volume: this.volume, duration });
    const out: DtmfPacket[] = [];
    for (let i = 0; i < END_REPEATS; i++) out.push({ payload, timestamp: c.timestamp, marker: c.first && i === 0 });
    return out;
  }
}

export interface DtmfNotice {
  readonly digit: DtmfDigit;
  readonly phase: 'start' | 'end';
  /** The event's duration in timestamp units so far (final at 'end'). */
  readonly duration: number;
}

/** Reports each event once at its start and once at its end, whatever packets repeat or go missing (§2.5.2). */
export class DtmfReceiver {
  private timestamp: number | undefined;
  private ended = false;

  /** Handles one telephone-event packet; throws MediaParseError on a malformed payload. */
  receive(timestamp: number, payload: Uint8Array): DtmfNotice[] {
    const e = parseTelephoneEvent(payload);
    const digit = eventToDigit(e.event);
    if (digit === undefined) return [];
    const out: DtmfNotice[] = [];
    const ts = timestamp >>> 0;
    if (ts !== this.timestamp) {
      // A new event: its start may have been lost, so the first packet of any kind starts it.
      this.timestamp = ts;
      this.ended = false;
      out.push({ digit, phase: 'start', duration: e.duration });
    }
    if (e.end && !this.ended) {
      this.ended = true;
      out.push({ digit, phase: 'end', duration: e.duration });
    }
    return out;
  }
}
