import { digestResponse } from '../../modules/sip/digest.js';
import { parseAuth } from '../../modules/sip/headers.js';
import { headerValue, parseMessage, serializeMessage, type SipRequest } from '../../modules/sip/message.js';
import { UserAgent, type HostPort, type UaAction, type UaConfig } from '../../modules/sip/user-agent.js';
import { utf8Encode } from '../../modules/util/bytes.js';
import { seededRandom, TestNetwork, uaEndpoint, type Endpoint, type Wire } from './sip-test-network.js';

const ALICE: HostPort = { address: '10.0.0.1', port: 5060 };
const BOB: HostPort = { address: '10.0.0.2', port: 5062 };
const BOB_URI = 'sip:bob@10.0.0.2:5062';

function config(user: string, local: HostPort, seed: number, extra: Partial<UaConfig> = {}): UaConfig {
  return { account: { user, domain: 'example.test', password: `${user}-secret` }, local, random: seededRandom(seed), ...extra };
}

function setup() {
  const net = new TestNetwork();
  const alice = new UserAgent(config('alice', ALICE, 1));
  const bob = new UserAgent(config('bob', BOB, 2));
  const a = uaEndpoint('alice', alice, ALICE);
  const b = uaEndpoint('bob', bob, BOB);
  net.add(a);
  net.add(b);
  return { net, alice, bob, a, b };
}

const methods = (wire: Wire[]): string[] => wire.map((w) => (w.message.kind === 'request' ? `${w.from}:${w.message.method}` : `${w.from}:${w.message.status}`));

/** Starts a call from alice to bob and returns its Call-ID once bob has been offered it. */
function call(s: ReturnType<typeof setup>): string {
  const { callId, actions } = s.alice.invite(BOB_URI, 'offer-sdp');
  s.net.apply(s.a, actions);
  s.net.run(s.net.now + 20);
  return callId;
}

function established(s: ReturnType<typeof setup>): string {
  const id = call(s);
  s.net.apply(s.b, s.bob.ringing(id));
  s.net.run(s.net.now + 20);
  s.net.apply(s.b, s.bob.answer(id, 'answer-sdp'));
  s.net.run(s.net.now + 20);
  return id;
}

function expectClean(s: ReturnType<typeof setup>): void {
  s.net.run(s.net.now + 64 * 500 + 5000);
  for (const ua of [s.alice, s.bob]) expect(ua.stats()).toEqual({ calls: 0, clientTransactions: 0, serverTransactions: 0, timers: 0 });
  expect(s.net.pendingTimers).toBe(0);
}

