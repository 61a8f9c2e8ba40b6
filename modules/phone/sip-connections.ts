// SIP's stream connections (RFC 3261 §18): a TCP listener on the SIP port, a TLS listener on the TLS
// port (§26.2), outgoing connections reused per peer (transport, address, port; §18.1.1), and the
// framing of each stream by Content-Length (§18.3, stream-framer.ts). Bounded: at most
// maxConnections at once (the least useful one makes room: one that never sent a whole message,
// then the longest idle), a connection idle for idleMs is closed, and one that holds a part of a
// message for messageMs — a newly accepted connection that never sends one, an endless header sent
// slowly — is cut off. The user agent gets each message with its source and connection, and sends
// through `send`, which routes UDP to the SIP socket and streams to their connection. A connection
// the phone opened that fails (refused, TLS handshake or certificate check failed, reset, a write
// refused) is reported for each transaction whose message it carried (`onSendFailed`, §18.4).
import type { Clock, StreamEvents, StreamListener, StreamNetwork, StreamSocket, TimerId, Timers, TlsCredentials } from '../../hal/contracts.js';
import { StreamFramer, type FramerLimits } from '../sip/stream-framer.js';
import type { Destination, SipTransport } from '../sip/transport.js';
import { messageOf } from './event-guard.js';

export type StreamTransport = Exclude<SipTransport, 'udp'>;

/** Where a message came from: the connection's peer and the connection itself (its id). */
export interface StreamSource {
  readonly address: string;
  readonly port: number;
  readonly transport: StreamTransport;
  readonly connection: number;
}

/**
 * A message to send: the user agent's 'send' action. `connection` is the stream a request came in
 * on (its response goes back there while it is open, §18.2.2); for TLS, `serverName` is the name
 * the peer's certificate must carry (RFC 5922 §7), the address when absent. `transaction` is
 * reported back through onSendFailed if the message cannot be sent.
 */
export interface SipSend extends Destination {
  readonly data: Uint8Array;
  readonly transaction?: string;
}

/**
 * The transactions remembered per connection the phone opened, newest last: a phone has a call
 * and a registration or two in progress at once; older ones are long over.
 */
export const MAX_TRANSACTIONS_PER_CONNECTION = 16;

export interface ConnectionLimits {
  readonly maxConnections: number;
  /** A connection with no bytes either way for this long is closed. */
  readonly idleMs: number;
  /** A message must be whole this long after its first byte, or after the accept for a new connection. */
  readonly messageMs: number;
  readonly framer?: Partial<FramerLimits>;
}

/**
 * Twelve connections: a proxy or two and the peers calling in, with room for a flood to be evicted,
 * and under the device HAL's 16 streams (hal/esp32/stream-network.ts), which closes a connection
 * beyond its bound before the phone sees it: the phone makes room first, while the evicted ones
 * close. Idle after two minutes (Kamailio's default connection lifetime); ten seconds for a
 * message, which leaves a slow TLS handshake on the device time to finish.
 */
export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = { maxConnections: 12, idleMs: 120_000, messageMs: 10_000 };

export interface SipConnectionsConfig {
  readonly network: StreamNetwork;
  readonly timers: Timers;
  readonly clock: Clock;
  /** The SIP UDP socket: 'udp' sends go out there. */
  readonly udp: { send(data: Uint8Array, address: string, port: number): void };
  /** TCP listens on the SIP port (the UDP port's number, §18). */
  readonly sipPort: number;
  /** TLS listens here (0: any free port) when `tls` is given. */
  readonly tlsPort: number;
  /** The phone's TLS identity; without it there is no TLS, in or out. */
  readonly tls: TlsCredentials | undefined;
  readonly onMessage: (data: Uint8Array, source: StreamSource) => void;
  /**
   * A message for `transaction` could not be sent, or the connection the phone opened for it failed
   * before closing cleanly (RFC 3261 §18.4): called as its own event, once per transaction.
   */
  readonly onSendFailed?: (transaction: string, reason: string) => void;
  readonly log: (line: string) => void;
  readonly limits?: Partial<ConnectionLimits>;
}

interface Connection {
  readonly id: number;
  readonly transport: StreamTransport;
  readonly address: string;
  readonly port: number;
  readonly accepted: boolean;
  readonly framer: StreamFramer;
  socket: StreamSocket | undefined;
  /** Monotonic ms of the last bytes in or out. */
  lastActivity: number;
  /** Since when a message is awaited whole (the accept, or its first byte); undefined between messages. */
  pendingSince: number | undefined;
  /** Whether a whole message ever came in. */
  proven: boolean;
  timer: TimerId | undefined;
  /** When the armed timer fires. */
  timerAt: number;
  /** On a connection the phone opened: the transactions whose messages it carried (onSendFailed). */
  readonly transactions: string[];
}

const keyOf = (transport: StreamTransport, address: string, port: number): string => `${transport} ${address}:${port}`;
const CRLF = Uint8Array.of(13, 10);

