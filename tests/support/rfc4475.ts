// RFC 4475's 49 torture messages (tests/fixtures/rfc4475) and what the user agent, a UAS desk
// phone, must do with each, from the RFC's §3 text (quoted beside each); plus a small virtual-time
// host that feeds one datagram to a fresh user agent. Pure, so that it runs on Node and on XS.

import { parseMessage, type SipResponse } from '../../modules/sip/message.js';
import { UserAgent, type HostPort, type UaAction, type UaEvent } from '../../modules/sip/user-agent.js';
import { seededRandom } from '../unit/sip-test-network.js';

export const PHONE: HostPort = { address: '192.0.2.200', port: 5060 };
export const PEER: HostPort = { address: '192.0.2.1', port: 5060 };

/**
 * What the phone does with a message: one final response; ring (100 Trying and a call on the
 * screen); ignore (a well-formed response to no request of ours); drop (malformed, counted).
 */
export type Outcome = number | 'ring' | 'ignore' | 'drop';

// [file, RFC 4475 section, outcome, the RFC's words for it]
export const CASES: readonly (readonly [string, string, Outcome, string])[] = [
  // §3.1.1 valid messages
  ['wsinv', '3.1.1.1', 481, 'All elements should treat this as a well-formed request. (Its To has a tag of no dialog here: 481, RFC 3261 §12.2.2.)'],
  ['intmeth', '3.1.1.2', 501, 'Endpoints will generate a 501 listing the methods they understand in an Allow header field.'],
  ['esc01', '3.1.1.3', 'ring', 'A parser must accept this as a well-formed message.'],
  ['escnull', '3.1.1.4', 405, 'parsers must accept this message. (A REGISTER: "Endpoints choosing not to act as registrars will simply reject the request. A 405 Method Not Allowed is appropriate", §3.3.7.)'],
  ['esc02', '3.1.1.5', 501, 'An endpoint would reject this message with a 501.'],
  ['lwsdisp', '3.1.1.6', 200, 'Elements should accept this request as well formed.'],
  ['longreq', '3.1.1.7', 'ring', 'This well-formed request contains header fields with many values and values that are very long.'],
  ['dblreq', '3.1.1.8', 405, 'A SIP element receiving this datagram would handle the REGISTER request normally and ignore the extra bits that look like an INVITE request.'],
  ['semiuri', '3.1.1.9', 200, 'Receiving elements will accept this as a well-formed message.'],
  ['transports', '3.1.1.10', 200, 'Parsers must accept this message as well formed.'],
  ['mpart01', '3.1.1.11', 405, 'Parsers must accept this message as well formed, even if the application above the parser does not support multipart/signed. (MESSAGE is a method the phone knows but does not take: 405, RFC 3261 §8.2.1.)'],
  ['unreason', '3.1.1.12', 'ignore', 'This response is well formed. (It answers no request of ours: ignored.)'],
  ['noreason', '3.1.1.13', 'ignore', 'This well-formed response contains no reason phrase. (It answers no request of ours: ignored.)'],
  // §3.1.2 invalid messages
  ['badinv01', '3.1.2.1', 400, 'An element receiving this request should respond with a 400 Bad Request error.'],
  ['clerr', '3.1.2.2', 400, 'When sent over UDP (as this message ostensibly was), the receiving element should respond with a 400 Bad Request error.'],
  ['ncl', '3.1.2.3', 400, 'An element receiving this message should respond with an error.'],
  ['scalar02', '3.1.2.4', 400, 'An element receiving this request should respond with a 400 Bad Request due to the CSeq error.'],
  ['scalarlg', '3.1.2.5', 'drop', 'An element receiving this response will simply discard it.'],
  ['quotbal', '3.1.2.6', 400, 'An element receiving this request should return a 400 Bad Request error.'],
  ['ltgtruri', '3.1.2.7', 400, 'It is reasonable always to reject a request with this error with a 400 Bad Request.'],
  ['lwsruri', '3.1.2.8', 400, 'An element receiving this request should respond with a 400 Bad Request.'],
  ['lwsstart', '3.1.2.9', 400, 'It is acceptable to reject this request as malformed.'],
  ['trws', '3.1.2.10', 400, 'It is acceptable to reject this request as malformed.'],
  ['escruri', '3.1.2.11', 400, 'It is acceptable for an element to reject this request with a 400 Bad Request.'],
  ['baddate', '3.1.2.12', 'ring', "an element shouldn't do that unless the contents of the Date header field were actually important to its processing."],
  ['regbadct', '3.1.2.13', 405, 'It is reasonable for an element receiving this request to respond with a 400 Bad Request. (A REGISTER: the phone refuses the method before it would read a Contact, RFC 3261 §8.2.1.)'],
  ['badaspec', '3.1.2.14', 200, 'Parsers receiving this request must not break. ... Elements attempting to be liberal may ignore the spaces.'],
  ['baddn', '3.1.2.15', 400, 'It is reasonable always to reject this kind of error with a 400 Bad Request response.'],
  ['badvers', '3.1.2.16', 505, 'The element should respond to the request with a 505 Version Not Supported error.'],
  ['mismatch01', '3.1.2.17', 400, 'Any element receiving this request will respond with a 400 Bad Request.'],
  ['mismatch02', '3.1.2.18', 501, 'Any element receiving this response should respond with a 501 Not Implemented.'],
  ['bigcode', '3.1.2.19', 'drop', 'An element receiving this response should simply drop it.'],
  // §3.2 transaction layer
  ['badbranch', '3.2.1', 200, 'A parser must not break when receiving this message. ... or it could fall back to the RFC 2543-style transaction identifier.'],
  // §3.3 application layer
  ['insuf', '3.3.1', 'drop', 'An element receiving this message must not break because of the missing information. (Without From, To and Call-ID no response can be built, RFC 3261 §8.2.6.2.)'],
  ['unkscm', '3.3.2', 416, 'An element receiving this request will reject it with a 416 Unsupported URI Scheme response.'],
  ['novelsc', '3.3.3', 416, 'If an element will never accept this scheme as meaningful in a Request-URI, it is appropriate to treat it as unknown and return a 416 Unsupported URI Scheme response.'],
  ['unksm2', '3.3.4', 405, 'Parsers must not fail when receiving this message. (A REGISTER: 405, §3.3.7.)'],
  ['bext01', '3.3.5', 420, 'Any element receiving this request will respond with a 420 Bad Extension response, containing an Unsupported header field listing these features.'],
  ['invut', '3.3.6', 415, 'An endpoint receiving this request would reject it with a 415 Unsupported Media Type error.'],
  ['regaut01', '3.3.7', 405, 'Endpoints choosing not to act as registrars will simply reject the request. A 405 Method Not Allowed is appropriate.'],
  ['multi01', '3.3.8', 400, 'An element receiving this request would respond with a 400 Bad Request error.'],
  ['mcl01', '3.3.9', 400, 'An element receiving this message should respond with an error.'],
  ['bcast', '3.3.10', 'ignore', 'Per [RFC3261], an endpoint receiving this message should simply discard it.'],
  ['zeromf', '3.3.11', 200, 'An endpoint should process the request as if the Max-Forwards field value were still positive.'],
  ['cparam01', '3.3.12', 405, 'This REGISTER should succeed. (At a registrar; the phone is none: 405, §3.3.7.)'],
  ['cparam02', '3.3.13', 405, 'The register should succeed. (At a registrar; the phone is none: 405, §3.3.7.)'],
  ['regescrt', '3.3.14', 405, 'The register should succeed. (At a registrar; the phone is none: 405, §3.3.7.)'],
  ['sdp01', '3.3.15', 406, 'The recipient of this request could respond with a 406 Not Acceptable.'],
  // §3.4 backward compatibility
  ['inv2543', '3.4.1', 'ring', 'This is a legal message per RFC 2543 (and several bis versions) that should be accepted by RFC 3261 elements that want to maintain backwards compatibility.'],
];