describe('user agent: calls', () => {
  it('sets up a call with 100/180/200/ACK and tears it down with BYE, leaving no state', () => {
    const s = setup();
    const id = call(s);
    expect(s.net.eventsOf('bob')).toEqual([{ type: 'incomingCall', callId: id, from: 'sip:alice@example.test', sdp: 'offer-sdp' }]);
    s.net.apply(s.b, s.bob.ringing(id));
    s.net.run(s.net.now + 20);
    s.net.apply(s.b, s.bob.answer(id, 'answer-sdp'));
    s.net.run(s.net.now + 20);
    expect(s.net.eventsOf('alice')).toEqual([
      { type: 'progress', callId: id, status: 180, sdp: '' },
      { type: 'answered', callId: id, sdp: 'answer-sdp' },
    ]);
    expect(s.net.eventsOf('bob')[1]).toEqual({ type: 'confirmed', callId: id, sdp: '' });
    s.net.apply(s.a, s.alice.hangup(id));
    s.net.run(s.net.now + 20);
    expect(s.net.eventsOf('alice')[2]).toEqual({ type: 'ended', callId: id, reason: 'local-bye' });
    expect(s.net.eventsOf('bob')[2]).toEqual({ type: 'ended', callId: id, reason: 'remote-bye' });
    expect(methods(s.net.wire)).toEqual(['alice:INVITE', 'bob:100', 'bob:180', 'bob:200', 'alice:ACK', 'alice:BYE', 'bob:200']);
    const ok = s.net.wire[3].message;
    expect(headerValue(ok, 'To')).toMatch(/;tag=[0-9a-f]+$/);
    expect(headerValue(ok, 'Contact')).toBe('<sip:bob@10.0.0.2:5062>');
    expectClean(s);
  });

  it.each([[486], [488], [603]])('reports a %d rejection to the caller, who ACKs it', (status) => {
    const s = setup();
    const id = call(s);
    s.net.apply(s.b, s.bob.reject(id, status));
    s.net.run(s.net.now + 20);
    expect(s.net.eventsOf('alice')).toHaveLength(1);
    expect(s.net.eventsOf('alice')[0]).toMatchObject({ type: 'failed', callId: id, status });
    expect(methods(s.net.wire)).toEqual(['alice:INVITE', 'bob:100', `bob:${status}`, 'alice:ACK']);
    expectClean(s);
  });

  it('cancels a ringing call: CANCEL/200, 487/ACK (§9)', () => {
    const s = setup();
    const id = call(s);
    s.net.apply(s.b, s.bob.ringing(id));
    s.net.run(s.net.now + 20);
    s.net.apply(s.a, s.alice.hangup(id));
    s.net.run(s.net.now + 20);
    expect(s.net.eventsOf('bob')[1]).toEqual({ type: 'ended', callId: id, reason: 'cancelled' });
    expect(s.net.eventsOf('alice')[1]).toEqual({ type: 'ended', callId: id, reason: 'cancelled' });
    expect(methods(s.net.wire)).toEqual(['alice:INVITE', 'bob:100', 'bob:180', 'alice:CANCEL', 'bob:200', 'bob:487', 'alice:ACK']);
    expectClean(s);
  });

  it('waits for a provisional response before sending CANCEL (§9.1)', () => {
    const s = setup();
    const { callId, actions } = s.alice.invite(BOB_URI, 'offer');
    s.net.apply(s.a, actions);
    s.net.apply(s.a, s.alice.hangup(callId));
    expect(methods(s.net.wire)).toEqual(['alice:INVITE']);
    s.net.run(s.net.now + 50);
    expect(methods(s.net.wire).slice(0, 3)).toEqual(['alice:INVITE', 'bob:100', 'alice:CANCEL']);
    expect(s.net.eventsOf('alice')).toEqual([{ type: 'ended', callId, reason: 'cancelled' }]);
    expectClean(s);
  });

  it('completes a call through loss: INVITE and 200 are retransmitted (§17.1.1.2, §13.3.1.4)', () => {
    const s = setup();
    let invites = 0;
    let oks = 0;
    s.net.deliver = (w) => {
      if (w.message.kind === 'request' && w.message.method === 'INVITE') return ++invites > 2;
      if (w.message.kind === 'response' && w.message.status === 200) return ++oks > 1;
      return true;
    };
    const { callId, actions } = s.alice.invite(BOB_URI, 'offer');
    s.net.apply(s.a, actions);
    s.net.run(2000);
    s.net.apply(s.b, s.bob.answer(callId, 'answer'));
    s.net.run(4000);
    expect(invites).toBe(3);
    expect(oks).toBe(2);
    expect(s.net.eventsOf('alice').map((e) => e.type)).toEqual(['answered']);
    expect(s.net.eventsOf('bob').map((e) => e.type)).toEqual(['incomingCall', 'confirmed']);
    s.net.apply(s.b, s.bob.hangup(callId));
    expectClean(s);
  });

  it('answers INVITE retransmissions that cross its 2xx with the 2xx again, not as a new call', () => {
    const s = setup();
    // The caller hears nothing (100 and the first two 200s lost), so it keeps retransmitting the INVITE.
    let oks = 0;
    s.net.deliver = (w) => !(w.message.kind === 'response' && (w.message.status === 100 || (w.message.status === 200 && ++oks <= 2)));
    const { callId, actions } = s.alice.invite(BOB_URI, 'offer');
    s.net.apply(s.a, actions);
    s.net.run(10);
    s.net.apply(s.b, s.bob.answer(callId, 'answer'));
    s.net.run(5000);
    expect(s.net.eventsOf('alice').map((e) => e.type)).toEqual(['answered']);
    expect(s.net.eventsOf('bob').map((e) => e.type)).toEqual(['incomingCall', 'confirmed']);
    expect(methods(s.net.wire).filter((m) => m === 'bob:482')).toEqual([]);
    s.net.apply(s.a, s.alice.hangup(callId));
    expectClean(s);
  });

  it('re-sends the ACK for each retransmitted 2xx (§13.2.2.4)', () => {
    const s = setup();
    let acks = 0;
    s.net.deliver = (w) => !(w.message.kind === 'request' && w.message.method === 'ACK' && ++acks <= 2);
    const id = established(s);
    s.net.run(s.net.now + 3000);
    expect(acks).toBe(3);
    expect(s.net.eventsOf('bob').map((e) => e.type)).toEqual(['incomingCall', 'confirmed']);
    s.net.apply(s.a, s.alice.hangup(id));
    expectClean(s);
  });

  it('ends the call with BYE when the ACK never comes (§13.3.1.4)', () => {
    const s = setup();
    s.net.deliver = (w) => !(w.message.kind === 'request' && w.message.method === 'ACK');
    const id = established(s);
    s.net.run(s.net.now + 64 * 500 + 100);
    expect(s.net.eventsOf('bob').slice(-1)).toEqual([{ type: 'ended', callId: id, reason: 'ack-timeout' }]);
    expect(s.net.eventsOf('alice').slice(-1)).toEqual([{ type: 'ended', callId: id, reason: 'remote-bye' }]);
    expectClean(s);
  });

  it('defers the callee\'s BYE until the ACK arrives (§15)', () => {
    const s = setup();
    const id = call(s);
    s.net.apply(s.b, s.bob.answer(id, 'answer'));
    s.net.apply(s.b, s.bob.hangup(id));
    s.net.run(s.net.now + 50);
    expect(methods(s.net.wire)).toEqual(['alice:INVITE', 'bob:100', 'bob:200', 'alice:ACK', 'bob:BYE', 'alice:200']);
    expectClean(s);
  });
});

