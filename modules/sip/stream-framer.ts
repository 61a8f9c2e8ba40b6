// Framing SIP on a stream (RFC 3261 §18.3): bytes arrive in chunks cut anywhere, and a message ends
// where its Content-Length says, counted from the empty line after the headers. On a stream the
// Content-Length is mandatory. CRLFs between messages are skipped (§7.5); a double CRLF there is a
// keep-alive ping (RFC 5626 §3.5.1), counted so that the owner can answer it with a CRLF pong.
// Bounded: a header section or a message larger than the limits is refused, and after a refusal the
// connection cannot be re-synchronised (nothing says where the next message starts), so it must be
// closed. Each byte is copied once into the message in progress; nothing is re-scanned or re-joined.

import { MAX_SIP_MESSAGE } from './message.js';

export interface FramerLimits {
  /** Longest start line plus header fields plus the empty line, in bytes. */
  readonly maxHeaderBytes: number;
  /** Longest whole message (headers and body), in bytes. */
  readonly maxMessageBytes: number;
}

/** Header sections of real SIP stay under a few KiB; the whole message has the datagram bound (issue 13). */
export const DEFAULT_FRAMER_LIMITS: FramerLimits = { maxHeaderBytes: 16 * 1024, maxMessageBytes: MAX_SIP_MESSAGE };

export interface Framed {
  /** Whole messages completed by this chunk, in order, each from its start line to its body's end. */
  readonly messages: Uint8Array[];
  /** Double-CRLF keep-alive pings seen between messages (RFC 5626 §3.5.1): each wants a CRLF pong. */
  readonly pings: number;
  /**
   * Set when the stream broke a framing rule or a bound, now or before: the connection must be
   * closed. The messages completed before the fault are still given.
   */
  readonly error?: string;
}

const CR = 13;
const LF = 10;
/** First size of the message buffer; it doubles as needed, up to the message bound. */
const INITIAL_BUFFER = 1024;
/** Bytes per String.fromCharCode call: its arguments go on the stack, so this stays small. */
const DECODE_CHUNK = 32;

type State =
  | { readonly kind: 'between'; crlf: number }
  | { readonly kind: 'header' }
  | { readonly kind: 'body'; readonly total: number }
  | { readonly kind: 'failed'; readonly reason: string };

export class StreamFramer {
  private readonly limits: FramerLimits;
  private state: State = { kind: 'between', crlf: 0 };
  /** The message in progress: its first `length` bytes are valid. */
  private buffer = new Uint8Array(0);
  private length = 0;

  constructor(limits: Partial<FramerLimits> = {}) {
    this.limits = { ...DEFAULT_FRAMER_LIMITS, ...limits };
  }

  /** Bytes held for the message in progress (never more than maxMessageBytes). */
  get buffered(): number {
    return this.length;
  }

  /** Whether the stream is between messages (nothing held of a message in progress). */
  get idle(): boolean {
    return this.state.kind === 'between';
  }

  /** Takes the next chunk of the stream. Never throws: a fault is `error` in what it returns. */
  push(chunk: Uint8Array): Framed {
    const messages: Uint8Array[] = [];
    let pings = 0;
    let at = 0;
    while (at < chunk.length && this.state.kind !== 'failed') {
      const state = this.state;
      if (state.kind === 'between') {
        // CRLFs before a start line are skipped (§7.5); every CRLFCRLF is a ping (RFC 5626 §3.5.1).
        const byte = chunk[at];
        if (byte !== CR && byte !== LF) {
          this.state = { kind: 'header' };
          continue;
        }
        const expected = state.crlf % 2 === 0 ? CR : LF;
        state.crlf = byte === expected ? state.crlf + 1 : byte === CR ? 1 : 0;
        if (state.crlf === 4) {
          pings++;
          state.crlf = 0;
        }
        at++;
      } else if (state.kind === 'header') {
        at = this.header(chunk, at);
      } else {
        const take = Math.min(state.total - this.length, chunk.length - at);
        this.append(chunk, at, at + take);
        at += take;
        if (this.length === state.total) {
          messages.push(this.buffer.slice(0, this.length));
          this.reset();
        }
      }
    }
    if (this.state.kind === 'body' && this.length === this.state.total) {
      // A message with an empty body completes with its header section.
      messages.push(this.buffer.slice(0, this.length));
      this.reset();
    }
    return this.state.kind === 'failed' ? { messages, pings, error: this.state.reason } : { messages, pings };
  }