/** A response as sent: status from the status line, and the message when our own parser reads it back. */
export interface Sent {
  readonly status: number;
  readonly message?: SipResponse;
  readonly to: HostPort;
}

/** Runs a user agent in virtual time: datagrams in, its sends collected, its timers fired in order. */
export class Harness {
  readonly ua = new UserAgent({ account: { user: 'phone', domain: 'example.com', password: 'x' }, local: PHONE, random: seededRandom(4475) });
  readonly sent: Sent[] = [];
  readonly events: UaEvent[] = [];
  private readonly timers = new Map<string, number>();
  private now = 0;

  receive(data: Uint8Array): void {
    this.apply(this.ua.receive(data, PEER));
  }

  apply(actions: UaAction[]): void {
    for (const a of actions) {
      if (a.type === 'send') {
        let message: SipResponse | undefined;
        try {
          const m = parseMessage(a.data);
          if (m.kind === 'response') message = m;
        } catch {
          // A stateless 400 copies a To that does not parse (quotbal): its status line still tells.
        }
        this.sent.push({ status: statusOf(a.data), to: { address: a.address, port: a.port }, ...(message ? { message } : {}) });
      } else if (a.type === 'setTimer') this.timers.set(a.key, this.now + a.delayMs);
      else if (a.type === 'clearTimer') this.timers.delete(a.key);
      else this.events.push(a.event);
    }
  }

