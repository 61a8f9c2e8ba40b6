// The SIP connection manager (modules/phone/sip-connections.ts) over an in-memory stream network
// with virtual time: listeners, framing per connection, responses on the request's connection
// (RFC 3261 §18.2.2), reuse per peer (§18.1.1), idle close, the bound on connections, and the
// cut-off of a silent peer and of an endless header while other connections still work.
import { MAX_TRANSACTIONS_PER_CONNECTION, SipConnections, type ConnectionLimits, type StreamSource } from '../../modules/phone/sip-connections.js';
import type { StreamSocket, TlsCredentials } from '../../hal/contracts.js';
import { StreamWorld, type RawPeer } from '../support/stream-world.js';

const PHONE = '10.0.0.1';
const bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const text = (b: Uint8Array): string => Array.from(b, (c) => String.fromCharCode(c)).join('');
const msg = (name: string, body = ''): string => `MESSAGE sip:${name}@x SIP/2.0\r\nContent-Length: ${body.length}\r\n\r\n${body}`;

const ROOT = bytes('root certificate');
const PHONE_TLS: TlsCredentials = { chain: [bytes('phone leaf'), ROOT], privateKey: bytes('key'), trustAnchors: [ROOT] };

interface Setup {
  readonly world: StreamWorld;
  readonly conns: SipConnections;
  readonly got: { data: string; source: StreamSource }[];
  readonly udp: { data: string; address: string; port: number }[];
  readonly log: string[];
  /** The transactions reported through onSendFailed, as 'transaction: reason'. */
  readonly failed: string[];
}

function setup(limits: Partial<ConnectionLimits> = {}, tls: TlsCredentials | null = PHONE_TLS, onMessage?: (data: string) => void): Setup {
  const world = new StreamWorld();
  const got: Setup['got'] = [];
  const udp: Setup['udp'] = [];
  const log: string[] = [];
  const failed: string[] = [];
  const conns = new SipConnections({
    network: world.host(PHONE),
    timers: world.timers,
    clock: world.clock,
    udp: { send: (data, address, port) => udp.push({ data: text(data), address, port }) },
    sipPort: 5060,
    tlsPort: 5061,
    tls: tls ?? undefined,
    onMessage: (data, source) => {
      got.push({ data: text(data), source });
      onMessage?.(text(data));
    },
    onSendFailed: (transaction, reason) => failed.push(`${transaction}: ${reason}`),
    log: (line) => log.push(line),
    limits,
  });
  return { world, conns, got, udp, log, failed };
}

/** A raw peer connected to the phone's TCP port, and the events so far delivered. */
function dial(s: Setup, from = '10.0.0.9'): RawPeer {
  const peer = s.world.connect(from, PHONE, 5060);
  s.world.run();
  return peer;
}

function send(s: Setup, peer: RawPeer, data: string): void {
  peer.socket.write(bytes(data));
  s.world.run();
}