  /** Looks for the empty line ending the header section from `at`; returns where reading goes on. */
  private header(chunk: Uint8Array, at: number): number {
    const { maxHeaderBytes } = this.limits;
    // The empty line is CRLFCRLF; look for its LF with the engine's native search, then check the
    // three bytes before it, which may still be in the buffer from earlier chunks.
    let lf = chunk.indexOf(LF, at);
    while (lf >= 0 && !this.endsHeader(chunk, at, lf)) lf = chunk.indexOf(LF, lf + 1);
    const end = lf < 0 ? chunk.length : lf + 1;
    if (this.length + (end - at) > maxHeaderBytes) {
      this.fail(`header section over ${maxHeaderBytes} bytes`);
      return chunk.length;
    }
    this.append(chunk, at, end);
    if (lf >= 0) this.startBody();
    return end;
  }

  /** Whether the LF at chunk[lf] ends CR LF CR LF; bytes before `at` are the buffer's last ones. */
  private endsHeader(chunk: Uint8Array, at: number, lf: number): boolean {
    const byteAt = (i: number): number => (i >= at ? chunk[i] : this.length + (i - at) >= 0 ? this.buffer[this.length + (i - at)] : -1);
    return byteAt(lf - 1) === CR && byteAt(lf - 2) === LF && byteAt(lf - 3) === CR;
  }

  /** The header section is complete: its Content-Length fixes where the message ends (§18.3). */
  private startBody(): void {
    const { maxMessageBytes } = this.limits;
    const length = contentLength(this.buffer.subarray(0, this.length));
    if (typeof length === 'string') return this.fail(length);
    const total = this.length + length;
    if (total > maxMessageBytes) return this.fail(`message of ${total} bytes over the ${maxMessageBytes}-byte bound`);
    this.state = { kind: 'body', total };
  }

  /** No way to find the next message's start: the framer holds nothing more and stays failed. */
  private fail(reason: string): void {
    this.state = { kind: 'failed', reason };
    this.buffer = new Uint8Array(0);
    this.length = 0;
  }

  private reset(): void {
    this.state = { kind: 'between', crlf: 0 };
    this.length = 0;
    // A large message's buffer is not kept for the life of the connection.
    if (this.buffer.length > INITIAL_BUFFER) this.buffer = new Uint8Array(0);
  }

  /** Copies chunk[from, to) after the message's bytes, growing the buffer by doubling up to the bound. */
  private append(chunk: Uint8Array, from: number, to: number): void {
    const needed = this.length + (to - from);
    if (needed > this.buffer.length) {
      let size = Math.max(this.buffer.length, INITIAL_BUFFER);
      while (size < needed) size *= 2;
      const grown = new Uint8Array(Math.min(size, Math.max(needed, this.limits.maxMessageBytes)));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    }
    this.buffer.set(chunk.subarray(from, to), this.length);
    this.length = needed;
  }
}

/**
 * The Content-Length of a header section (start line to empty line), or why it cannot frame the
 * message: absent (mandatory on a stream, §18.3, §20.14), repeated, or not a number. Folded lines
 * (§7.3.1) are joined; `l` is its compact form (§7.3.3).
 */
function contentLength(header: Uint8Array): number | string {
  const lines = latin1(header).split('\r\n');
  let found: string | undefined;
  let current: { isLength: boolean; value: string } | undefined;
  const finish = (): string | undefined => {
    if (current?.isLength !== true) return undefined;
    if (found !== undefined) return 'more than one Content-Length';
    found = current.value.trim();
    return undefined;
  };
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') break;
    const first = line.charCodeAt(0);
    if ((first === 32 || first === 9) && current !== undefined) {
      current.value += ' ' + line;
      continue;
    }
    const error = finish();
    if (error !== undefined) return error;
    const colon = line.indexOf(':');
    const name = colon < 0 ? '' : line.slice(0, colon).trim().toLowerCase();
    current = { isLength: name === 'content-length' || name === 'l', value: line.slice(colon + 1) };
  }
  const error = finish();
  if (error !== undefined) return error;
  if (found === undefined) return 'no Content-Length on a stream (RFC 3261 §18.3)';
  if (!/^[0-9]{1,9}$/.test(found)) return `Content-Length is not a number: ${found.slice(0, 20)}`;
  return Number(found);
}

/** The bytes as one character each: header sections are ASCII, and only Content-Length is read. */
function latin1(bytes: Uint8Array): string {
  const pieces: string[] = [];
  for (let i = 0; i < bytes.length; i += DECODE_CHUNK) {
    pieces.push(String.fromCharCode.apply(null, bytes.subarray(i, i + DECODE_CHUNK) as unknown as number[]));
  }
  return pieces.join('');
}