export class SipConnections {
  private readonly limits: ConnectionLimits;
  private readonly connections = new Map<number, Connection>();
  /** Connections by peer, for reuse. */
  private readonly byPeer = new Map<string, Connection>();
  private readonly listeners: StreamListener[] = [];
  /** Failures waiting to be reported as their own event (see fail). */
  private readonly reports = new Set<TimerId>();
  private nextId = 1;
  /** The TCP port listened on, when listening. */
  readonly tcpPort: number | undefined;
  /** The TLS port listened on, when listening. */
  readonly tlsPort: number | undefined;

  constructor(private readonly c: SipConnectionsConfig) {
    this.limits = { ...DEFAULT_CONNECTION_LIMITS, ...c.limits };
    this.tcpPort = this.listen('tcp', c.sipPort);
    this.tlsPort = c.tls ? this.listen('tls', c.tlsPort) : undefined;
  }

  /** Live state for leak checks: open connections, armed timers, listeners. */
  stats(): { connections: number; timers: number; listeners: number } {
    let timers = this.reports.size;
    for (const conn of this.connections.values()) if (conn.timer !== undefined) timers++;
    return { connections: this.connections.size, timers, listeners: this.listeners.length };
  }

  /**
   * Sends a message: UDP through the SIP socket; a stream on the connection named when it is still
   * open (§18.2.2), else on the open one to that peer, else on a new one.
   */
  send(m: SipSend): void {
    if (m.transport === 'udp') return this.c.udp.send(m.data, m.address, m.port);
    const named = m.connection === undefined ? undefined : this.connections.get(m.connection);
    const conn = named ?? this.byPeer.get(keyOf(m.transport, m.address, m.port)) ?? this.open(m.transport, m.address, m.port, m.serverName ?? m.address);
    if (typeof conn === 'string') return this.fail(m.transaction === undefined ? [] : [m.transaction], conn);
    if (m.transaction !== undefined && !conn.accepted && !conn.transactions.includes(m.transaction)) {
      if (conn.transactions.push(m.transaction) > MAX_TRANSACTIONS_PER_CONNECTION) conn.transactions.shift();
    }
    this.write(conn, m.data);
  }

  /** Stops listening and closes every connection; failures not yet reported are dropped. */
  close(): void {
    for (const listener of this.listeners.splice(0)) listener.close();
    for (const conn of [...this.connections.values()]) this.drop(conn, 'the phone stops');
    for (const timer of this.reports) this.c.timers.clear(timer);
    this.reports.clear();
  }

  /**
   * Reports `transactions` as not sent. Always as a later event of its own: a failure found while
   * the user agent's actions are being carried out must not run into the middle of them.
   */
  private fail(transactions: readonly string[], reason: string): void {
    const report = this.c.onSendFailed;
    if (report === undefined || transactions.length === 0) return;
    const timer = this.c.timers.set(0, () => {
      this.reports.delete(timer);
      let failure: { error: unknown } | undefined;
      for (const t of transactions) {
        try {
          report(t, reason);
        } catch (e) {
          failure ??= { error: e };
        }
      }
      if (failure) throw failure.error;
    });
    this.reports.add(timer);
  }

  private listen(transport: StreamTransport, port: number): number | undefined {
    const { network, tls, log } = this.c;
    const onAccept = (socket: StreamSocket): StreamEvents => this.accept(transport, socket);
    try {
      const listener = transport === 'tcp' ? network.listenTcp(port, onAccept) : network.listenTls(port, tls!, onAccept);
      this.listeners.push(listener);
      return listener.port;
    } catch (e) {
      log(`no SIP over ${transport.toUpperCase()}: cannot listen on port ${port}: ${messageOf(e)}`);
      return undefined;
    }
  }

  private accept(transport: StreamTransport, socket: StreamSocket): StreamEvents {
    const conn = this.add(transport, socket.remoteAddress, socket.remotePort, true);
    conn.socket = socket;
    this.c.log(`SIP connection ${conn.id}: ${transport.toUpperCase()} from ${conn.address}:${conn.port}`);
    return this.events(conn);
  }

  /** A new connection to a peer, or why there is none. */
  private open(transport: StreamTransport, address: string, port: number, serverName: string): Connection | string {
    const { network, tls, log } = this.c;
    if (transport === 'tls' && !tls) {
      log(`SIP over TLS to ${address}:${port} not sent: the phone has no TLS identity`);
      return 'the phone has no TLS identity';
    }
    const conn = this.add(transport, address, port, false);
    const events = this.events(conn);
    try {
      conn.socket = transport === 'tcp' ? network.connectTcp(address, port, events) : network.connectTls(address, port, serverName, tls!, events);
    } catch (e) {
      const reason = `cannot connect: ${messageOf(e)}`;
      this.drop(conn, reason);
      return reason;
    }
    log(`SIP connection ${conn.id}: ${transport.toUpperCase()} to ${address}:${port}`);
    return conn;
  }

