// The 49 SIP torture messages of RFC 4475 (tests/fixtures/rfc4475, decoded from the RFC's own
// archive) fed to the user agent as datagrams, each with the outcome RFC 4475 §3 gives it for a UAS
// (a desk phone is one; it is neither proxy nor registrar). The expected outcome is written here
// from the RFC's text, quoted beside each; then every message must leave no user-agent state behind.
// Node only: the fixtures are files read from disk.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { parseNameAddr } from '../../modules/sip/headers.js';
import { headerValue, parseMessage, type SipResponse } from '../../modules/sip/message.js';
import { UserAgent, type HostPort, type UaAction, type UaEvent } from '../../modules/sip/user-agent.js';
import { seededRandom } from '../unit/sip-test-network.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'rfc4475');
const PHONE: HostPort = { address: '192.0.2.200', port: 5060 };
const PEER: HostPort = { address: '192.0.2.1', port: 5060 };

/**
 * What the phone does with a message: one final response; ring (100 Trying and a call on the
 * screen); ignore (a well-formed response to no request of ours); drop (malformed, counted).
 */
type Outcome = number | 'ring' | 'ignore' | 'drop';

// [file, RFC 4475 section, outcome, the RFC's words for it]
const CASES: readonly (readonly [string, string, Outcome, string])[] = [
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

const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(DIR, `${name}.dat`)));

/** A response as sent: status from the status line, and the message when our own parser reads it back. */
interface Sent {
  readonly status: number;
  readonly message?: SipResponse;
  readonly to: HostPort;
}

