// Responses a UAS builds (RFC 3261 §8.2.6): the header fields copied from the request, the To tag,
// Record-Route for a dialog-creating response (§12.1.1), and the reason phrases of §21.

import { fieldsOf } from './fields.js';
import { headerValue, type SipHeader, type SipRequest, type SipResponse } from './message.js';

/**
 * A response to `request` (§8.2.6.2): Via, From, To (with `toTag` added to a final or 1xx-with-dialog
 * response when the request had none), Call-ID and CSeq as they came, then `extra`.
 */
export function responseTo(request: SipRequest, status: number, reason: string, extra: readonly SipHeader[], body: string, toTag?: string): SipResponse {
  const to = headerValue(request, 'To')!;
  const toValue = fieldsOf(request).to.params.tag === undefined && toTag !== undefined && status > 100 ? `${to};tag=${toTag}` : to;
  const headers: SipHeader[] = [
    ...request.headers.filter((h) => h.name === 'Via'),
    ...(request.method === 'INVITE' && status > 100 && status < 300 ? request.headers.filter((h) => h.name === 'Record-Route') : []),
    { name: 'From', value: headerValue(request, 'From')! },
    { name: 'To', value: toValue },
    { name: 'Call-ID', value: headerValue(request, 'Call-ID')! },
    { name: 'CSeq', value: headerValue(request, 'CSeq')! },
    ...extra,
  ];
  return { kind: 'response', status, reason, headers, body };
}

/** Reason phrases of the responses the UA itself sends (§21). */
export function reasonPhrase(status: number): string {
  const phrases: Record<number, string> = {
    200: 'OK', 400: 'Bad Request', 405: 'Method Not Allowed', 406: 'Not Acceptable', 415: 'Unsupported Media Type',
    416: 'Unsupported URI Scheme', 420: 'Bad Extension', 480: 'Temporarily Unavailable', 481: 'Call/Transaction Does Not Exist', 486: 'Busy Here',
    488: 'Not Acceptable Here', 491: 'Request Pending', 500: 'Server Internal Error', 501: 'Not Implemented',
    505: 'Version Not Supported', 603: 'Decline',
  };
  return phrases[status] ?? 'Error';
}
