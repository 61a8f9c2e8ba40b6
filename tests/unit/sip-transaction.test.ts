import { parseMessage, type SipRequest, type SipResponse } from '../../modules/sip/message.js';
import { utf8Encode } from '../../modules/util/bytes.js';
import { ClientTransaction, DEFAULT_TIMERS, ServerTransaction, clientKey, serverKey, type TimerName, type TransactionAction } from '../../modules/sip/transaction.js';

const request = (method: string): SipRequest =>
  parseMessage(utf8Encode([
    `${method} sip:bob@192.0.2.2 SIP/2.0`, 'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKtx1', 'From: <sip:alice@a>;tag=f1', 'To: <sip:bob@b>',
    'Call-ID: call-1', `CSeq: 1 ${method}`, 'Max-Forwards: 70', '', '',
  ].join('\r\n'))) as SipRequest;

const response = (req: SipRequest, status: number, toTag = 't1'): SipResponse => ({
  kind: 'response', status, reason: 'R', body: '',
  headers: req.headers.map((h) => (h.name === 'To' ? { name: 'To', value: `${h.value};tag=${toTag}` } : h)).filter((h) => h.name !== 'Max-Forwards'),
});

/** Drives one transaction in virtual time; records what it sends and delivers. */
class Driver {
  now = 0;
  sent: { at: number; what: string }[] = [];
  delivered: number[] = [];
  timeouts = 0;
  terminated = false;
  private timers = new Map<TimerName, number>();

  constructor(private readonly onTimer: (t: TimerName) => TransactionAction[]) {}

  apply(actions: TransactionAction[]): void {
    for (const a of actions) {
      if (a.type === 'send') this.sent.push({ at: this.now, what: a.message.kind === 'request' ? a.message.method : String(a.message.status) });
      else if (a.type === 'startTimer') this.timers.set(a.timer, this.now + a.delayMs);
      else if (a.type === 'stopTimer') this.timers.delete(a.timer);
      else if (a.type === 'deliver') this.delivered.push(a.message.kind === 'response' ? a.message.status : 0);
      else if (a.type === 'timeout') this.timeouts++;
      else this.terminated = true;
    }
  }

  /** Fires timers in order up to `until`. */
  advance(until: number): void {
    for (;;) {
      let next: [TimerName, number] | undefined;
      for (const e of this.timers) if (e[1] <= until && (next === undefined || e[1] < next[1])) next = e;
      if (next === undefined) break;
      this.timers.delete(next[0]);
      this.now = next[1];
      this.apply(this.onTimer(next[0]));
    }
    this.now = until;
  }

  get armed(): TimerName[] {
    return [...this.timers.keys()].sort();
  }
}

const { T1, T2, T4 } = DEFAULT_TIMERS;

