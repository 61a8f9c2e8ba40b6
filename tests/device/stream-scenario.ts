// The device's stream sockets on Moddable's runtime (issue 14): the device check runs this with the
// ESP32 HAL's StreamNetwork (hal/esp32/stream-network.ts) on the SDK's sockets and TLS, built for
// the Linux simulator, over loopback. TCP: a listener echoes, a connect gets its bytes back, both
// ends close cleanly; a connect to a closed port ends with an error. TLS (the SDK's TLS 1.2 on both
// sides): a server with a certificate for 127.0.0.1 from a test CA (tests/fixtures/tls) echoes to a
// client that trusts that CA and asks for 127.0.0.1; a client asking for another name is refused
// with an error and its bytes are never echoed. Pure: the network and timers are given.
import type { StreamEvents, StreamListener, StreamNetwork, StreamSocket, Timers, TlsCredentials } from '../../hal/contracts.js';
import { fromBase64, utf8Decode, utf8Encode } from '../../modules/util/bytes.js';
import type { Probe, ScenarioResult } from './scenarios.js';

/** tests/fixtures/tls/tls-fixtures.json: base64 DER. */
export type TlsFixtures = Record<'ca' | 'server' | 'server.key', string>;

/** A step waits this long at most (a TLS handshake in JavaScript on the simulator takes well under). */
const STEP_MS = 20_000;

interface Client {
  readonly socket: StreamSocket;
  /** Text received so far. */
  text(): string;
  /** The close's error once closed ('' for clean), else undefined. */
  ended(): string | undefined;
}

/** Why accepted streams ended with an error, for a failure's detail. */
const serverErrors: string[] = [];

/** A listener that echoes every accepted stream's bytes. */
function echo(open: (onAccept: (socket: StreamSocket) => StreamEvents) => StreamListener): StreamListener {
  return open((socket) => ({ onData: (data) => socket.write(data), onClose: (error) => void (error && serverErrors.push(error)) }));
}

function client(connect: (events: StreamEvents) => StreamSocket): Client {
  let received = '';
  let ended: string | undefined;
  const socket = connect({ onData: (data) => void (received += utf8Decode(data)), onClose: (error) => void (ended = error ?? '') });
  return { socket, text: () => received, ended: () => ended };
}

/** Waits for `text` on `c`; throws why if the stream ends first. */
async function echoed(timers: Timers, c: Client, text: string, what: string): Promise<void> {
  await until(timers, () => c.text() === text || c.ended() !== undefined, what);
  if (c.text() !== text) throw new Error(`${what}: the stream ended (${c.ended() || 'clean'}; server: ${serverErrors.join('; ') || 'no error'})`);
}

/** Resolves once `done()` holds, checking every 10 ms; rejects after STEP_MS naming `what`. */
function until(timers: Timers, done: () => boolean, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = () => {
      if (done()) return resolve();
      if (Date.now() - started > STEP_MS) return reject(new Error(`timed out waiting for ${what}`));
      timers.set(10, check);
    };
    check();
  });
}

async function closedWithin(timers: Timers, c: Client, what: string): Promise<string> {
  await until(timers, () => c.ended() !== undefined, what);
  return c.ended()!;
}

export async function streamScenario(net: StreamNetwork, timers: Timers, fixtures: TlsFixtures, probe: Probe): Promise<ScenarioResult> {
  const ca = fromBase64(fixtures.ca);
  const server: TlsCredentials = { chain: [fromBase64(fixtures.server), ca], privateKey: fromBase64(fixtures['server.key']), trustAnchors: [ca] };
  const anonymous: TlsCredentials = { chain: [], privateKey: new Uint8Array(0), trustAnchors: [ca] };
  const fail = (detail: string): ScenarioResult => ({ scenario: 'streams', pass: false, detail });

  // TCP echo, then a clean close from the client.
  const tcpListener = echo((onAccept) => net.listenTcp(0, onAccept));
  const tcp = client((events) => net.connectTcp('127.0.0.1', tcpListener.port, events));
  tcp.socket.write(utf8Encode('hello over TCP'));
  await echoed(timers, tcp, 'hello over TCP', 'the TCP echo');
  probe.step();
  tcp.socket.close();
  if ((await closedWithin(timers, tcp, 'the TCP close')) !== '') return fail('the TCP close was not clean');
  const tcpPort = tcpListener.port;
  tcpListener.close();
  const refused = client((events) => net.connectTcp('127.0.0.1', tcpPort, events));
  const refusal = await closedWithin(timers, refused, 'the refused connect');
  if (refusal === '') return fail('a connect to a closed port ended without an error');

  // TLS echo with the SDK's TLS as server and client.
  const tlsListener = echo((onAccept) => net.listenTls(0, server, onAccept));
  const started = Date.now();
  const tls = client((events) => net.connectTls('127.0.0.1', tlsListener.port, '127.0.0.1', anonymous, events));
  tls.socket.write(utf8Encode('REGISTER over TLS'));
  await echoed(timers, tls, 'REGISTER over TLS', 'the TLS echo');
  const tlsEchoMs = Date.now() - started;
  probe.step();
  tls.socket.close();
  if ((await closedWithin(timers, tls, 'the TLS close')) !== '') return fail('the TLS close was not clean');

  // A name the certificate does not carry: refused, nothing echoed.
  const wrong = client((events) => net.connectTls('127.0.0.1', tlsListener.port, 'pbx.example', anonymous, events));
  wrong.socket.write(utf8Encode('must not be echoed'));
  const wrongName = await closedWithin(timers, wrong, 'the refusal of a wrong name');
  tlsListener.close();
  if (wrongName === '' || wrong.text() !== '') return fail(`a server without the name was not refused (${wrongName}, got "${wrong.text()}")`);
  return { scenario: 'streams', pass: true, detail: 'TCP and TLS echo, clean closes; a refused connect and a wrong TLS name end with errors', tlsEchoMs, refusal, wrongName };
}
