// An in-memory StreamNetwork (hal/contracts.ts) with virtual time, for tests of what runs over SIP
// streams: hosts by address, TCP and TLS listeners by port, connections whose bytes arrive in order
// as separate events, closes seen by both ends once, resets, refusals for a port nobody listens on, and a TLS
// check (the server's root among the client's anchors, the server name among the host's names).
// Events and timers run only when the test calls run() or advance(). Pure: runs under jest and on XS.
import type { Clock, StreamEvents, StreamListener, StreamNetwork, StreamSocket, Timers, TlsCredentials } from '../../hal/contracts.js';
import { equalBytes } from '../../modules/util/bytes.js';

interface End extends StreamSocket {
  events: StreamEvents | undefined;
  peer: End | undefined;
  closed: boolean;
}

interface Listening {
  readonly tls: TlsCredentials | undefined;
  readonly onAccept: (socket: StreamSocket) => StreamEvents;
}

/** A raw peer's side of a connection: what it received and how it ended. */
export interface RawPeer {
  readonly socket: StreamSocket;
  /** Bytes received so far, one character per byte. */
  received: string;
  /** Set once closed: '' for a clean close, else the error. */
  closed: string | undefined;
}

export class StreamWorld {
  private now = 0;
  private tasks: (() => void)[] = [];
  private readonly timerTable = new Map<number, { readonly at: number; readonly fire: () => void }>();
  private nextTimer = 1;
  private nextPort = 40000;
  private readonly listening = new Map<string, Listening>();
  private readonly names = new Map<string, readonly string[]>();
  private readonly ends = new Set<End>();

  readonly clock: Clock = { monotonicMs: () => this.now, wallClockMs: () => 1_700_000_000_000 + this.now };
  readonly timers: Timers = {
    set: (delayMs, onFire) => {
      const id = this.nextTimer++;
      this.timerTable.set(id, { at: this.now + delayMs, fire: onFire });
      return id;
    },
    clear: (id) => {
      this.timerTable.delete(id);
    },
  };

  /** Timers armed and not yet fired or cleared. */
  get pendingTimers(): number {
    return this.timerTable.size;
  }

  /** Stream ends not yet closed, on every host. */
  get openEnds(): number {
    return this.ends.size;
  }

  /** The network of the host at `address`; `names` are the names its TLS certificate carries. */
  host(address: string, names: readonly string[] = [address]): StreamNetwork {
    this.names.set(address, names);
    const listen = (tls: TlsCredentials | undefined, port: number, onAccept: Listening['onAccept']): StreamListener => {
      const bound = port === 0 ? this.nextPort++ : port;
      const key = `${address}:${bound}`;
      if (this.listening.has(key)) throw new Error(`address in use: ${key}`);
      this.listening.set(key, { tls, onAccept });
      return { port: bound, close: () => this.listening.delete(key) };
    };
    const connect = (to: string, port: number, tls: { serverName: string; credentials: TlsCredentials } | undefined, events: StreamEvents): StreamSocket => {
      const local = this.end(to, port, events);
      const from = { address, port: this.nextPort++ };
      this.tasks.push(() => {
        if (local.closed) return;
        const target = this.listening.get(`${to}:${port}`);
        const refusal = target === undefined ? 'connection refused' : tls ? this.tlsRefusal(target, to, tls) : undefined;
        if (refusal !== undefined) return this.close(local, refusal);
        const remote = this.end(from.address, from.port, undefined);
        remote.peer = local;
        local.peer = remote;
        remote.events = target!.onAccept(remote);
      });
      return local;
    };
    return {
      listenTcp: (port, onAccept) => listen(undefined, port, onAccept),
      listenTls: (port, credentials, onAccept) => listen(credentials, port, onAccept),
      connectTcp: (to, port, events) => connect(to, port, undefined, events),
      connectTls: (to, port, serverName, credentials, events) => connect(to, port, { serverName, credentials }, events),
    };
  }

  /** A connection from a raw test peer at `address`, which records what it gets. */
  connect(address: string, to: string, port: number): RawPeer {
    const peer: RawPeer = {
      socket: undefined as unknown as StreamSocket,
      received: '',
      closed: undefined,
    };
    (peer as { socket: StreamSocket }).socket = this.host(address).connectTcp(to, port, {
      onData: (data) => {
        peer.received += Array.from(data, (b) => String.fromCharCode(b)).join('');
      },
      onClose: (error) => {
        peer.closed = error ?? '';
      },
    });
    return peer;
  }

  /** Breaks the connection `socket` is one end of: that end closes, the other sees `error` (a reset). */
  reset(socket: StreamSocket, error = 'connection reset by peer'): void {
    const end = socket as End;
    this.close(end, undefined);
    if (end.peer) this.close(end.peer, error);
  }

  /** Delivers every pending event, including those the deliveries cause. */
  run(): void {
    for (let n = 0; this.tasks.length > 0; n++) {
      if (n > 1_000_000) throw new Error('events never settle');
      this.tasks.shift()!();
    }
  }

  /** Lets `ms` of virtual time pass, firing timers in order and delivering events after each. */
  advance(ms: number): void {
    const end = this.now + ms;
    this.run();
    for (;;) {
      let next: [number, { at: number; fire: () => void }] | undefined;
      for (const entry of this.timerTable) if (entry[1].at <= end && (next === undefined || entry[1].at < next[1].at)) next = entry;
      if (next === undefined) break;
      this.timerTable.delete(next[0]);
      this.now = Math.max(this.now, next[1].at);
      next[1].fire();
      this.run();
    }
    this.now = end;
  }

  /** Why a TLS handshake fails: the server's root is not a client anchor, or the name is not the server's. */
  private tlsRefusal(target: Listening, host: string, tls: { serverName: string; credentials: TlsCredentials }): string | undefined {
    if (!target.tls) return 'TLS handshake failed: the server speaks no TLS';
    const root = target.tls.chain[target.tls.chain.length - 1];
    if (!tls.credentials.trustAnchors.some((a) => equalBytes(a, root))) return 'certificate not trusted';
    if (!(this.names.get(host) ?? []).includes(tls.serverName)) return `certificate is not for ${tls.serverName}`;
    return undefined;
  }

  private end(remoteAddress: string, remotePort: number, events: StreamEvents | undefined): End {
    const end: End = {
      remoteAddress, remotePort, events, peer: undefined, closed: false,
      write: (data) => {
        if (end.closed) return;
        const copy = data.slice();
        this.tasks.push(() => {
          const peer = end.peer;
          if (peer && !peer.closed) peer.events?.onData(copy);
        });
      },
      close: () => {
        if (end.closed) return;
        this.close(end, undefined);
        if (end.peer) this.tasks.push(() => end.peer && this.close(end.peer, undefined));
      },
    };
    this.ends.add(end);
    return end;
  }

  /** Ends one side: its onClose runs once, as its own event. */
  private close(end: End, error: string | undefined): void {
    if (end.closed) return;
    end.closed = true;
    this.ends.delete(end);
    this.tasks.push(() => end.events?.onClose(error));
  }
}