describe('user agent: re-INVITE (§14)', () => {
  it('re-negotiates in both directions and accepts a 488 refusal without ending the call', () => {
    const s = setup();
    const id = established(s);
    s.net.apply(s.a, s.alice.reinvite(id, 'rekey-offer'));
    s.net.run(s.net.now + 20);
    expect(s.net.eventsOf('bob').slice(-1)).toEqual([{ type: 'reinvite', callId: id, sdp: 'rekey-offer' }]);
    s.net.apply(s.b, s.bob.acceptReinvite(id, 'rekey-answer'));
    s.net.run(s.net.now + 20);
    expect(s.net.eventsOf('alice').slice(-1)).toEqual([{ type: 'reinviteAnswered', callId: id, sdp: 'rekey-answer' }]);
    // Alice's ACK puts the new session in force on Bob's side too.
    expect(s.net.eventsOf('bob').slice(-1)).toEqual([{ type: 'reinviteConfirmed', callId: id, sdp: '' }]);
    s.net.apply(s.b, s.bob.reinvite(id, 'hold-offer'));
    s.net.run(s.net.now + 20);
    s.net.apply(s.a, s.alice.rejectReinvite(id, 488));
    s.net.run(s.net.now + 20);
    expect(s.net.eventsOf('bob').slice(-1)).toEqual([{ type: 'reinviteFailed', callId: id, status: 488, reason: 'Not Acceptable Here' }]);
    const reinvites = s.net.wire.filter((w) => w.message.kind === 'request' && w.message.method === 'INVITE').map((w) => headerValue(w.message, 'CSeq'));
    expect(reinvites.length).toBe(3);
    s.net.apply(s.b, s.bob.hangup(id));
    s.net.run(s.net.now + 20);
    expect(s.net.eventsOf('alice').slice(-1)).toEqual([{ type: 'ended', callId: id, reason: 'remote-bye' }]);
    expectClean(s);
  });

  it('takes a re-INVITE without an offer: the 2xx offers, the ACK answers, through a lost 2xx (§14.1, §14.2)', () => {
    const s = setup();
    const id = established(s);
    s.net.apply(s.a, s.alice.reinvite(id, ''));
    s.net.run(s.net.now + 20);
    const reinvite = s.net.wire.filter((w) => w.message.kind === 'request' && w.message.method === 'INVITE').slice(-1)[0].message;
    // An offerless re-INVITE has no body, so no Content-Type either (RFC 3261 §20.15).
    expect([reinvite.body, headerValue(reinvite, 'Content-Type')]).toEqual(['', undefined]);
    expect(s.net.eventsOf('bob').slice(-1)).toEqual([{ type: 'reinvite', callId: id, sdp: '' }]);
    // Bob's first 2xx is lost: its retransmission (§13.3.1.4) reaches Alice.
    let lost = false;
    s.net.deliver = (w) => lost || w.message.kind !== 'response' || (lost = true, false);
    s.net.apply(s.b, s.bob.acceptReinvite(id, 'bob-offer'));
    s.net.run(s.net.now + 800);
    expect(lost).toBe(true);
    expect(s.net.eventsOf('alice').slice(-1)).toEqual([{ type: 'reinviteOffered', callId: id, sdp: 'bob-offer' }]);
    // Nothing goes out until Alice answers; then the ACK carries the answer and confirms Bob's side.
    const acks = () => s.net.wire.filter((w) => w.message.kind === 'request' && w.message.method === 'ACK');
    const before = acks().length;
    s.net.apply(s.a, s.alice.ackReinvite(id, 'alice-answer'));
    s.net.run(s.net.now + 20);
    expect(acks().length).toBe(before + 1);
    const ack = acks().slice(-1)[0].message;
    expect([ack.body, headerValue(ack, 'Content-Type'), headerValue(ack, 'CSeq')]).toEqual(['alice-answer', 'application/sdp', headerValue(reinvite, 'CSeq')!.replace('INVITE', 'ACK')]);
    expect(s.net.eventsOf('bob').slice(-1)).toEqual([{ type: 'reinviteConfirmed', callId: id, sdp: 'alice-answer' }]);
    // A second answer has nothing to answer.
    expect(s.alice.ackReinvite(id, 'again')).toEqual([]);
    s.net.apply(s.a, s.alice.hangup(id));
    s.net.run(s.net.now + 20);
    expectClean(s);
  });

  it('answers a re-INVITE still pending when the call ends with 487 and keeps no state (§15.1.2)', () => {
    const s = setup();
    const id = established(s);
    s.net.apply(s.a, s.alice.reinvite(id, 'offer-2'));
    s.net.run(s.net.now + 20);
    s.net.apply(s.b, s.bob.hangup(id));
    s.net.run(s.net.now + 50);
    expect(methods(s.net.wire)).toContain('bob:487');
    expect(s.net.eventsOf('alice').slice(-1)).toEqual([{ type: 'ended', callId: id, reason: 'remote-bye' }]);
    expectClean(s);
  });

  it('answers crossing re-INVITEs with 491 on both sides (glare)', () => {
    const s = setup();
    const id = established(s);
    s.net.apply(s.a, s.alice.reinvite(id, 'a'));
    s.net.apply(s.b, s.bob.reinvite(id, 'b'));
    s.net.run(s.net.now + 50);
    for (const who of ['alice', 'bob']) expect(s.net.eventsOf(who).slice(-1)).toEqual([{ type: 'reinviteFailed', callId: id, status: 491, reason: 'Request Pending' }]);
    s.net.apply(s.a, s.alice.hangup(id));
    expectClean(s);
  });
});