describe('INVITE client transaction (§17.1.1)', () => {
  it('retransmits at T1, 2T1, 4T1... and times out with Timer B at 64*T1', () => {
    const { transaction, actions } = ClientTransaction.start(request('INVITE'));
    const d = new Driver((t) => transaction.onTimer(t));
    d.apply(actions);
    d.advance(64 * T1 + 1);
    expect(d.sent.map((s) => s.at)).toEqual([0, 500, 1500, 3500, 7500, 15500, 31500]);
    expect(d.timeouts).toBe(1);
    expect(d.terminated).toBe(true);
    expect(transaction.state).toBe('terminated');
  });

  it('lets a ringing callee ring past Timer B: only Calling times out (§17.1.1.2)', () => {
    const inv = request('INVITE');
    const { transaction, actions } = ClientTransaction.start(inv);
    const d = new Driver((t) => transaction.onTimer(t));
    d.apply(actions);
    d.advance(100);
    d.apply(transaction.onResponse(response(inv, 180)));
    d.advance(3 * 64 * T1);
    expect(d.timeouts).toBe(0);
    expect(transaction.state).toBe('proceeding');
    d.apply(transaction.onResponse(response(inv, 200)));
    expect(d.delivered).toEqual([180, 200]);
  });

  it('stops retransmitting on 1xx, ACKs a non-2xx itself and absorbs its retransmissions until Timer D', () => {
    const inv = request('INVITE');
    const { transaction, actions } = ClientTransaction.start(inv);
    const d = new Driver((t) => transaction.onTimer(t));
    d.apply(actions);
    d.advance(100);
    d.apply(transaction.onResponse(response(inv, 180)));
    d.advance(10000);
    expect(d.sent).toHaveLength(1);
    d.apply(transaction.onResponse(response(inv, 486)));
    d.apply(transaction.onResponse(response(inv, 486)));
    expect(d.sent.map((s) => s.what)).toEqual(['INVITE', 'ACK', 'ACK']);
    expect(d.delivered).toEqual([180, 486]);
    expect(transaction.state).toBe('completed');
    d.advance(10000 + 32000);
    expect(d.terminated).toBe(true);
  });

  it('builds the ACK for a non-2xx from the INVITE and the response To tag (§17.1.1.3)', () => {
    const inv = request('INVITE');
    const { transaction } = ClientTransaction.start(inv);
    const ack = transaction.onResponse(response(inv, 603, 'xyz')).find((a) => a.type === 'send');
    expect(ack).toBeDefined();
    if (ack?.type !== 'send' || ack.message.kind !== 'request') return;
    expect(ack.message.method).toBe('ACK');
    expect(ack.message.uri).toBe(inv.uri);
    expect(clientKey(ack.message)).toBe('z9hG4bKtx1|ACK');
    expect(ack.message.headers).toContainEqual({ name: 'To', value: '<sip:bob@b>;tag=xyz' });
    expect(ack.message.headers).toContainEqual({ name: 'CSeq', value: '1 ACK' });
  });

  it('ends at once on 2xx and hands it to the TU', () => {
    const inv = request('INVITE');
    const { transaction, actions } = ClientTransaction.start(inv);
    const d = new Driver((t) => transaction.onTimer(t));
    d.apply(actions);
    d.apply(transaction.onResponse(response(inv, 200)));
    expect(d.delivered).toEqual([200]);
    expect(d.terminated).toBe(true);
    expect(d.armed).toEqual([]);
  });
});

