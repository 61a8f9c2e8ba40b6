import fc from 'fast-check';
import { formatVia, parseVia, type Via } from '../../modules/sip/headers.js';
import { headerValue, parseMessage, serializeMessage, type SipMessage, type SipRequest } from '../../modules/sip/message.js';
import { hopTo, receivedVia, resolve, UDP_REQUEST_LIMIT, type TransportSetting } from '../../modules/sip/transport.js';
import { UserAgent, type SipSource, type UaAction, type UaConfig } from '../../modules/sip/user-agent.js';
import { seededRandom } from './sip-test-network.js';

type Send = Extract<UaAction, { type: 'send' }>;

const ALICE = { address: '10.0.0.1', port: 5060, tlsPort: 5071 };
const BOB = { address: '10.0.0.2', port: 5062, tlsPort: 5072 };

function ua(user: string, local: typeof ALICE, seed: number, extra: Partial<UaConfig> = {}): UserAgent {
  return new UserAgent({ account: { user, domain: 'example.test', password: 'x' }, local, random: seededRandom(seed), ...extra });
}

const sends = (actions: UaAction[]): Send[] => actions.filter((a): a is Send => a.type === 'send');
const message = (s: Send): SipMessage => parseMessage(s.data);
const topVia = (m: SipMessage) => parseVia(headerValue(m, 'Via')!);
const findRequest = (actions: UaAction[], method: string): { send: Send; request: SipRequest } => {
  for (const s of sends(actions)) {
    const m = message(s);
    if (m.kind === 'request' && m.method === method) return { send: s, request: m };
  }
  throw new Error(`no ${method} sent`);
};
const statuses = (actions: UaAction[]): { send: Send; status: number }[] =>
  sends(actions).flatMap((s) => { const m = message(s); return m.kind === 'response' ? [{ send: s, status: m.status }] : []; });

/** A 200 OK to `invite` as a peer would write it, with its own Contact. */
function ok(invite: SipRequest, contact: string): Uint8Array {
  const headers = invite.headers.filter((h) => ['Via', 'From', 'Call-ID', 'CSeq'].includes(h.name));
  return serializeMessage({
    kind: 'response', status: 200, reason: 'OK', body: 'answer',
    headers: [...headers, { name: 'To', value: `${headerValue(invite, 'To')};tag=peer1` }, { name: 'Contact', value: contact }, { name: 'Content-Type', value: 'application/sdp' }],
  });
}

describe('choice of transport (RFC 3263 §4.1 without DNS, RFC 3261 §18.1.1)', () => {
  const setting = fc.constantFrom<TransportSetting>('auto', 'udp', 'tcp', 'tls');
  const param = fc.option(fc.constantFrom('udp', 'UDP', 'tcp', 'Tcp', 'tls', 'TLS', 'sctp'), { nil: undefined });

  it('sips: means TLS, else the ;transport= parameter, else the account setting; the port defaults per transport', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.stringMatching(/^[a-z][a-z0-9]{0,8}\.example$/), fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }), param, setting, (sips, host, port, transport, account) => {
        const uri = `${sips ? 'sips' : 'sip'}:bob@${host}${port === undefined ? '' : `:${port}`}${transport === undefined ? '' : `;transport=${transport}`}`;
        const hop = hopTo(uri, account);
        const named = transport?.toLowerCase();
        const expected = sips ? 'tls' : named === 'udp' || named === 'tcp' || named === 'tls' ? named : account;
        expect(hop.transport).toBe(expected);
        expect(hop.address).toBe(host);
        expect(hop.port).toBe(port ?? (expected === 'tls' ? 5061 : 5060));
        expect(hop.secure).toBe(sips);
        // Through a configured proxy: its address, the setting (the URI's parameter is for the URI's host), TLS still for sips:.
        const proxied = hopTo(uri, account, { address: '192.0.2.9', port: 5080 });
        expect(proxied).toMatchObject({ address: '192.0.2.9', port: 5080, transport: sips ? 'tls' : account });
      }),
    );
  });

  it("'auto' is UDP up to 1,300 bytes and TCP above (§18.1.1); a fixed transport never changes with size", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 70000 }), setting, (size, account) => {
        const dest = resolve(hopTo('sip:bob@b.example', account), size);
        expect(dest.transport).toBe(account === 'auto' ? (size > UDP_REQUEST_LIMIT ? 'tcp' : 'udp') : account);
      }),
    );
  });
});