describe('user agent: other requests', () => {
  it('answers OPTIONS with Allow and reports an OPTIONS result', () => {
    const s = setup();
    s.net.apply(s.a, s.alice.options(BOB_URI));
    s.net.run(50);
    expect(s.net.eventsOf('alice')).toEqual([{ type: 'optionsResult', uri: BOB_URI, status: 200 }]);
    expect(headerValue(s.net.wire[1].message, 'Allow')).toBe('INVITE, ACK, CANCEL, BYE, OPTIONS');
    expectClean(s);
  });

  it('answers 481 to a BYE for no dialog, 405 to a method it knows but does not take, 501 to one it does not know (§8.2.1), and drops garbage', () => {
    const s = setup();
    const peer: Endpoint = { name: 'peer', address: { address: '10.0.0.9', port: 5060 }, receive: () => [] };
    s.net.add(peer);
    const req = (method: string, toTag = ''): UaAction => ({
      type: 'send', transport: 'udp', address: BOB.address, port: BOB.port,
      data: utf8Encode([`${method} ${BOB_URI} SIP/2.0`, `Via: SIP/2.0/UDP 10.0.0.9;branch=z9hG4bK${method}`, 'From: <sip:p@x>;tag=9', `To: <${BOB_URI}>${toTag}`, 'Call-ID: nope', `CSeq: 5 ${method}`, '', ''].join('\r\n')),
    });
    s.net.apply(peer, [req('BYE', ';tag=1'), req('SUBSCRIBE'), req('FROBNICATE'), { type: 'send', transport: 'udp', address: BOB.address, port: BOB.port, data: utf8Encode('garbage\r\n\r\n') }]);
    s.net.run(50);
    expect(methods(s.net.wire).filter((m) => m.startsWith('bob'))).toEqual(['bob:481', 'bob:405', 'bob:501']);
    expect(headerValue(s.net.wire.find((w) => w.message.kind === 'response' && w.message.status === 501)!.message, 'Allow')).toBe('INVITE, ACK, CANCEL, BYE, OPTIONS');
    expect(s.bob.droppedMessages).toBe(1);
  });

  it('refuses an INVITE whose Contact is not one SIP URI with 400 (§8.1.1.8), takes one without any (RFC 2543, RFC 4475 §3.4.1)', () => {
    const s = setup();
    const peer: Endpoint = { name: 'peer', address: { address: '10.0.0.9', port: 5060 }, receive: () => [] };
    s.net.add(peer);
    const invite = (contact: string[]): UaAction => ({
      type: 'send', transport: 'udp', address: BOB.address, port: BOB.port,
      data: utf8Encode([`INVITE ${BOB_URI} SIP/2.0`, `Via: SIP/2.0/UDP 10.0.0.9;branch=z9hG4bK${contact.length}`, 'From: <sip:p@x>;tag=9', `To: <${BOB_URI}>`, `Call-ID: c${contact.length}`, 'CSeq: 1 INVITE', ...contact, '', ''].join('\r\n')),
    });
    s.net.apply(peer, [invite(['Contact: <tel:+15551234>', 'X: 1']), invite(['Contact: <sip:a@x>', 'Contact: <sip:b@x>', 'Y: 2', 'Z: 3']), invite([])]);
    s.net.run(50);
    expect(methods(s.net.wire).filter((m) => m.startsWith('bob'))).toEqual(['bob:400', 'bob:400', 'bob:100']);
    expect(s.net.eventsOf('bob')).toHaveLength(1);
    expect(s.net.eventsOf('bob')[0]).toMatchObject({ type: 'incomingCall', callId: 'c0', from: 'sip:p@x' });
  });

  it('refuses an out-of-order in-dialog request with 500 (§12.2.2)', () => {
    const s = setup();
    const id = established(s);
    const bye = s.net.wire.find((w) => w.message.kind === 'request' && w.message.method === 'ACK')!.message as SipRequest;
    const stale: SipRequest = {
      ...bye, method: 'BYE',
      headers: bye.headers.map((h) => (h.name === 'CSeq' ? { name: 'CSeq', value: '1 BYE' } : h.name === 'Via' ? { name: 'Via', value: 'SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKstale' } : h)),
    };
    s.net.apply(s.a, [{ type: 'send', transport: 'udp', address: BOB.address, port: BOB.port, data: serializeMessage(stale) }]);
    s.net.run(s.net.now + 20);
    expect(methods(s.net.wire).slice(-1)).toEqual(['bob:500']);
    s.net.apply(s.a, s.alice.hangup(id));
    expectClean(s);
  });
});