  /** Fires every timer, earliest first, until none is left (bounded). */
  runTimers(): void {
    for (let guard = 0; guard < 1000 && this.timers.size > 0; guard++) {
      let next: [string, number] | undefined;
      for (const t of this.timers) if (next === undefined || t[1] < next[1]) next = t;
      this.timers.delete(next![0]);
      this.now = next![1];
      this.apply(this.ua.timerFired(next![0]));
    }
  }

  get pendingTimers(): number {
    return this.timers.size;
  }
}

/** The status code of a response as sent (0 for a request): "SIP/2.0 " then three digits. */
function statusOf(data: Uint8Array): number {
  const text = String.fromCharCode(...data.subarray(0, 11));
  return text.startsWith('SIP/2.0 ') ? Number(text.slice(8, 11)) : 0;
}

/** Declines what rang, as the phone's user would, and runs every timer out. */
export function settle(h: Harness): void {
  for (const e of h.events) if (e.type === 'incomingCall') h.apply(h.ua.hangup(e.callId));
  h.runTimers();
}

/** What one message does to a fresh user agent, everything that the outcome table can be checked against. */
export interface Summary {
  readonly statuses: readonly number[];
  readonly events: readonly string[];
  readonly dropped: number;
  readonly left: { calls: number; clientTransactions: number; serverTransactions: number; timers: number };
}

export function summarize(data: Uint8Array): Summary {
  const h = new Harness();
  h.receive(data);
  const statuses = h.sent.map((s) => s.status);
  const events = h.events.map((e) => e.type);
  settle(h);
  return { statuses, events, dropped: h.ua.droppedMessages, left: h.ua.stats() };
}

/** Whether a summary is the outcome the table gives (after the user declined what rang). */
export function meets(summary: Summary, outcome: Outcome): boolean {
  const none = summary.left.calls + summary.left.clientTransactions + summary.left.serverTransactions + summary.left.timers === 0;
  const finals = summary.statuses.filter((s) => s >= 200);
  if (outcome === 'drop' || outcome === 'ignore') return none && summary.statuses.length === 0 && summary.events.length === 0 && summary.dropped === (outcome === 'drop' ? 1 : 0);
  if (outcome === 'ring') return none && summary.statuses[0] === 100 && summary.events.length === 1 && summary.events[0] === 'incomingCall';
  return none && summary.events.length === 0 && finals.length === 1 && finals[0] === outcome;
}