  /** A new connection's record; at the bound, the least useful one is closed first. */
  private add(transport: StreamTransport, address: string, port: number, accepted: boolean): Connection {
    if (this.connections.size >= this.limits.maxConnections) {
      const victim = this.leastUseful();
      this.drop(victim, `closed to make room (${this.limits.maxConnections} connections at most)`);
    }
    const now = this.c.clock.monotonicMs();
    const conn: Connection = {
      id: this.nextId++, transport, address, port, accepted,
      framer: new StreamFramer(this.limits.framer),
      socket: undefined, lastActivity: now, pendingSince: accepted ? now : undefined, proven: !accepted,
      timer: undefined, timerAt: 0, transactions: [],
    };
    this.connections.set(conn.id, conn);
    this.byPeer.set(keyOf(transport, address, port), conn);
    this.arm(conn);
    return conn;
  }

  /** The connection to close for room: one that never sent a whole message, else the longest idle. */
  private leastUseful(): Connection {
    let best: Connection | undefined;
    for (const conn of this.connections.values()) {
      if (best === undefined || (conn.proven === best.proven ? conn.lastActivity < best.lastActivity : !conn.proven)) best = conn;
    }
    return best!;
  }

  private events(conn: Connection): StreamEvents {
    return {
      onData: (data) => {
        if (this.connections.get(conn.id) === conn) this.received(conn, data);
      },
      onClose: (error) => {
        if (this.connections.get(conn.id) === conn) this.drop(conn, error === undefined ? 'closed by the peer' : error, false, error !== undefined);
      },
    };
  }

  private received(conn: Connection, data: Uint8Array): void {
    conn.lastActivity = this.c.clock.monotonicMs();
    const out = conn.framer.push(data);
    if (out.messages.length > 0) conn.proven = true;
    // Between messages nothing is awaited, except on a new connection until its first message:
    // keep-alive pings alone do not keep a stranger's connection open.
    if (conn.framer.idle && conn.proven) conn.pendingSince = undefined;
    else if (out.messages.length > 0 || conn.pendingSince === undefined) conn.pendingSince = conn.lastActivity;
    // A CRLFCRLF ping gets a CRLF pong (RFC 5626 §3.5.1): one per chunk is enough.
    if (out.pings > 0 && out.error === undefined) this.write(conn, CRLF);
    if (out.error !== undefined) this.drop(conn, out.error);
    else this.arm(conn);
    // Every message is delivered; the first failure is thrown after, to the event guard.
    let failure: { error: unknown } | undefined;
    const source: StreamSource = { address: conn.address, port: conn.port, transport: conn.transport, connection: conn.id };
    for (const message of out.messages) {
      try {
        this.c.onMessage(message, source);
      } catch (e) {
        failure ??= { error: e };
      }
    }
    if (failure) throw failure.error;
  }

  private write(conn: Connection, data: Uint8Array): void {
    try {
      conn.socket!.write(data);
    } catch (e) {
      return this.drop(conn, `cannot send: ${messageOf(e)}`, true, true);
    }
    conn.lastActivity = this.c.clock.monotonicMs();
  }

  /** Arms the connection's one timer for its next deadline, unless it is armed for that or earlier. */
  private arm(conn: Connection): void {
    const at = this.deadline(conn);
    if (conn.timer !== undefined) {
      if (conn.timerAt <= at) return;
      this.c.timers.clear(conn.timer);
    }
    conn.timerAt = at;
    conn.timer = this.c.timers.set(Math.max(0, at - this.c.clock.monotonicMs()), () => this.expire(conn));
  }

  private deadline(conn: Connection): number {
    const idle = conn.lastActivity + this.limits.idleMs;
    return conn.pendingSince === undefined ? idle : Math.min(idle, conn.pendingSince + this.limits.messageMs);
  }

  /** The timer fired: cut off when a deadline passed, else armed again for the next one. */
  private expire(conn: Connection): void {
    conn.timer = undefined;
    const now = this.c.clock.monotonicMs();
    if (conn.pendingSince !== undefined && now >= conn.pendingSince + this.limits.messageMs) {
      const what = conn.proven ? 'a message' : 'a first message';
      return this.drop(conn, `cut off: ${what} not whole within ${this.limits.messageMs / 1000} s`);
    }
    if (now >= conn.lastActivity + this.limits.idleMs) return this.drop(conn, `idle for ${this.limits.idleMs / 1000} s`);
    this.arm(conn);
  }

  /**
   * Forgets a connection and closes its socket (unless the socket is what closed). When it `failed`
   * (not closed cleanly, nor by the phone), the transactions it carried are reported.
   */
  private drop(conn: Connection, reason: string, closeSocket = true, failed = false): void {
    if (this.connections.get(conn.id) !== conn) return;
    this.connections.delete(conn.id);
    const key = keyOf(conn.transport, conn.address, conn.port);
    if (this.byPeer.get(key) === conn) this.byPeer.delete(key);
    if (conn.timer !== undefined) this.c.timers.clear(conn.timer);
    conn.timer = undefined;
    const way = conn.accepted ? 'from' : 'to';
    this.c.log(`SIP connection ${conn.id} (${conn.transport.toUpperCase()} ${way} ${conn.address}:${conn.port}) closed: ${reason}`);
    if (failed) this.fail(conn.transactions, reason);
    if (closeSocket && conn.socket) {
      try {
        conn.socket.close();
      } catch (e) {
        this.c.log(`SIP connection ${conn.id}: closing failed: ${messageOf(e)}`);
      }
    }
  }
}