/** Runs a user agent in virtual time: datagrams in, its sends collected, its timers fired in order. */
class Harness {
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
        const text = new TextDecoder('latin1').decode(a.data);
        let message: SipResponse | undefined;
        try {
          const m = parseMessage(a.data);
          if (m.kind === 'response') message = m;
        } catch {
          // A stateless 400 copies a To that does not parse (quotbal): its status line still tells.
        }
        this.sent.push({ status: text.startsWith('SIP/2.0 ') ? Number(text.slice(8, 11)) : 0, to: { address: a.address, port: a.port }, ...(message ? { message } : {}) });
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

/** Everything the UA holds returns to nothing, as the phone's user would leave it (a ringing call declined). */
function expectNoState(h: Harness): void {
  for (const e of h.events) if (e.type === 'incomingCall') h.apply(h.ua.hangup(e.callId));
  h.runTimers();
  expect(h.ua.stats()).toEqual({ calls: 0, clientTransactions: 0, serverTransactions: 0, timers: 0 });
  expect(h.pendingTimers).toBe(0);
}

describe('RFC 4475 torture messages against the user agent', () => {
  it('has the 49 messages of RFC 4475 §3, one fixture each', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.dat')).map((f) => f.slice(0, -4)).sort();
    expect(CASES).toHaveLength(49);
    expect(files).toEqual(CASES.map((c) => c[0]).sort());
  });

  it.each(CASES)('%s (§%s) → %s', (name, _section, outcome) => {
    const h = new Harness();
    const data = fixture(name);
    const request = new TextDecoder('latin1').decode(data);
    h.receive(data);
    if (outcome === 'drop' || outcome === 'ignore') {
      expect(h.sent).toEqual([]);
      expect(h.events).toEqual([]);
      expect(h.ua.droppedMessages).toBe(outcome === 'drop' ? 1 : 0);
    } else if (outcome === 'ring') {
      expect(h.sent.map((s) => s.status)).toEqual([100]);
      expect(h.events).toEqual([expect.objectContaining({ type: 'incomingCall' })]);
    } else {
      const finals = h.sent.filter((s) => s.status >= 200);
      expect(finals.map((s) => s.status)).toEqual([outcome]);
      expect(h.events).toEqual([]);
      const [answer] = finals;
      // Back to where the datagram came from, with the request's transaction identity (§8.2.6.2).
      expect(answer.to).toEqual(PEER);
      const callId = /^(?:Call-ID|i)[ \t]*:[ \t]*(.*)\r$/im.exec(request)?.[1];
      if (answer.message !== undefined) {
        expect(headerValue(answer.message, 'Call-ID')).toBe(callId);
        expect(parseNameAddr(headerValue(answer.message, 'To')!).params.tag).toBeDefined();
      }
    }
    expectNoState(h);
  });

  it('lists the methods the phone takes in 501 and 405 (§8.2.1), and what it lacks in 420 and 415 (§8.2.2.3, §8.2.3)', () => {
    const answer = (name: string): SipResponse => {
      const h = new Harness();
      h.receive(fixture(name));
      return h.sent.find((s) => s.status >= 200)!.message!;
    };
    expect(headerValue(answer('intmeth'), 'Allow')).toBe('INVITE, ACK, CANCEL, BYE, OPTIONS');
    expect(headerValue(answer('regaut01'), 'Allow')).toBe('INVITE, ACK, CANCEL, BYE, OPTIONS');
    expect(headerValue(answer('bext01'), 'Unsupported')).toBe('nothingSupportsThis, nothingSupportsThisEither');
    expect(headerValue(answer('invut'), 'Accept')).toBe('application/sdp');
    // intmeth's To quotes a NUL (a quoted-pair), and the 501 carries it back unchanged.
    expect(headerValue(answer('intmeth'), 'To')).toContain('NUL:\\\0');
  });

  it('answers a request it refuses statelessly and the same way on a retransmission (§8.2.7)', () => {
    const h = new Harness();
    h.receive(fixture('multi01'));
    h.receive(fixture('multi01'));
    expect(h.sent.map((s) => s.status)).toEqual([400, 400]);
    expect(headerValue(h.sent[0].message!, 'To')).toBe(headerValue(h.sent[1].message!, 'To'));
    expect(h.sent[0].message!.reason).toMatch(/^Bad Request \(more than one (To|From|CSeq|Call-ID) header\)$/);
    expect(h.ua.refusedRequests).toBe(2);
    expectNoState(h);
  });

  it('takes the Contact-less RFC 2543 INVITE to a call that can be answered and ended (§3.4.1)', () => {
    const h = new Harness();
    h.receive(fixture('inv2543'));
    const call = h.events.find((e) => e.type === 'incomingCall');
    expect(call).toMatchObject({ from: 'sip:+13035551111@ift.client.example.net;user=phone' });
    const callId = (call as { callId: string }).callId;
    h.apply(h.ua.answer(callId, 'v=0\r\n'));
    expect(h.sent.map((s) => s.status)).toEqual([100, 200]);
    // No ACK comes: after 64*T1 the phone ends the call with a BYE that goes along the Record-Route.
    h.runTimers();
    expect(h.events.map((e) => e.type)).toEqual(['incomingCall', 'ended']);
    expect(h.ua.stats()).toEqual({ calls: 0, clientTransactions: 0, serverTransactions: 0, timers: 0 });
  });

  it('a retransmitted branchless INVITE is the same transaction (RFC 2543 matching, §17.2.3)', () => {
    const h = new Harness();
    h.receive(fixture('inv2543'));
    h.receive(fixture('inv2543'));
    expect(h.events.filter((e) => e.type === 'incomingCall')).toHaveLength(1);
    expect(h.sent.map((s) => s.status)).toEqual([100, 100]);
    expectNoState(h);
  });

  it('property: any byte changed, added or removed in any of the 49 neither throws nor leaves state', () => {
    const edits = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'insert', 'delete')), { minLength: 1, maxLength: 8 });
    fc.assert(fc.property(fc.constantFrom(...CASES.map((c) => c[0])), edits, (name, list) => {
      const bytes = Array.from(fixture(name));
      for (const [at, value, op] of list) {
        const i = at % Math.max(1, bytes.length);
        if (op === 'set') bytes[i] = value;
        else if (op === 'insert') bytes.splice(i, 0, value);
        else bytes.splice(i, 1);
      }
      const h = new Harness();
      h.receive(Uint8Array.from(bytes));
      for (const s of h.sent) expect(s.to).toEqual(PEER);
      expectNoState(h);
    }), { numRuns: 2000 });
  });
});
