// SIP messages (RFC 3261 §7): a small hand-written tokenizer and serializer. Parsing works on the raw
// datagram: the start line (§7.1, §7.2), header fields with folded lines (§7.3.1) and compact names
// (§7.3.3), then a body whose length is fixed by Content-Length (§18.3, §20.14). The header fields
// every layer reads (Via, From, To, Call-ID, CSeq, Contact, Content-Type) are parsed here, once, into
// the typed view of fields.ts; other structured values (auth, Expires...) where they are used.

import { utf8Decode, utf8Encode } from '../util/bytes.js';
import { SipParseError, SipRequestError } from './errors.js';
import { hasBareControl, isAbsoluteUri, isDigits, isToken, trimWsp } from './chars.js';
import { parseFields, RESPONSE_COPIES } from './fields.js';
import { canonicalHeaderName } from './header-list.js';
import { parseUri } from './uri.js';

export interface SipHeader {
  /** The header's long name in its canonical spelling (compact forms are expanded). */
  readonly name: string;
  readonly value: string;
}

export interface SipRequest {
  readonly kind: 'request';
  readonly method: string;
  readonly uri: string;
  readonly headers: readonly SipHeader[];
  /** The body as text (SDP and the like); '' when there is none. */
  readonly body: string;
}

export interface SipResponse {
  readonly kind: 'response';
  readonly status: number;
  readonly reason: string;
  readonly headers: readonly SipHeader[];
  readonly body: string;
}

export type SipMessage = SipRequest | SipResponse;

export { canonicalHeaderName, headerValue, headerValues, splitList } from './header-list.js';


/** The largest SIP message accepted (issue 13): a larger datagram is refused before any parsing. */
export const MAX_SIP_MESSAGE = 64 * 1024;

/** Bytes per String.fromCharCode call in latin1(): its arguments go on the stack, so this stays small. */
const LATIN1_CHUNK = 32;

/**
 * The datagram as one character per byte. Finding the header end and cutting the body on this
 * string uses the engine's native string search, far cheaper on XS than JavaScript byte loops; a
 * character offset here is a byte offset. The call stack holds at most LATIN1_CHUNK arguments
 * whatever the datagram's size (XS overflowed on 3,760 bytes passed at once), and the pieces are
 * joined once: repeated concatenation copies the whole string each time on XS.
 */
function latin1(bytes: Uint8Array): string {
  const pieces: string[] = [];
  for (let i = 0; i < bytes.length; i += LATIN1_CHUNK) {
    pieces.push(String.fromCharCode.apply(null, bytes.subarray(i, i + LATIN1_CHUNK) as unknown as number[]));
  }
  return pieces.join('');
}

const NON_ASCII = /[\x80-\xff]/;

/** A part of the datagram as text: as is when ASCII (nearly always), else decoded as UTF-8. */
function partText(raw: string, bytes: Uint8Array, from: number, to: number): string {
  const part = raw.slice(from, to);
  return NON_ASCII.test(part) ? utf8Decode(bytes.subarray(from, to)) : part;
}

/**
 * Parses one SIP message from a UDP datagram. Leading CRLFs (keep-alives, §7.5) are skipped. When
 * Content-Length is present the body is exactly that many bytes: fewer is an error, extra bytes are
 * discarded (§18.3); without it, the rest of the datagram is the body (UDP only, §18.3).
 * The mandatory headers of §8.1.1 (To, From, CSeq, Call-ID, Via; Max-Forwards is not checked)
 * must be present, and the single-valued ones appear once (§7.3.1, §20).
 * Throws SipParseError and nothing else: a SipRequestError when the datagram is a request that can
 * be answered (400 or 505), a plain SipParseError when it can only be dropped.
 */
export function parseMessage(data: Uint8Array): SipMessage {
  if (data.length > MAX_SIP_MESSAGE) throw new SipParseError('message too large');
  const raw = latin1(data);
  let start = 0;
  while (raw.startsWith('\r\n', start)) start += 2;
  const end = raw.indexOf('\r\n\r\n', start);
  if (end < 0) throw new SipParseError('no empty line after the headers');
  const lines = partText(raw, data, start, end).split('\r\n');
  const startLine = lines[0];
  const { headers, defect } = splitHeaders(lines);
  const fail = (reason: string, status: 400 | 505 = 400): never => {
    throw refusal(startLine, headers, reason, status);
  };
  const kind = parseStartLine(startLine, fail);
  if (defect !== undefined) fail(defect);

  const bodyStart = end + 4;
  let bodyEnd = data.length;
  const lengths = headers.filter((h) => h.name === 'Content-Length');
  if (lengths.length > 1) fail('more than one Content-Length');
  if (lengths.length === 1) {
    if (!isDigits(lengths[0].value, 6)) fail('Content-Length is not a number');
    const n = Number(lengths[0].value);
    if (n > bodyEnd - bodyStart) fail('body shorter than Content-Length');
    bodyEnd = bodyStart + n;
  }
  const body = partText(raw, data, bodyStart, bodyEnd);
  const message: SipMessage = { ...kind, headers, body };
  let method: string;
  try {
    // The fields every layer reads, parsed here once (fields.ts).
    method = parseFields(message).cseq.method;
  } catch (e) {
    if (!(e instanceof SipParseError)) throw e;
    return fail(e.message);
  }
  if (kind.kind === 'request' && method !== kind.method) fail('CSeq method differs from the request method');
  return message;
}