describe('user agent: REGISTER with digest (§10, §22)', () => {
  const REGISTRAR: HostPort = { address: '10.0.0.100', port: 5060 };

  /** A scripted registrar: challenges, then checks the response against an independent digest computation. */
  function registrar(password: string, expires: number, seen: SipRequest[]): Endpoint {
    let nonce = 0;
    return {
      name: 'registrar', address: REGISTRAR,
      receive(data, source) {
        const req = parseMessage(data) as SipRequest;
        seen.push(req);
        const base = req.headers.filter((h) => ['Via', 'From', 'To', 'Call-ID', 'CSeq'].includes(h.name));
        const reply = (status: number, reason: string, extra: { name: string; value: string }[]): UaAction[] => [{
          type: 'send', transport: 'udp', address: source.address, port: source.port,
          data: serializeMessage({ kind: 'response', status, reason, headers: [...base.map((h) => (h.name === 'To' ? { name: 'To', value: `${h.value};tag=reg` } : h)), ...extra], body: '' }),
        }];
        const auth = headerValue(req, 'Authorization');
        if (auth !== undefined) {
          const p = parseAuth(auth).params;
          const expected = digestResponse({ username: p.username, password, realm: 'example.test', nonce: p.nonce, method: 'REGISTER', uri: p.uri, qop: 'auth', nc: p.nc, cnonce: p.cnonce });
          if (p.nonce === `n${nonce}` && p.response === expected) return reply(200, 'OK', [{ name: 'Contact', value: `${headerValue(req, 'Contact')!.replace(/;expires=\d+/, '')};expires=${expires}` }]);
        }
        nonce++;
        return reply(401, 'Unauthorized', [{ name: 'WWW-Authenticate', value: `Digest realm="example.test", nonce="n${nonce}", qop="auth", algorithm=MD5` }]);
      },
    };
  }

  it('registers after a 401 challenge, then refreshes before expiry reusing the nonce with nc=2', () => {
    const net = new TestNetwork();
    const seen: SipRequest[] = [];
    const reg = registrar('alice-secret', 120, seen);
    const ua = new UserAgent(config('alice', ALICE, 3, { registrar: REGISTRAR, registerExpires: 300 }));
    const a = uaEndpoint('alice', ua, ALICE);
    net.add(a);
    net.add(reg);
    net.apply(a, ua.register());
    net.run(100);
    expect(net.eventsOf('alice')).toEqual([{ type: 'registered', expires: 120 }]);
    expect(seen.map((r) => headerValue(r, 'CSeq'))).toEqual(['1 REGISTER', '2 REGISTER']);
    expect(headerValue(seen[0], 'Contact')).toBe('<sip:alice@10.0.0.1:5060>;expires=300');
    net.run(91000);
    expect(net.eventsOf('alice')).toEqual([{ type: 'registered', expires: 120 }, { type: 'registered', expires: 120 }]);
    expect(seen).toHaveLength(3);
    expect(parseAuth(headerValue(seen[2], 'Authorization')!).params.nc).toBe('00000002');
    expect(new Set(seen.map((r) => headerValue(r, 'Call-ID'))).size).toBe(1);
    net.apply(a, ua.unregister());
    net.run(92000);
    expect(net.eventsOf('alice').slice(-1)).toEqual([{ type: 'unregistered' }]);
    expect(headerValue(seen[seen.length - 1], 'Expires')).toBe('0');
    net.run(200000);
    expect(ua.stats()).toEqual({ calls: 0, clientTransactions: 0, serverTransactions: 0, timers: 0 });
  });

  it('gives up with registrationFailed when the password is wrong', () => {
    const net = new TestNetwork();
    const seen: SipRequest[] = [];
    const ua = new UserAgent(config('alice', ALICE, 4, { registrar: REGISTRAR }));
    const a = uaEndpoint('alice', ua, ALICE);
    net.add(a);
    net.add(registrar('other-password', 120, seen));
    net.apply(a, ua.register());
    net.run(1000);
    expect(net.eventsOf('alice')).toEqual([{ type: 'registrationFailed', status: 401, reason: 'Unauthorized' }]);
    expect(seen.length).toBeLessThanOrEqual(3);
  });
});