describe('non-INVITE client transaction (§17.1.2)', () => {
  it('retransmits with Timer E capped at T2 and times out with Timer F', () => {
    const { transaction, actions } = ClientTransaction.start(request('OPTIONS'));
    const d = new Driver((t) => transaction.onTimer(t));
    d.apply(actions);
    d.advance(64 * T1 + 1);
    expect(d.sent.map((s) => s.at)).toEqual([0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    expect(d.timeouts).toBe(1);
  });

  it('retransmits every T2 once Proceeding, and lingers for Timer K after the final response', () => {
    const req = request('BYE');
    const { transaction, actions } = ClientTransaction.start(req);
    const d = new Driver((t) => transaction.onTimer(t));
    d.apply(actions);
    d.apply(transaction.onResponse(response(req, 100)));
    d.advance(10000);
    expect(d.sent.map((s) => s.at)).toEqual([0, 500, 4500, 8500]);
    d.apply(transaction.onResponse(response(req, 200)));
    expect(d.armed).toEqual(['K']);
    d.apply(transaction.onResponse(response(req, 200)));
    expect(d.delivered).toEqual([100, 200]);
    d.advance(10000 + T4);
    expect(d.terminated).toBe(true);
  });
});

describe('INVITE server transaction (§17.2.1)', () => {
  it('resends the last provisional on a retransmitted INVITE', () => {
    const inv = request('INVITE');
    const { transaction, actions } = ServerTransaction.start(inv);
    expect(actions).toEqual([{ type: 'deliver', message: inv }]);
    const d = new Driver((t) => transaction.onTimer(t));
    expect(transaction.onRequest(inv)).toEqual([]);
    d.apply(transaction.respond(response(inv, 180)));
    d.apply(transaction.onRequest(inv));
    expect(d.sent.map((s) => s.what)).toEqual(['180', '180']);
  });

  it('retransmits a non-2xx final with Timer G until the ACK, then absorbs ACKs until Timer I', () => {
    const inv = request('INVITE');
    const { transaction } = ServerTransaction.start(inv);
    const d = new Driver((t) => transaction.onTimer(t));
    d.apply(transaction.respond(response(inv, 486)));
    d.advance(8000);
    expect(d.sent.map((s) => s.at)).toEqual([0, 500, 1500, 3500, 7500]);
    d.apply(transaction.onRequest({ ...request('INVITE'), method: 'ACK' }));
    expect(transaction.state).toBe('confirmed');
    d.advance(8000 + T4);
    expect(d.sent).toHaveLength(5);
    expect(d.terminated).toBe(true);
  });

  it('gives up with Timer H when no ACK comes, retransmitting G at most every T2', () => {
    const inv = request('INVITE');
    const { transaction } = ServerTransaction.start(inv);
    const d = new Driver((t) => transaction.onTimer(t));
    d.apply(transaction.respond(response(inv, 603)));
    d.advance(64 * T1);
    const gaps = d.sent.slice(1).map((s, i) => s.at - d.sent[i].at);
    expect(Math.max(...gaps)).toBe(T2);
    expect(d.timeouts).toBe(1);
    expect(d.terminated).toBe(true);
  });

  it('terminates on 2xx (the TU retransmits it)', () => {
    const inv = request('INVITE');
    const { transaction } = ServerTransaction.start(inv);
    const d = new Driver((t) => transaction.onTimer(t));
    d.apply(transaction.respond(response(inv, 200)));
    expect(d.terminated).toBe(true);
    expect(transaction.respond(response(inv, 200))).toEqual([]);
  });
});

describe('non-INVITE server transaction (§17.2.2)', () => {
  it('answers retransmissions with the last response and ends after Timer J', () => {
    const req = request('OPTIONS');
    const { transaction } = ServerTransaction.start(req);
    const d = new Driver((t) => transaction.onTimer(t));
    expect(transaction.onRequest(req)).toEqual([]);
    d.apply(transaction.respond(response(req, 200)));
    d.apply(transaction.onRequest(req));
    expect(d.sent.map((s) => s.what)).toEqual(['200', '200']);
    d.advance(64 * T1);
    expect(d.terminated).toBe(true);
  });

  it('matches ACK to its INVITE transaction and CANCEL to its own (§17.2.3, §9.2)', () => {
    const inv = request('INVITE');
    expect(serverKey({ ...inv, method: 'ACK' })).toBe(serverKey(inv));
    const cancel = parseMessage(utf8Encode([
      'CANCEL sip:bob@192.0.2.2 SIP/2.0', 'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKtx1', 'From: <sip:alice@a>;tag=f1', 'To: <sip:bob@b>',
      'Call-ID: call-1', 'CSeq: 1 CANCEL', '', '',
    ].join('\r\n'))) as SipRequest;
    expect(serverKey(cancel)).not.toBe(serverKey(inv));
  });

  it('tells RFC 2543 transactions (no usable branch) apart by Request-URI, From tag, Call-ID, CSeq and top Via (§17.2.3)', () => {
    const inv = (branch: string, callId: string, seq = 1): SipRequest => ({
      ...request('INVITE'),
      headers: request('INVITE').headers.map((h) => (h.name === 'Via' ? { name: 'Via', value: `SIP/2.0/UDP 192.0.2.1:5060${branch}` } : h.name === 'Call-ID' ? { name: 'Call-ID', value: callId } : h.name === 'CSeq' ? { name: 'CSeq', value: `${seq} INVITE` } : h)),
    });
    for (const branch of ['', ';branch=z9hG4bK', ';branch=2543style']) {
      expect(serverKey(inv(branch, 'a'))).toBe(serverKey(inv(branch, 'a')));
      expect(serverKey(inv(branch, 'a'))).not.toBe(serverKey(inv(branch, 'b')));
      expect(serverKey(inv(branch, 'a'))).not.toBe(serverKey(inv(branch, 'a', 2)));
      expect(serverKey({ ...inv(branch, 'a'), method: 'ACK' })).toBe(serverKey(inv(branch, 'a')));
    }
    // With the magic cookie the branch alone identifies it (with sent-by and method).
    expect(serverKey(inv(';branch=z9hG4bKx', 'a'))).toBe(serverKey(inv(';branch=z9hG4bKx', 'b')));
  });
});

describe('transactions over a reliable transport (TCP, TLS)', () => {
  const timersOf = (actions: TransactionAction[]) => actions.flatMap((a) => (a.type === 'startTimer' ? [a.timer] : []));

  it('client: no retransmission timer A or E, and the completed state ends at once (Timer D and K are 0, §17.1.1.2, §17.1.2.2)', () => {
    const inv = request('INVITE');
    const { transaction, actions } = ClientTransaction.start(inv, DEFAULT_TIMERS, true);
    expect(timersOf(actions)).toEqual(['B']);
    const final = transaction.onResponse(response(inv, 486));
    expect(final.filter((a) => a.type === 'send')).toHaveLength(1); // the ACK
    expect(final.map((a) => a.type)).toContain('terminated');
    expect(timersOf(final)).toEqual([]);
    expect(transaction.state).toBe('terminated');

    const opt = request('OPTIONS');
    const nonInvite = ClientTransaction.start(opt, DEFAULT_TIMERS, true);
    expect(timersOf(nonInvite.actions)).toEqual(['F']);
    const done = nonInvite.transaction.onResponse(response(opt, 200));
    expect(done.map((a) => a.type)).toEqual(['stopTimer', 'stopTimer', 'deliver', 'terminated']);
  });

  it('server: no Timer G; H still waits for the ACK, which ends it at once; a non-INVITE ends with its final response (Timer I and J are 0, §17.2.1, §17.2.2)', () => {
    const inv = request('INVITE');
    const { transaction } = ServerTransaction.start(inv, DEFAULT_TIMERS, true);
    expect(timersOf(transaction.respond(response(inv, 486)))).toEqual(['H']);
    const acked = transaction.onRequest({ ...inv, method: 'ACK' });
    expect(acked.map((a) => a.type)).toEqual(['stopTimer', 'stopTimer', 'terminated']);
    expect(transaction.state).toBe('terminated');

    const opt = request('OPTIONS');
    const server = ServerTransaction.start(opt, DEFAULT_TIMERS, true).transaction;
    expect(server.respond(response(opt, 200)).map((a) => a.type)).toEqual(['send', 'terminated']);
    expect(server.state).toBe('terminated');
  });
});

describe('transport errors (§17.1.4, §17.2.4, §18.4)', () => {
  const types = (actions: TransactionAction[]): string[] => actions.map((a) => (a.type === 'stopTimer' ? `stop ${a.timer}` : a.type));

  it('a client transaction waiting for its final response tells the TU and ends, its timers stopped', () => {
    const invite = ClientTransaction.start(request('INVITE')).transaction;
    expect(types(invite.onTransportError())).toEqual(['stop A', 'stop B', 'transportError', 'terminated']);
    expect(invite.state).toBe('terminated');
    // Proceeding (a 180 came) is no different: the final response can no longer come that way.
    const ringing = ClientTransaction.start(request('INVITE'), DEFAULT_TIMERS, true).transaction;
    ringing.onResponse(response(ringing.request, 180));
    expect(types(ringing.onTransportError())).toEqual(['stop A', 'stop B', 'transportError', 'terminated']);
    const options = ClientTransaction.start(request('OPTIONS')).transaction;
    expect(types(options.onTransportError())).toEqual(['stop E', 'stop F', 'transportError', 'terminated']);
    expect(options.onTransportError()).toEqual([]);
  });

  it('a client transaction that has its final response ignores it', () => {
    const invite = ClientTransaction.start(request('INVITE')).transaction;
    invite.onResponse(response(invite.request, 486));
    expect(invite.state).toBe('completed');
    expect(invite.onTransportError()).toEqual([]);
    expect(invite.state).toBe('completed');
  });

  it('a server transaction that cannot send its response tells the TU and ends; after the ACK nothing is sent to fail', () => {
    const started = ServerTransaction.start(request('INVITE'));
    const tx = started.transaction;
    tx.respond(response(tx.request, 486));
    expect(types(tx.onTransportError())).toEqual(['stop G', 'stop H', 'stop J', 'transportError', 'terminated']);
    expect(tx.state).toBe('terminated');
    const acked = ServerTransaction.start(request('INVITE')).transaction;
    acked.respond(response(acked.request, 486));
    acked.onRequest({ ...acked.request, method: 'ACK' });
    expect(acked.state).toBe('confirmed');
    expect(acked.onTransportError()).toEqual([]);
  });
});
