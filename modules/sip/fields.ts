// The typed header fields every layer reads (RFC 3261 §8.1.1, §20): Via (§20.42), From and To with
// their tags (§20.20, §20.39), Call-ID (§20.8), CSeq (§20.16), Contact (§20.10) and Content-Type
// (§20.15). parseMessage parses them once, when the message arrives; transactions, dialogs and the
// user agent core read them from here instead of parsing header strings again. Content-Length is
// consumed by the framing (message.ts, §18.3) and not kept.

import { SipParseError } from './errors.js';
import { headerValue, headerValues, splitList } from './header-list.js';
import { formatVia, parseCSeq, parseNameAddr, parseVia, type CSeq, type NameAddr, type Via } from './headers.js';
import type { SipHeader, SipMessage } from './message.js';

export interface MessageFields {
  /** Every Via, the top one (the sender's, §8.1.1.7) first. */
  readonly vias: readonly Via[];
  readonly from: NameAddr;
  readonly to: NameAddr;
  readonly callId: string;
  readonly cseq: CSeq;
  /**
   * The Contact values; a malformed one is kept as its error, thrown where a Contact is read: a
   * message whose optional Contact is bad is refused only by the handlers that need it.
   */
  readonly contacts: readonly NameAddr[] | SipParseError;
  readonly contentType: string | undefined;
}

/** The header fields a response copies from its request (§8.2.6.2): every message carries them. */
export const RESPONSE_COPIES = ['Via', 'From', 'To', 'Call-ID', 'CSeq'];

/** Header fields a message carries at most once (§20); Content-Length is checked with the body. */
const SINGLE = ['To', 'From', 'CSeq', 'Call-ID', 'Content-Type'];

/**
 * The fields of each header list parsed so far. A message's headers are never changed once built,
 * so its fields are parsed once; a copy with other headers is another list, parsed on its own.
 */
const parsed = new WeakMap<readonly SipHeader[], MessageFields>();

/**
 * Parses the fields of a message: the headers of §8.1.1 must be present and well formed, the
 * single-valued ones appear once (§7.3.1, §20). Throws SipParseError.
 */
export function parseFields(message: SipMessage): MessageFields {
  const count: Record<string, number> = {};
  for (const h of message.headers) count[h.name] = (count[h.name] ?? 0) + 1;
  for (const name of RESPONSE_COPIES) if (count[name] === undefined) throw new SipParseError(`missing ${name} header`);
  for (const name of SINGLE) if (count[name] > 1) throw new SipParseError(`more than one ${name} header`);
  const viaValues = headerValues(message, 'Via');
  if (viaValues.length === 0) throw new SipParseError('empty Via');
  const vias = viaValues.map(parseVia);
  const from = parseNameAddr(headerValue(message, 'From')!);
  const to = parseNameAddr(headerValue(message, 'To')!);
  const cseq = parseCSeq(headerValue(message, 'CSeq')!);
  const callId = headerValue(message, 'Call-ID')!;
  if (callId.length === 0) throw new SipParseError('empty Call-ID');
  let contacts: readonly NameAddr[] | SipParseError;
  try {
    contacts = headerValues(message, 'Contact').map(parseNameAddr);
  } catch (e) {
    if (!(e instanceof SipParseError)) throw e;
    contacts = e;
  }
  const fields: MessageFields = { vias, from, to, callId, cseq, contacts, contentType: headerValue(message, 'Content-Type') };
  parsed.set(message.headers, fields);
  return fields;
}

/** The fields of a message: those parsed when it arrived, else (a message built here) parsed now, once. */
export function fieldsOf(message: SipMessage): MessageFields {
  return parsed.get(message.headers) ?? parseFields(message);
}

/** The Contact values (§20.10); throws the SipParseError of a malformed one. */
export function contactsOf(message: SipMessage): readonly NameAddr[] {
  const contacts = fieldsOf(message).contacts;
  if (contacts instanceof SipParseError) throw contacts;
  return contacts;
}

/**
 * A copy of `message` whose top Via is `via` (written with formatVia), its fields carried over
 * with that Via: the transport layer's stamp on a received request (§18.2.1) parses nothing again.
 */
export function withTopVia<M extends SipMessage>(message: M, via: Via): M {
  const fields = fieldsOf(message);
  let placed = false;
  const headers = message.headers.map((h) => {
    if (placed || h.name !== 'Via') return h;
    placed = true;
    // The first element of the first Via line is the top Via (§7.3.1: a line may hold several).
    return { name: 'Via', value: [formatVia(via), ...splitList(h.value).slice(1)].join(', ') };
  });
  parsed.set(headers, { ...fields, vias: [via, ...fields.vias.slice(1)] });
  return { ...message, headers };
}