describe('the user agent over UDP, TCP and TLS (RFC 3261 §18)', () => {
  it("in 'auto' a 1,301-byte INVITE goes over TCP with its Via saying TCP; a 1,300-byte one over UDP", () => {
    const sizes: Record<string, number> = {};
    for (const target of [1300, 1301]) {
      // The INVITE with a 100-byte body (3-digit Content-Length), then one making it exactly `target` bytes.
      const probe = findRequest(ua('alice', ALICE, 1).invite('sip:bob@10.0.0.2:5062', 'x'.repeat(100)).actions, 'INVITE').send.data.length;
      const { actions } = ua('alice', ALICE, 1).invite('sip:bob@10.0.0.2:5062', 'x'.repeat(100 + target - probe));
      const { send, request } = findRequest(actions, 'INVITE');
      sizes[send.transport] = send.data.length;
      expect(send.data.length).toBe(target);
      expect(send.transport).toBe(target > 1300 ? 'tcp' : 'udp');
      expect(topVia(request)).toMatchObject({ transport: target > 1300 ? 'TCP' : 'UDP', host: ALICE.address, port: ALICE.port });
      expect(send).toMatchObject({ address: BOB.address, port: BOB.port });
      expect(send.serverName).toBeUndefined();
      // The Contact stays the account's (UDP): only this request needed the stream.
      expect(headerValue(request, 'Contact')).toBe('<sip:alice@10.0.0.1:5060>');
    }
    expect(sizes).toEqual({ udp: 1300, tcp: 1301 });
  });

  it('keeps a large INVITE on UDP when the account says UDP, and its CANCEL follows the INVITE over TCP in auto', () => {
    const big = 'x'.repeat(2600);
    expect(findRequest(ua('alice', ALICE, 1, { transport: 'udp' }).invite('sip:bob@10.0.0.2:5062', big).actions, 'INVITE').send.transport).toBe('udp');
    const alice = ua('alice', ALICE, 1);
    const { callId, actions } = alice.invite('sip:bob@10.0.0.2:5062', big);
    const invite = findRequest(actions, 'INVITE').request;
    const trying = serializeMessage({ kind: 'response', status: 180, reason: 'Ringing', body: '', headers: [...invite.headers.filter((h) => ['Via', 'From', 'Call-ID', 'CSeq'].includes(h.name)), { name: 'To', value: `${headerValue(invite, 'To')};tag=p` }] });
    alice.receive(trying, { address: BOB.address, port: BOB.port, transport: 'tcp', connection: 4 });
    const cancel = findRequest(alice.hangup(callId), 'CANCEL');
    expect(cancel.send.transport).toBe('tcp');
    expect(headerValue(cancel.request, 'Via')).toBe(headerValue(invite, 'Via'));
  });

  it('answers a request that came over TCP on its connection, falling back to the Via sent-by port (§18.2.2)', () => {
    const alice = ua('alice', ALICE, 1, { transport: 'tcp' });
    const bob = ua('bob', BOB, 2);
    const invite = findRequest(alice.invite('sip:bob@10.0.0.2:5062', 'offer').actions, 'INVITE');
    expect(invite.send.transport).toBe('tcp');
    expect(topVia(invite.request)).toMatchObject({ transport: 'TCP', port: ALICE.port });
    expect(headerValue(invite.request, 'Contact')).toBe('<sip:alice@10.0.0.1:5060;transport=tcp>');
    const from: SipSource = { address: ALICE.address, port: 40123, transport: 'tcp', connection: 7 };
    const got = bob.receive(invite.send.data, from);
    const callId = headerValue(invite.request, 'Call-ID')!;
    const answered = [...got, ...bob.ringing(callId), ...bob.answer(callId, 'answer')];
    const responses = statuses(answered);
    expect(responses.map((r) => r.status)).toEqual([100, 180, 200]);
    for (const r of responses) expect(r.send).toMatchObject({ transport: 'tcp', connection: 7, address: ALICE.address, port: ALICE.port });
    // The callee's Contact says TCP, so the caller's next requests come over TCP too.
    expect(headerValue(message(responses[2].send), 'Contact')).toBe('<sip:bob@10.0.0.2:5062;transport=tcp>');
    // The ACK goes on the caller's connection the 2xx came on; the callee's BYE on the INVITE's.
    const ack = findRequest(alice.receive(responses[2].send.data, { address: BOB.address, port: BOB.port, transport: 'tcp', connection: 9 }), 'ACK');
    expect(ack.send).toMatchObject({ transport: 'tcp', connection: 9, address: BOB.address, port: BOB.port });
    bob.receive(ack.send.data, from);
    const bye = findRequest(bob.hangup(callId), 'BYE');
    expect(bye.send).toMatchObject({ transport: 'tcp', connection: 7, address: ALICE.address, port: ALICE.port });
    expect(topVia(bye.request)).toMatchObject({ transport: 'TCP', port: BOB.port });
  });

  it('retransmits nothing over a stream: an INVITE over TCP starts Timer B alone (§17.1.1.2)', () => {
    const timers = (actions: UaAction[]) => actions.flatMap((a) => (a.type === 'setTimer' ? [a.key.slice(-1)] : []));
    expect(timers(ua('alice', ALICE, 1, { transport: 'tcp' }).invite('sip:bob@10.0.0.2:5062', 'offer').actions)).toEqual(['B']);
    expect(timers(ua('alice', ALICE, 1).invite('sip:bob@10.0.0.2:5062', 'offer').actions)).toEqual(['A', 'B']);
  });

  it('accepts a request whose Via names another transport than the stream it came on, and answers on that stream', () => {
    const alice = ua('alice', ALICE, 1);
    const bob = ua('bob', BOB, 2);
    const options = findRequest(alice.options('sip:bob@10.0.0.2:5062'), 'OPTIONS');
    expect(topVia(options.request).transport).toBe('UDP');
    const answer = statuses(bob.receive(options.send.data, { address: ALICE.address, port: 40999, transport: 'tcp', connection: 3 }));
    expect(answer).toHaveLength(1);
    expect(answer[0].status).toBe(200);
    expect(answer[0].send).toMatchObject({ transport: 'tcp', connection: 3, address: ALICE.address, port: ALICE.port });
  });

  it('sends over TLS with the URI host as serverName, Via TLS and Contact on the TLS port', () => {
    for (const [setting, target] of [['tls', 'sip:bob@pbx.example'], ['auto', 'sips:bob@pbx.example']] as const) {
      const { send, request } = findRequest(ua('alice', ALICE, 1, { transport: setting }).invite(target, 'offer').actions, 'INVITE');
      expect(send).toMatchObject({ transport: 'tls', serverName: 'pbx.example', address: 'pbx.example', port: 5061 });
      expect(topVia(request)).toMatchObject({ transport: 'TLS', host: ALICE.address, port: ALICE.tlsPort });
      expect(headerValue(request, 'Contact')).toBe(target.startsWith('sips:') ? '<sips:alice@10.0.0.1:5071>' : '<sip:alice@10.0.0.1:5071;transport=tls>');
    }
    const reg = findRequest(ua('alice', ALICE, 1, { transport: 'tls', registrar: { address: '127.0.0.1', port: 5081 } }).register(), 'REGISTER');
    expect(reg.send).toMatchObject({ transport: 'tls', address: '127.0.0.1', port: 5081, serverName: 'example.test' });
    // A response over TLS goes on the request's connection; were it closed, to the Via's sent-by, whose name the certificate must carry.
    const options = findRequest(ua('alice', ALICE, 1, { transport: 'tls' }).options('sip:bob@10.0.0.2'), 'OPTIONS');
    const answer = statuses(ua('bob', BOB, 2).receive(options.send.data, { address: ALICE.address, port: 40001, transport: 'tls', connection: 5 }));
    expect(answer[0].send).toMatchObject({ transport: 'tls', connection: 5, address: ALICE.address, port: ALICE.tlsPort, serverName: ALICE.address });
  });

  it("sends in-dialog requests over the remote target's transport (§12.2.1.1), on the dialog's stream when it reaches there", () => {
    const cases = [
      { contact: '<sip:bob@10.0.0.2:5070;transport=tcp>', from: { address: BOB.address, port: BOB.port }, want: { transport: 'tcp', address: BOB.address, port: 5070 }, via: 'TCP' },
      { contact: '<sips:bob@bob.example>', from: { address: BOB.address, port: BOB.port }, want: { transport: 'tls', address: 'bob.example', port: 5061, serverName: 'bob.example' }, via: 'TLS' },
      { contact: '<sip:bob@10.0.0.2:5062;transport=tcp>', from: { address: BOB.address, port: BOB.port, transport: 'tcp' as const, connection: 12 }, want: { transport: 'tcp', address: BOB.address, port: 5062, connection: 12 }, via: 'TCP' },
      { contact: '<sip:bob@10.0.0.2:5062>', from: { address: BOB.address, port: BOB.port }, want: { transport: 'udp', address: BOB.address, port: 5062 }, via: 'UDP' },
    ];
    for (const c of cases) {
      const alice = ua('alice', ALICE, 1);
      const { callId, actions } = alice.invite('sip:bob@10.0.0.2:5062', 'offer');
      const invite = findRequest(actions, 'INVITE').request;
      const ack = findRequest(alice.receive(ok(invite, c.contact), c.from), 'ACK');
      const bye = findRequest(alice.hangup(callId), 'BYE');
      for (const sent of [ack, bye]) {
        expect(sent.send).toMatchObject(c.want);
        if (!('connection' in c.want)) expect(sent.send.connection).toBeUndefined();
        expect(topVia(sent.request).transport).toBe(c.via);
      }
    }
  });
});

