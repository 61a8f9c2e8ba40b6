// A user agent under a flood of requests (issue 13): never-ACKed INVITEs refused while a call rings
// and a stream of OPTIONS must not grow its transactions and timers without bound (each INVITE
// server transaction would otherwise live 32 s, Timer H of RFC 3261 §17.2.1), and the ringing call
// and new OPTIONS must still be served.
import { headerValue, parseMessage, type SipResponse } from '../../modules/sip/message.js';
import { MAX_SERVER_TRANSACTIONS, UserAgent, type HostPort, type UaAction } from '../../modules/sip/user-agent.js';
import { utf8Encode } from '../../modules/util/bytes.js';
import { seededRandom } from './sip-test-network.js';

const BOB: HostPort = { address: '10.0.0.2', port: 5062 };
const ATTACKER: HostPort = { address: '10.0.0.66', port: 5060 };

function request(method: string, id: string, body = ''): Uint8Array {
  return utf8Encode([
    `${method} sip:bob@10.0.0.2:5062 SIP/2.0`, `Via: SIP/2.0/UDP 10.0.0.66:5060;branch=z9hG4bK${id}`, 'Max-Forwards: 70',
    `From: <sip:x@10.0.0.66>;tag=${id}`, 'To: <sip:bob@10.0.0.2>', `Call-ID: ${id}@10.0.0.66`, `CSeq: 1 ${method}`,
    'Contact: <sip:x@10.0.0.66:5060>', `Content-Length: ${body.length}`, '', body,
  ].join('\r\n'));
}

/** Bob's user agent with the phone's behaviour: the first INVITE rings, every other gets 486. */
function bob() {
  const ua = new UserAgent({ account: { user: 'bob', domain: 'example.test', password: 'x' }, local: BOB, random: seededRandom(9) });
  const timers = new Set<string>();
  const sent: SipResponse[] = [];
  let ringing: string | undefined;
  const run = (actions: UaAction[]): void => {
    for (const a of actions) {
      if (a.type === 'setTimer') timers.add(a.key);
      else if (a.type === 'clearTimer') timers.delete(a.key);
      else if (a.type === 'send') sent.push(parseMessage(a.data) as SipResponse);
      else if (a.type === 'event' && a.event.type === 'incomingCall') {
        if (ringing === undefined) {
          ringing = a.event.callId;
          run(ua.ringing(ringing));
        } else run(ua.reject(a.event.callId, 486));
      }
    }
  };
  return { ua, timers, sent, run, ringingCall: () => ringing };
}

describe('user agent under a flood of requests', () => {
  it('keeps at most MAX_SERVER_TRANSACTIONS while 300 never-ACKed INVITEs get 486, and still rings and answers OPTIONS', () => {
    const b = bob();
    b.run(b.ua.receive(request('INVITE', 'first'), ATTACKER));
    expect(b.ringingCall()).toBe('first@10.0.0.66');
    for (let i = 0; i < 300; i++) b.run(b.ua.receive(request('INVITE', `flood${i}`), ATTACKER));
    const busy = b.sent.filter((r) => r.status === 486);
    expect(busy).toHaveLength(300);
    expect(b.ua.stats().serverTransactions).toBeLessThanOrEqual(MAX_SERVER_TRANSACTIONS);
    expect(b.ua.stats().timers).toBeLessThanOrEqual(2 * MAX_SERVER_TRANSACTIONS);
    expect(b.timers.size).toBe(b.ua.stats().timers);

    b.sent.length = 0;
    b.run(b.ua.receive(request('OPTIONS', 'probe'), ATTACKER));
    expect(b.sent.map((r) => [r.status, headerValue(r, 'Call-ID')])).toEqual([[200, 'probe@10.0.0.66']]);
    // The ringing call kept its transaction: it can still be answered with a 200.
    b.sent.length = 0;
    b.run(b.ua.answer('first@10.0.0.66', 'v=0\r\n'));
    expect(b.sent.map((r) => [r.status, headerValue(r, 'Call-ID')])).toEqual([[200, 'first@10.0.0.66']]);
  });

  it('answers every OPTIONS of a 500-request flood with 200 and keeps its state bounded', () => {
    const b = bob();
    for (let i = 0; i < 500; i++) b.run(b.ua.receive(request('OPTIONS', `o${i}`), ATTACKER));
    expect(b.sent.filter((r) => r.status === 200)).toHaveLength(500);
    expect(b.ua.stats().serverTransactions).toBeLessThanOrEqual(MAX_SERVER_TRANSACTIONS);
    expect(b.timers.size).toBeLessThanOrEqual(MAX_SERVER_TRANSACTIONS);
  });

  it('refuses a new request with 503 statelessly when every transaction still awaits its answer', () => {
    const ua = new UserAgent({ account: { user: 'bob', domain: 'example.test', password: 'x' }, local: BOB, random: seededRandom(3) });
    // INVITEs nobody answers: each stays in the proceeding state.
    for (let i = 0; i < MAX_SERVER_TRANSACTIONS; i++) ua.receive(request('INVITE', `wait${i}`), ATTACKER);
    expect(ua.stats().serverTransactions).toBe(MAX_SERVER_TRANSACTIONS);
    const out = ua.receive(request('OPTIONS', 'late'), ATTACKER).filter((a) => a.type === 'send').map((a) => parseMessage((a as { data: Uint8Array }).data) as SipResponse);
    expect(out.map((r) => r.status)).toEqual([503]);
    expect(headerValue(out[0], 'Retry-After')).toBeDefined();
    expect(ua.stats().serverTransactions).toBe(MAX_SERVER_TRANSACTIONS);
  });
});