/**
 * The header lines after the start line, unfolded (§7.3.1), with the first line that breaks the
 * grammar: the others are still collected, so that a bad request can be answered.
 */
function splitHeaders(lines: readonly string[]): { headers: SipHeader[]; defect?: string } {
  const headers: SipHeader[] = [];
  let defect: string | undefined;
  let pending: { name: string; value: string } | undefined;
  const flush = (): void => {
    if (pending === undefined) return;
    const value = pending.value.trim();
    // CR and LF never belong in a value, NUL only as a quoted-pair (§25.1).
    if (hasBareControl(value)) defect ??= `control character in ${pending.name}`;
    else headers.push({ name: pending.name, value });
    pending = undefined;
  };
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    const first = line.charCodeAt(0);
    if (first === 32 || first === 9) {
      // Folded continuation (LWS = [*WSP CRLF] 1*WSP, §25.1): replaced by a single space.
      if (pending === undefined) defect ??= 'continuation line before any header';
      else pending.value += ' ' + line.trim();
      continue;
    }
    flush();
    const colon = line.indexOf(':');
    // The line does not start with WSP (that is a continuation): trimming drops only what precedes the colon.
    const rawName = colon <= 0 ? '' : trimWsp(line.slice(0, colon));
    if (colon <= 0 || !isToken(rawName)) defect ??= `malformed header line: ${line.slice(0, 40)}`;
    else pending = { name: canonicalHeaderName(rawName), value: line.slice(colon + 1) };
  }
  flush();
  return defect === undefined ? { headers } : { headers, defect };
}

/**
 * What a message that breaks a rule becomes: a SipRequestError when it is a request other than
 * ACK that carries the header fields its response copies (§8.2.6.2), else a SipParseError to drop.
 */
function refusal(startLine: string, headers: readonly SipHeader[], reason: string, status: 400 | 505): SipParseError {
  if (startLine.startsWith('SIP/')) return new SipParseError(reason);
  const sp = startLine.indexOf(' ');
  const method = sp > 0 && isToken(startLine.slice(0, sp)) ? startLine.slice(0, sp) : '';
  const answerable = method !== 'ACK' && RESPONSE_COPIES.every((name) => headers.some((h) => h.name === name));
  return answerable ? new SipRequestError(reason, status, method, headers) : new SipParseError(reason);
}


type StartLine = { kind: 'request'; method: string; uri: string } | { kind: 'response'; status: number; reason: string };

function parseStartLine(line: string, fail: (reason: string, status?: 400 | 505) => never): StartLine {
  if (line.startsWith('SIP/')) {
    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase (§7.2)
    const code = line.slice(8, 11);
    if (!line.startsWith('SIP/2.0 ') || line.charCodeAt(11) !== 32 || !isDigits(code, 3) || code < '100' || code > '699' || line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
      fail(`malformed status line: ${line.slice(0, 60)}`);
    }
    return { kind: 'response', status: Number(code), reason: line.slice(12) };
  }
  // Request-Line = Method SP Request-URI SP SIP-Version (§7.1)
  const parts = line.split(' ');
  if (parts.length === 3 && parts[2] !== 'SIP/2.0' && isSipVersion(parts[2])) fail(`SIP version ${parts[2].slice(0, 20)} is not supported`, 505);
  if (parts.length !== 3 || parts[2] !== 'SIP/2.0') fail(`malformed request line: ${line.slice(0, 60)}`);
  const [method, uri] = parts;
  if (!isToken(method)) fail('invalid method');
  if (!isAbsoluteUri(uri)) fail('invalid Request-URI');
  const scheme = uri.slice(0, uri.indexOf(':')).toLowerCase();
  if (scheme === 'sip' || scheme === 'sips') {
    // A SIP Request-URI must parse, and may not carry headers (§19.1.1, Table 1). Other schemes
    // are left to the user agent (416, §8.2.2.1).
    let headersInUri = false;
    try {
      headersInUri = parseUri(uri).headers !== undefined;
    } catch (e) {
      if (!(e instanceof SipParseError)) throw e;
      fail(e.message);
    }
    if (headersInUri) fail('headers in the Request-URI');
  }
  return { kind: 'request', method, uri };
}

/** SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT (§7.1). */
function isSipVersion(text: string): boolean {
  const dot = text.indexOf('.');
  return text.startsWith('SIP/') && dot > 4 && isDigits(text.slice(4, dot), 5) && isDigits(text.slice(dot + 1), 5);
}

/** Serializes a message; Content-Length is always written from the body's UTF-8 length. */
export function serializeMessage(message: SipMessage): Uint8Array {
  const body = utf8Encode(message.body);
  let text = message.kind === 'request'
    ? `${message.method} ${message.uri} SIP/2.0\r\n`
    : `SIP/2.0 ${message.status} ${message.reason}\r\n`;
  for (const h of message.headers) {
    if (h.name === 'Content-Length') continue;
    text += `${h.name}: ${h.value}\r\n`;
  }
  text += `Content-Length: ${body.length}\r\n\r\n`;
  const head = utf8Encode(text);
  const out = new Uint8Array(head.length + body.length);
  out.set(head, 0);
  out.set(body, head.length);
  return out;
}
