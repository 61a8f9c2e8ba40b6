// What a UAS checks before it processes a new request (RFC 3261 §8.2), in the section's order:
// method (§8.2.1), Request-URI scheme (§8.2.2.1), Require (§8.2.2.3), body (§8.2.3), then Accept
// (§21.4.7). Merged requests (§8.2.2.2) need the user agent's state and are checked there. Also the
// status for a request the parser refused (SipRequestError): 505, 501 or 400.

import { isToken } from './chars.js';
import type { SipRequestError } from './errors.js';
import { fieldsOf } from './fields.js';
import { headerValues, type SipHeader, type SipRequest } from './message.js';

/** The methods this user agent carries out. */
export const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS';
const IMPLEMENTED = new Set(['INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS']);

/**
 * Methods the phone knows but does not carry out: RFC 3261's REGISTER (a phone is no registrar,
 * RFC 4475 §3.3.7) and the IANA-registered extensions. They get 405; any other method 501 (§8.2.1,
 * §21.5.2). Method names are case-sensitive (§7.1).
 */
const RECOGNIZED = new Set(['REGISTER', 'PRACK', 'SUBSCRIBE', 'NOTIFY', 'PUBLISH', 'INFO', 'REFER', 'MESSAGE', 'UPDATE']);

/** The only body this phone reads (§8.2.3). */
const SDP = 'application/sdp';

export interface Refusal {
  readonly status: number;
  readonly headers: readonly SipHeader[];
}

/** 405 for a recognized method the phone does not carry out, 501 for one it does not know (§8.2.1). */
export function methodRefusal(method: string): Refusal | undefined {
  if (IMPLEMENTED.has(method)) return undefined;
  return { status: RECOGNIZED.has(method) ? 405 : 501, headers: [{ name: 'Allow', value: ALLOW }] };
}

/**
 * The answer to a request the parser refused: 505 for another SIP version; 501 when its method is
 * unknown, which comes first as in §8.2.1 (the grammar of a method one does not know cannot be
 * checked; RFC 4475 §3.1.2.18 prefers 501); 400 otherwise (§21.4.1).
 */
export function malformedStatus(error: SipRequestError): Refusal {
  if (error.status === 505) return { status: 505, headers: [] };
  const method = isToken(error.method) ? methodRefusal(error.method) : undefined;
  return method?.status === 501 ? method : { status: 400, headers: [] };
}

/** The checks of §8.2.1-§8.2.3 and Accept (§21.4.7) on a new request: the refusal, or undefined to go on. */
export function checkRequest(request: SipRequest): Refusal | undefined {
  const method = methodRefusal(request.method);
  if (method !== undefined) return method;
  const scheme = request.uri.slice(0, request.uri.indexOf(':')).toLowerCase();
  if (scheme !== 'sip' && scheme !== 'sips') return { status: 416, headers: [] };
  // No option tag is supported: every one in Require is unsupported (§8.2.2.3; CANCEL never gets here).
  const require = headerValues(request, 'Require');
  if (require.length > 0) return { status: 420, headers: [{ name: 'Unsupported', value: require.join(', ') }] };
  if (request.body !== '' && !isSdpBody(request)) {
    return { status: 415, headers: [{ name: 'Accept', value: SDP }, { name: 'Accept-Encoding', value: 'identity' }] };
  }
  if (request.method === 'INVITE' && !acceptsSdp(request)) return { status: 406, headers: [] };
  return undefined;
}

/** A body of type application/sdp (parameters aside) without a content coding (§8.2.3, §20.12, §20.15). */
function isSdpBody(request: SipRequest): boolean {
  const type = fieldsOf(request).contentType;
  if (type === undefined || mediaType(type) !== SDP) return false;
  return headerValues(request, 'Content-Encoding').every((c) => c.toLowerCase() === 'identity');
}

/**
 * Whether the answers to this INVITE may carry SDP, the phone's only body: no Accept means
 * application/sdp (§20.1); an empty one accepts nothing; else a range must match (RFC 4475 §3.3.15).
 */
function acceptsSdp(request: SipRequest): boolean {
  const present = request.headers.some((h) => h.name === 'Accept');
  if (!present) return true;
  return headerValues(request, 'Accept').some((range) => {
    const type = mediaType(range);
    return type === SDP || type === 'application/*' || type === '*/*';
  });
}

/** "type/subtype" of a media-type or media-range, lower-cased, parameters and white space dropped. */
function mediaType(value: string): string {
  const semi = value.indexOf(';');
  const bare = semi < 0 ? value : value.slice(0, semi);
  // Native splits: indexing a long string character by character is quadratic on XS (chars.ts).
  return bare.split(' ').join('').split('\t').join('').toLowerCase();
}
