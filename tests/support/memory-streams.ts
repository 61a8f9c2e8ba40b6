// In-memory stream sockets (the StreamNetwork contract, hal/contracts.ts) for hosts that share one
// virtual clock: the device scenarios' VirtualWorld (tests/device/virtual-world.ts) and the virtual
// phones of tests/support/virtual-phone.ts. A connection joins a connectTcp/connectTls to the
// listener bound at that address and port; bytes arrive in order, each write one delivery, after
// the sender's scheduled delay; a close reaches both ends' onClose once. There is no TLS on the
// wire: the client checks the listener's credentials with `verifyTls` (by default it accepts any),
// so tests can model a refused certificate. Pure: no host globals, runs under jest and on XS.
import type { StreamEvents, StreamListener, StreamNetwork, StreamSocket, TlsCredentials } from '../../hal/contracts.js';

/** Runs `fire` after `delayMs` of the host's virtual time (events due at one time run in scheduling order). */
export type Schedule = (delayMs: number, fire: () => void) => void;

/**
 * Whether a TLS client accepts the server's credentials for `serverName` given its own; returns
 * why not (the client's onClose error), or undefined to accept.
 */
export type TlsVerifier = (server: TlsCredentials, serverName: string, client: TlsCredentials) => string | undefined;

/** Open streams (both ends count) at most; a connect beyond is refused. */
export const MAX_MEMORY_STREAMS = 256;
/** First port listenTcp/listenTls(0) gives. */
const EPHEMERAL_BASE = 50000;

interface Bound {
  readonly tls: TlsCredentials | undefined;
  readonly onAccept: (socket: StreamSocket) => StreamEvents;
}

/** One end of a connection: its owner's events and whether it is closed. */
interface End {
  events: StreamEvents | undefined;
  closed: boolean;
  peer: End | undefined;
  readonly schedule: Schedule;
}

export class MemoryStreams {
  private readonly listeners = new Map<string, Bound>();
  private nextPort = EPHEMERAL_BASE;
  /** Stream ends not yet closed. */
  open = 0;

  constructor(
    private readonly delayMs = 1,
    private readonly verifyTls: TlsVerifier = () => undefined,
  ) {}

  /** The stream sockets of the host at `localAddress`, whose deliveries run on `schedule`. */
  network(localAddress: string, schedule: Schedule): StreamNetwork {
    const listen = (port: number, tls: TlsCredentials | undefined, onAccept: (socket: StreamSocket) => StreamEvents): StreamListener => {
      const actual = port === 0 ? this.nextPort++ : port;
      const key = `${localAddress}:${actual}`;
      if (this.listeners.has(key)) throw new Error(`port ${actual} is already in use on ${localAddress}`);
      const bound: Bound = { tls, onAccept };
      this.listeners.set(key, bound);
      return { port: actual, close: () => void (this.listeners.get(key) === bound && this.listeners.delete(key)) };
    };
    const connect = (address: string, port: number, tls: { serverName: string; credentials: TlsCredentials } | undefined, events: StreamEvents): StreamSocket => {
      const local: End = { events, closed: false, peer: undefined, schedule };
      const localPort = this.nextPort++;
      this.open++;
      schedule(this.delayMs, () => {
        if (local.closed) return;
        const listener = this.listeners.get(`${address}:${port}`);
        const refusal =
          listener === undefined ? 'connection refused'
          : this.open >= MAX_MEMORY_STREAMS ? 'connection refused: too many streams'
          : (listener.tls === undefined) !== (tls === undefined) ? (tls ? 'TLS handshake failed: the peer does not speak TLS' : 'connection closed by the peer')
          : tls ? this.verifyTls(listener.tls!, tls.serverName, tls.credentials) : undefined;
        if (refusal !== undefined) return this.end(local, refusal);
        const remote: End = { events: undefined, closed: false, peer: local, schedule };
        local.peer = remote;
        this.open++;
        try {
          remote.events = listener!.onAccept(this.socket(remote, localAddress, localPort));
        } catch (e) {
          this.end(remote, undefined);
          this.end(local, 'connection closed by the peer');
          throw e;
        }
      });
      return this.socket(local, address, port);
    };
    return {
      listenTcp: (port, onAccept) => listen(port, undefined, onAccept),
      listenTls: (port, credentials, onAccept) => listen(port, credentials, onAccept),
      connectTcp: (address, port, events) => connect(address, port, undefined, events),
      connectTls: (address, port, serverName, credentials, events) => connect(address, port, { serverName, credentials }, events),
    };
  }

  private socket(end: End, remoteAddress: string, remotePort: number): StreamSocket {
    return {
      remoteAddress,
      remotePort,
      write: (data) => {
        if (end.closed) return;
        const copy = data.slice();
        // Bytes written while connecting wait for the connection: the peer exists only then. Bytes
        // written before a close still arrive, ahead of the close (a graceful close flushes).
        end.schedule(this.delayMs, () => {
          const peer = end.peer;
          if (peer && !peer.closed) peer.events?.onData(copy);
        });
      },
      close: () => {
        if (end.closed) return;
        this.end(end, undefined);
        const peer = end.peer;
        if (peer) end.schedule(this.delayMs, () => peer.closed || this.end(peer, undefined));
      },
    };
  }

  /** Closes one end: its owner hears onClose once, after the delay. */
  private end(end: End, error: string | undefined): void {
    end.closed = true;
    this.open--;
    end.schedule(this.delayMs, () => end.events?.onClose(error));
  }
}