describe('the Via of a received request (§18.2.1, RFC 3581 §4)', () => {
  const address = fc.constantFrom('192.0.2.1', '192.0.2.7', 'pc.example');
  it('gets received when sent-by is not the source address, and rport=<source port> with received when it asked for rport', () => {
    fc.assert(
      fc.property(address, fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }), fc.boolean(), fc.constantFrom('192.0.2.1', '192.0.2.9'), fc.integer({ min: 1, max: 65535 }), (host, port, rport, from, fromPort) => {
        const via: Via = { transport: 'UDP', host, ...(port === undefined ? {} : { port }), params: { branch: 'z9hG4bKx', ...(rport ? { rport: '' } : {}) } };
        const stamped = receivedVia(parseVia(formatVia(via)), { address: from, port: fromPort });
        if (!rport && host === from) {
          expect(stamped).toBeUndefined();
          return;
        }
        expect(stamped).toEqual({ ...via, params: { branch: 'z9hG4bKx', ...(rport ? { rport: String(fromPort) } : {}), received: from } });
      }),
    );
  });

  it('is what the responses carry; the other Vias are copied as they came', () => {
    const bob = ua('bob', BOB, 2);
    const options = [
      'OPTIONS sip:bob@10.0.0.2:5062 SIP/2.0', 'Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKa;rport, SIP/2.0/UDP proxy.example;branch=z9hG4bKb',
      'From: <sip:a@x>;tag=1', 'To: <sip:bob@y>', 'Call-ID: v1', 'CSeq: 1 OPTIONS', '', '',
    ].join('\r\n');
    const answer = statuses(bob.receive(new TextEncoder().encode(options), { address: '198.51.100.4', port: 31000 }));
    expect(answer.map((a) => a.send)).toMatchObject([{ address: '198.51.100.4', port: 31000, transport: 'udp' }]);
    const vias = message(answer[0].send).headers.filter((h) => h.name === 'Via').map((h) => h.value).join(', ').split(', ').map(parseVia);
    expect(vias).toEqual([
      { transport: 'UDP', host: '10.0.0.1', port: 5060, params: { branch: 'z9hG4bKa', rport: '31000', received: '198.51.100.4' } },
      { transport: 'UDP', host: 'proxy.example', params: { branch: 'z9hG4bKb' } },
    ]);
  });
});
