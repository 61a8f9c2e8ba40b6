// The 49 SIP torture messages of RFC 4475 (tests/fixtures/rfc4475, decoded from the RFC's own
// archive) fed to the user agent as datagrams, each with the outcome RFC 4475 §3 gives it for a UAS
// (a desk phone is one; it is neither proxy nor registrar). The expected outcomes are written
// from the RFC's text, quoted beside each; then every message must leave no user-agent state behind.
// The table and the virtual-time host are in tests/support/rfc4475.ts (shared with the XS run).

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { parseNameAddr } from '../../modules/sip/headers.js';
import { headerValue, type SipResponse } from '../../modules/sip/message.js';
import { CASES, Harness, PEER, settle } from '../support/rfc4475.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'rfc4475');

const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(DIR, `${name}.dat`)));

/** Everything the UA holds returns to nothing, as the phone's user would leave it (a ringing call declined). */
function expectNoState(h: Harness): void {
  settle(h);
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
