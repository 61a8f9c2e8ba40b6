// The in-memory stream sockets of the test worlds (tests/support/memory-streams.ts) keep the
// StreamNetwork contract (hal/contracts.ts) as the desktop host does with real sockets: a connect
// reaches the listener at that address and port, bytes arrive in order and written before a close
// still arrive, each end hears onClose exactly once (with an error only when refused), a listener
// closed accepts no more, and a TLS client refused by the verifier sends nothing. Node and XS.
import type { StreamEvents, StreamSocket, TlsCredentials } from '../../hal/contracts.js';
import { utf8Decode, utf8Encode } from '../../modules/util/bytes.js';
import { VirtualWorld } from '../device/virtual-world.js';
import { virtualPhone } from '../support/virtual-phone.js';
import { TestNetwork } from './sip-test-network.js';
import { MemoryStreams } from '../support/memory-streams.js';

/** Events that record what they get as text lines. */
function recorder(lines: string[], name: string): StreamEvents {
  return {
    onData: (d) => void lines.push(`${name} data ${utf8Decode(d)}`),
    onClose: (e) => void lines.push(`${name} closed ${e ?? 'clean'}`),
  };
}

const CREDENTIALS: TlsCredentials = { chain: [Uint8Array.of(1)], privateKey: Uint8Array.of(2), trustAnchors: [Uint8Array.of(3)] };

describe('in-memory stream sockets', () => {
  it('a connect reaches the listener; bytes flow both ways in order; a close reaches both ends once, after the bytes written before it', () => {
    const world = new VirtualWorld();
    const lines: string[] = [];
    let server: StreamSocket | undefined;
    const listener = world.network('10.0.0.2').listenTcp(5060, (s) => {
      server = s;
      lines.push(`accepted from ${s.remoteAddress}`);
      return recorder(lines, 'server');
    });
    const client = world.network('10.0.0.1').connectTcp('10.0.0.2', listener.port, recorder(lines, 'client'));
    client.write(utf8Encode('one'));
    client.write(utf8Encode('two'));
    world.runUntil(10);
    server!.write(utf8Encode('back'));
    client.write(utf8Encode('last'));
    client.close();
    client.close();
    world.runUntil(20);
    // 'back' was still on its way when the client closed: a closed end gets nothing more.
    expect(lines).toEqual([
      'accepted from 10.0.0.1',
      'server data one',
      'server data two',
      'server data last',
      'client closed clean',
      'server closed clean',
    ]);
    expect(world.streams.open).toBe(0);
  });

  it('a connect to nothing, or to a closed listener, ends in onClose with an error', () => {
    const world = new VirtualWorld();
    const lines: string[] = [];
    const net = world.network('10.0.0.1');
    net.connectTcp('10.0.0.9', 5060, recorder(lines, 'nobody'));
    const listener = net.listenTcp(0, () => recorder(lines, 'never'));
    listener.close();
    net.connectTcp('10.0.0.1', listener.port, recorder(lines, 'closed listener'));
    world.runUntil(10);
    expect(lines).toEqual(['nobody closed connection refused', 'closed listener closed connection refused']);
    expect(world.streams.open).toBe(0);
  });

  it('TLS: the client sees the server credentials through the verifier; a refusal sends nothing; TCP and TLS do not meet', () => {
    const seen: string[] = [];
    const streams = new MemoryStreams(1, (_server, name) => (seen.push(name), name === 'pbx.test' ? undefined : `certificate does not name ${name}`));
    const lines: string[] = [];
    const queue: (() => void)[] = [];
    const schedule = (_ms: number, fire: () => void) => void queue.push(fire);
    const run = () => {
      while (queue.length > 0) queue.shift()!();
    };
    const server = streams.network('10.0.0.2', schedule);
    server.listenTls(5061, CREDENTIALS, () => recorder(lines, 'tls server'));
    server.listenTcp(5060, () => recorder(lines, 'tcp server'));
    const client = streams.network('10.0.0.1', schedule);
    client.connectTls('10.0.0.2', 5061, 'pbx.test', CREDENTIALS, recorder(lines, 'good')).write(utf8Encode('hello'));
    client.connectTls('10.0.0.2', 5061, '10.0.0.2', CREDENTIALS, recorder(lines, 'wrong name')).write(utf8Encode('secret'));
    client.connectTls('10.0.0.2', 5060, 'pbx.test', CREDENTIALS, recorder(lines, 'tls to tcp'));
    client.connectTcp('10.0.0.2', 5061, recorder(lines, 'tcp to tls'));
    run();
    expect(seen).toEqual(['pbx.test', '10.0.0.2']);
    expect(lines).toEqual([
      'tls server data hello',
      'wrong name closed certificate does not name 10.0.0.2',
      'tls to tcp closed TLS handshake failed: the peer does not speak TLS',
      'tcp to tls closed connection closed by the peer',
    ]);
    expect(streams.open).toBe(2);
  });

  it('virtual phones on one TestNetwork connect to each other, on its virtual time', () => {
    const net = new TestNetwork();
    const a = virtualPhone(net, { user: '1001', address: '10.0.0.1' });
    const b = virtualPhone(net, { user: '1002', address: '10.0.0.2' });
    const lines: string[] = [];
    // The phones listen for SIP on 5060 themselves (TCP beside UDP): this echo takes another port.
    a.network.listenTcp(7000, (s) => ({ onData: (d) => s.write(d), onClose: (e) => void lines.push(`a closed ${e ?? 'clean'}`) }));
    const socket = b.network.connectTcp('10.0.0.1', 7000, recorder(lines, 'b'));
    socket.write(utf8Encode('OPTIONS'));
    expect(lines).toEqual([]); // nothing moves until the network runs
    net.run(net.now + 10);
    expect(lines).toEqual(['b data OPTIONS']);
    socket.close();
    net.run(net.now + 10);
    expect(lines).toEqual(['b data OPTIONS', 'b closed clean', 'a closed clean']);
  });
});
