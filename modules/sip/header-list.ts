// Header fields by name (RFC 3261 §7.3): compact forms (§7.3.3) and case-insensitive names (§7.3.1)
// mapped to one canonical spelling, the first value or every value of a header with comma-separated
// lists split (§7.3.1). Values are strings here; fields.ts parses the ones every layer reads.

import type { SipMessage } from './message.js';

/** Compact header names (RFC 3261 §7.3.3, §20 and the IANA registry). */
const COMPACT: Record<string, string> = {
  i: 'Call-ID', m: 'Contact', e: 'Content-Encoding', l: 'Content-Length', c: 'Content-Type',
  f: 'From', s: 'Subject', k: 'Supported', t: 'To', v: 'Via', o: 'Event', r: 'Refer-To',
  u: 'Allow-Events', x: 'Session-Expires', b: 'Referred-By', a: 'Accept-Contact', j: 'Reject-Contact',
  d: 'Request-Disposition', y: 'Identity',
};

/** Canonical spellings of the long names this stack reads or writes (header names are case-insensitive, §7.3.1). */
const CANONICAL: Record<string, string> = {};
for (const name of [
  'Accept', 'Allow', 'Authorization', 'Call-ID', 'Contact', 'Content-Length', 'Content-Type', 'CSeq',
  'Expires', 'From', 'Max-Forwards', 'Min-Expires', 'Proxy-Authenticate', 'Proxy-Authorization',
  'Record-Route', 'Require', 'Route', 'Server', 'Supported', 'To', 'Unsupported', 'User-Agent', 'Via',
  'WWW-Authenticate', 'Content-Encoding', 'Subject', 'Event', 'Refer-To', 'Allow-Events',
  'Session-Expires', 'Referred-By', 'Accept-Contact', 'Reject-Contact', 'Request-Disposition', 'Identity',
]) {
  CANONICAL[name.toLowerCase()] = name;
}

/** The canonical long name of a header name as written on the wire. */
export function canonicalHeaderName(name: string): string {
  const lower = name.toLowerCase();
  if (lower.length === 1 && COMPACT[lower] !== undefined) return COMPACT[lower];
  return CANONICAL[lower] ?? name;
}

/** Headers whose values are never split at commas: their grammar has commas inside one value. */
const UNSPLIT = new Set(['www-authenticate', 'authorization', 'proxy-authenticate', 'proxy-authorization', 'date', 'subject', 'call-id', 'user-agent', 'server']);

/** The first value of a header (by long or compact name), or undefined. */
export function headerValue(message: SipMessage, name: string): string | undefined {
  const canonical = canonicalHeaderName(name);
  for (const h of message.headers) if (h.name === canonical) return h.value;
  return undefined;
}

/**
 * Every value of a header, in order, with comma-separated lists split into their elements
 * (§7.3.1); commas inside quoted strings and <...> do not split.
 */
export function headerValues(message: SipMessage, name: string): string[] {
  const canonical = canonicalHeaderName(name);
  const out: string[] = [];
  const split = !UNSPLIT.has(canonical.toLowerCase());
  for (const h of message.headers) {
    if (h.name !== canonical) continue;
    if (split) for (const v of splitList(h.value)) out.push(v);
    else out.push(h.value);
  }
  return out;
}

/**
 * Splits a header value at the commas that separate list elements. The native split cuts at every
 * comma, and pieces are joined back where the comma was inside a quoted string or <...>: indexing
 * the value character by character is quadratic on XS (see chars.ts).
 */
export function splitList(value: string): string[] {
  const out: string[] = [];
  let quoted = false;
  let angle = false;
  let escaped = false;
  let element: string[] = [];
  for (const piece of value.split(',')) {
    element.push(piece);
    for (const c of piece) {
      if (escaped) escaped = false;
      else if (quoted) {
        if (c === '\\') escaped = true;
        else if (c === '"') quoted = false;
      } else if (c === '"') quoted = true;
      else if (c === '<') angle = true;
      else if (c === '>') angle = false;
    }
    // The comma after this piece: escaped (a quoted-pair), quoted or inside <...>, it belongs to the element.
    if (escaped) {
      escaped = false;
      continue;
    }
    if (quoted || angle) continue;
    out.push(element.join(',').trim());
    element = [];
  }
  if (element.length > 0) out.push(element.join(',').trim());
  return out.filter((v) => v.length > 0);
}