describe('SIP connections', () => {
  it('listens for TCP on the SIP port and TLS on the TLS port, frames each stream, and answers on the same connection', () => {
    const s = setup();
    expect([s.conns.tcpPort, s.conns.tlsPort]).toEqual([5060, 5061]);
    const peer = dial(s);
    const two = msg('a', 'hello') + '\r\n\r\n' + msg('b');
    send(s, peer, two.slice(0, 7));
    send(s, peer, two.slice(7, 50));
    expect(s.got).toEqual([]);
    send(s, peer, two.slice(50));
    expect(s.got.map((g) => g.data)).toEqual([msg('a', 'hello'), msg('b')]);
    const source = s.got[0].source;
    expect(source).toMatchObject({ address: '10.0.0.9', transport: 'tcp' });
    expect(source.port).not.toBe(5060);
    // The ping between them got a CRLF pong (RFC 5626 §3.5.1); the response goes on the same stream.
    s.conns.send({ data: bytes('SIP/2.0 200 OK\r\nl: 0\r\n\r\n'), address: source.address, port: source.port, transport: 'tcp', connection: source.connection });
    s.world.run();
    expect(peer.received).toBe('\r\nSIP/2.0 200 OK\r\nl: 0\r\n\r\n');
    expect(s.conns.stats()).toEqual({ connections: 1, timers: 1, listeners: 2 });
  });

  it('sends UDP through the SIP socket', () => {
    const s = setup();
    s.conns.send({ data: bytes('x'), address: '10.0.0.5', port: 5060, transport: 'udp' });
    expect(s.udp).toEqual([{ data: 'x', address: '10.0.0.5', port: 5060 }]);
    expect(s.conns.stats().connections).toBe(0);
  });

  it('reuses one connection per peer (transport, address, port) and opens another for another peer', () => {
    const s = setup();
    const accepted: string[] = [];
    const server = s.world.host('10.0.0.2');
    for (const port of [5060, 5070]) {
      server.listenTcp(port, (socket) => ({
        onData: (d) => accepted.push(`${port}<${socket.remotePort}: ${text(d).split('\r\n')[0]}`),
        onClose: () => undefined,
      }));
    }
    for (const [name, port] of [['one', 5060], ['two', 5060], ['three', 5070]] as const) {
      s.conns.send({ data: bytes(msg(name)), address: '10.0.0.2', port, transport: 'tcp' });
      s.world.run();
    }
    const [first, second, third] = accepted.map((a) => a.split(':')[0]);
    expect(first).toBe(second);
    expect(third).not.toBe(first);
    expect(accepted.map((a) => a.split(': ')[1])).toEqual(['MESSAGE sip:one@x SIP/2.0', 'MESSAGE sip:two@x SIP/2.0', 'MESSAGE sip:three@x SIP/2.0']);
    expect(s.conns.stats().connections).toBe(2);
  });

  it('opens a new connection when the one a request came in on has closed', () => {
    const s = setup();
    const peer = dial(s);
    send(s, peer, msg('a'));
    const source = s.got[0].source;
    peer.socket.close();
    s.world.run();
    expect(s.conns.stats().connections).toBe(0);
    const seen: string[] = [];
    s.world.host('10.0.0.9').listenTcp(5060, () => ({ onData: (d) => seen.push(text(d)), onClose: () => undefined }));
    s.conns.send({ data: bytes(msg('late')), address: '10.0.0.9', port: 5060, transport: 'tcp', connection: source.connection });
    s.world.run();
    expect(seen).toEqual([msg('late')]);
  });

  it('cuts off a newly accepted peer that sends no whole message, even one that only pings', () => {
    const s = setup({ messageMs: 10_000 });
    const silent = dial(s, '10.0.0.7');
    const pinger = dial(s, '10.0.0.8');
    for (let t = 0; t < 12; t++) {
      send(s, pinger, '\r\n\r\n');
      s.world.advance(1000);
    }
    expect(silent.closed).toBe('');
    expect(pinger.closed).toBe('');
    expect(s.log.filter((l) => l.includes('cut off: a first message not whole within 10 s'))).toHaveLength(2);
    expect(s.conns.stats()).toEqual({ connections: 0, timers: 0, listeners: 2 });
    expect(s.world.pendingTimers).toBe(0);
  });

  it('cuts off an endless header at the bound while another connection\'s messages still flow', () => {
    const s = setup({ framer: { maxHeaderBytes: 2048 } });
    const attacker = dial(s, '10.0.0.66');
    const caller = dial(s, '10.0.0.9');
    send(s, attacker, 'INVITE sip:x SIP/2.0\r\n');
    for (let i = 0; i < 60 && attacker.closed === undefined; i++) {
      send(s, attacker, 'X-Long: ' + 'a'.repeat(50) + '\r\n');
      send(s, caller, msg(`m${i}`));
    }
    expect(attacker.closed).toBe('');
    expect(s.log.some((l) => /10\.0\.0\.66.*closed: header section over 2048 bytes/.test(l))).toBe(true);
    expect(s.got.length).toBeGreaterThan(30);
    expect(s.got.every((g) => g.source.address === '10.0.0.9')).toBe(true);
    expect(caller.closed).toBeUndefined();
  });

  it('cuts off a header sent slowly under the bound, once it has taken the message time', () => {
    const s = setup({ messageMs: 10_000, idleMs: 60_000 });
    const caller = dial(s, '10.0.0.9');
    send(s, caller, msg('first'));
    send(s, caller, 'INVITE sip:x SIP/2.0\r\n');
    for (let i = 0; i < 9; i++) {
      s.world.advance(1000);
      send(s, caller, 'X: y\r\n');
    }
    expect(caller.closed).toBeUndefined();
    s.world.advance(1000);
    expect(caller.closed).toBe('');
    expect(s.log.at(-1)).toMatch(/cut off: a message not whole within 10 s/);
  });

  it('closes a connection idle for idleMs, and traffic either way keeps it open', () => {
    const s = setup({ idleMs: 120_000 });
    const peer = dial(s);
    send(s, peer, msg('a'));
    s.world.advance(100_000);
    s.conns.send({ data: bytes(msg('out')), address: '10.0.0.9', port: 0, transport: 'tcp', connection: s.got[0].source.connection });
    s.world.advance(100_000);
    expect(peer.closed).toBeUndefined();
    s.world.advance(20_000);
    expect(peer.closed).toBe('');
    expect(s.log.at(-1)).toMatch(/closed: idle for 120 s/);
    expect(s.conns.stats()).toEqual({ connections: 0, timers: 0, listeners: 2 });
  });

  it('keeps at most maxConnections: a stranger that never sent a message goes first, then the longest idle', () => {
    const s = setup({ maxConnections: 3 });
    const proxy = dial(s, '10.0.0.2');
    send(s, proxy, msg('register'));
    const b = dial(s, '10.0.0.3');
    send(s, b, msg('b'));
    const flood = Array.from({ length: 5 }, (_, i) => dial(s, `10.0.1.${i}`));
    expect(flood.slice(0, 4).every((p) => p.closed === '')).toBe(true);
    expect(flood[4].closed).toBeUndefined();
    expect([proxy.closed, b.closed]).toEqual([undefined, undefined]);
    send(s, flood[4], msg('now proven'));
    s.world.advance(1000);
    send(s, b, msg('b again'));
    s.world.advance(1000);
    send(s, flood[4], msg('again'));
    // All three proven: the newcomer evicts the one idle longest, the proxy.
    const late = dial(s, '10.0.0.4');
    expect(proxy.closed).toBe('');
    expect([b.closed, flood[4].closed, late.closed]).toEqual([undefined, undefined, undefined]);
    expect(s.conns.stats().connections).toBe(3);
  });

  it('delivers every message of a chunk even when one handler throws, then throws that error', () => {
    const s = setup({}, PHONE_TLS, (data) => {
      if (data.includes('bad')) throw new Error('handler failed');
    });
    const peer = s.world.connect('10.0.0.9', PHONE, 5060);
    s.world.run();
    peer.socket.write(bytes(msg('bad') + msg('good')));
    expect(() => s.world.run()).toThrow('handler failed');
    expect(s.got.map((g) => g.data)).toEqual([msg('bad'), msg('good')]);
  });

  it('checks a TLS server\'s certificate, and without a TLS identity neither listens nor sends over TLS', () => {
    const s = setup();
    const other: TlsCredentials = { chain: [bytes('other leaf'), bytes('other root')], privateKey: bytes('k'), trustAnchors: [] };
    s.world.host('10.0.0.2', ['pbx.example.com']).listenTls(5061, other, () => ({ onData: () => undefined, onClose: () => undefined }));
    s.conns.send({ data: bytes(msg('a')), address: '10.0.0.2', port: 5061, transport: 'tls', serverName: 'pbx.example.com' });
    s.world.run();
    expect(s.log.at(-1)).toMatch(/TLS to 10\.0\.0\.2:5061\) closed: certificate not trusted/);
    expect(s.conns.stats().connections).toBe(0);

    const bare = setup({}, null);
    expect([bare.conns.tcpPort, bare.conns.tlsPort]).toEqual([5060, undefined]);
    bare.conns.send({ data: bytes(msg('a')), address: '10.0.0.2', port: 5061, transport: 'tls' });
    expect(bare.log.at(-1)).toBe('SIP over TLS to 10.0.0.2:5061 not sent: the phone has no TLS identity');
  });

  it('talks TLS to a server whose certificate chains to its anchors and carries the name asked for', () => {
    const s = setup();
    const seen: string[] = [];
    s.world.host('10.0.0.2', ['pbx.example.com']).listenTls(5061, { ...PHONE_TLS, chain: [bytes('pbx leaf'), ROOT] }, () => ({ onData: (d) => seen.push(text(d)), onClose: () => undefined }));
    s.conns.send({ data: bytes(msg('a')), address: '10.0.0.2', port: 5061, transport: 'tls', serverName: 'pbx.example.com' });
    s.conns.send({ data: bytes(msg('b')), address: '10.0.0.2', port: 5061, transport: 'tls', serverName: 'wrong.example.com' });
    s.world.run();
    // The second send reuses the open connection; a new one to the wrong name would be refused.
    expect(seen.join('')).toBe(msg('a') + msg('b'));
    s.conns.send({ data: bytes(msg('c')), address: '10.0.0.2', port: 5062, transport: 'tls', serverName: 'wrong.example.com' });
    s.world.run();
    expect(s.log.at(-1)).toMatch(/closed: connection refused/);
  });

  it('closes everything on close(): no connection, timer or listener left', () => {
    const s = setup();
    const peers = [dial(s, '10.0.0.3'), dial(s, '10.0.0.4')];
    s.conns.send({ data: bytes(msg('x')), address: '10.0.0.5', port: 5060, transport: 'tcp' });
    s.conns.close();
    s.world.run();
    expect(peers.map((p) => p.closed)).toEqual(['', '']);
    expect(s.conns.stats()).toEqual({ connections: 0, timers: 0, listeners: 0 });
    expect([s.world.pendingTimers, s.world.openEnds]).toEqual([0, 0]);
  });

  describe('failures reported to the transactions (§18.4)', () => {
    const to = (transport: 'tcp' | 'tls', transaction: string | undefined, extra: { serverName?: string; connection?: number } = {}) => ({
      data: bytes(msg('a')), address: '10.0.0.2', port: transport === 'tls' ? 5061 : 5060, transport, ...(transaction === undefined ? {} : { transaction }), ...extra,
    });

    it('reports a refused connection for each transaction it carried, once, as a later event', () => {
      const s = setup();
      s.conns.send(to('tcp', 'c one'));
      s.conns.send(to('tcp', 'c two'));
      s.conns.send(to('tcp', 'c one'));
      s.conns.send(to('tcp', undefined));
      expect(s.failed).toEqual([]);
      s.world.advance(0);
      expect(s.failed).toEqual(['c one: connection refused', 'c two: connection refused']);
      expect(s.log).toContain('SIP connection 1 (TCP to 10.0.0.2:5060) closed: connection refused');
      expect(s.conns.stats()).toEqual({ connections: 0, timers: 0, listeners: 2 });
    });

    it('reports a TLS peer whose certificate is not for the name asked for, and a request over TLS without a TLS identity', () => {
      const s = setup();
      s.world.host('10.0.0.2', ['pbx.example.com']).listenTls(5061, { ...PHONE_TLS, chain: [bytes('pbx leaf'), ROOT] }, () => ({ onData: () => undefined, onClose: () => undefined }));
      s.conns.send(to('tls', 'c invite', { serverName: 'other.example.com' }));
      s.world.advance(0);
      expect(s.failed).toEqual(['c invite: certificate is not for other.example.com']);
      const bare = setup({}, null);
      bare.conns.send(to('tls', 'c register'));
      // Not while the user agent's actions are carried out: as an event of its own.
      expect(bare.failed).toEqual([]);
      expect(bare.conns.stats().timers).toBe(1);
      bare.world.advance(0);
      expect(bare.failed).toEqual(['c register: the phone has no TLS identity']);
      expect(bare.conns.stats().timers).toBe(0);
      // A report still waiting when the phone stops is dropped with the rest.
      bare.conns.send(to('tls', 'c unregister'));
      bare.conns.close();
      bare.world.advance(0);
      expect(bare.failed).toHaveLength(1);
      expect(bare.world.pendingTimers).toBe(0);
    });

    it('reports a reset of a connection it opened, not a clean close, nor an accepted connection\'s reset', () => {
      const s = setup();
      const servers: StreamSocket[] = [];
      s.world.host('10.0.0.2').listenTcp(5060, (socket) => {
        servers.push(socket);
        return { onData: () => undefined, onClose: () => undefined };
      });
      s.conns.send(to('tcp', 'c invite'));
      s.world.run();
      s.world.reset(servers[0]);
      s.world.advance(0);
      expect(s.failed).toEqual(['c invite: connection reset by peer']);
      s.conns.send(to('tcp', 'c bye'));
      s.world.run();
      servers[1].close();
      s.world.advance(0);
      expect(s.failed).toHaveLength(1);
      // A peer's connection the phone answered on: the response's fallback is a new connection (§18.2.2).
      const peer = dial(s);
      send(s, peer, msg('x'));
      const source = s.got[0].source;
      s.conns.send({ data: bytes('SIP/2.0 180 Ringing\r\nl: 0\r\n\r\n'), address: source.address, port: source.port, transport: 'tcp', connection: source.connection, transaction: 's x' });
      s.world.reset(peer.socket);
      s.world.advance(0);
      expect(s.failed).toHaveLength(1);
    });

    it('remembers a bounded number of transactions per connection, the newest', () => {
      const s = setup();
      const names = Array.from({ length: 40 }, (_, i) => `c ${i}`);
      for (const name of names) s.conns.send(to('tcp', name));
      s.world.advance(0);
      expect(MAX_TRANSACTIONS_PER_CONNECTION).toBeLessThan(40);
      expect(s.failed).toEqual(names.slice(40 - MAX_TRANSACTIONS_PER_CONNECTION).map((n) => `${n}: connection refused`));
    });
  });
});
