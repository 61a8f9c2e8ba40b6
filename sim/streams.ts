// The Node side of the desktop host's stream sockets (hal/host/streams.ts is the XS side, with the
// channel operations): TCP with Node's net, TLS with Node's tls (OpenSSL), at least TLS 1.2. As a
// client the peer's certificate must chain to the phone's trust anchors and carry the server name
// (a DNS name or an IP address: Node's checkServerIdentity matches IP subjectAltNames); as a server
// the phone's chain and key are served and no client certificate is asked for.
// What the host holds for the phone is bounded (StreamLimits): open streams (a connection flood
// beyond is closed as it arrives), listeners, bytes received that the engine has not handled yet,
// bytes written that the peer has not taken (either beyond its bound closes the stream with an
// error), and the time a connect or a TLS handshake may take.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { createServer, isIP, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { checkServerIdentity, connect as tlsConnect, createSecureContext, type SecureContext, TLSSocket } from 'node:tls';
import { unpackParts } from '../hal/host/channel.js';

export interface StreamLimits {
  /** Streams open at once, accepted (handshaking included) and connected together. */
  readonly maxStreams: number;
  readonly maxListeners: number;
  /** Bytes of one stream received and not yet handled by the engine; beyond, the stream is closed. */
  readonly maxUnconsumedBytes: number;
  /** Bytes the phone wrote on one stream that the peer has not taken; beyond, the stream is closed. */
  readonly maxUnsentBytes: number;
  /** A TCP connect, with its TLS handshake, or an accepted TLS handshake, fails after this long. */
  readonly connectTimeoutMs: number;
  /** A stream the phone closed waits this long for the peer to close its side, then is destroyed. */
  readonly closeLingerMs: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = {
  maxStreams: 64,
  maxListeners: 8,
  maxUnconsumedBytes: 256 * 1024,
  maxUnsentBytes: 256 * 1024,
  connectTimeoutMs: 10_000,
  closeLingerMs: 2_000,
};

export interface StreamHostDeps {
  /** The address listeners bind. */
  readonly address: string;
  /** Sends one event into the engine; resolves once the engine has handled it. */
  send(header: Record<string, unknown>, payload?: Uint8Array): Promise<void>;
  log(line: string): void;
}

interface Held {
  readonly socket: Socket;
  /** Whether the engine knows the stream (a connect it asked for, or an accepted one announced). */
  announced: boolean;
  /** Bytes sent to the engine not yet handled. */
  unconsumed: number;
  /** Why the stream failed, when it did: the engine's onClose error. */
  error: string | undefined;
  timer: NodeJS.Timeout | undefined;
}

/** A DER certificate as PEM; `what` names it when it is not one. */
function pem(der: Uint8Array, what: string): string {
  try {
    return new X509Certificate(der).toString();
  } catch {
    throw new Error(`TLS credentials: ${what} is not a DER X.509 certificate`);
  }
}

/** A PKCS#8 private key as PEM; a bare PKCS#1 RSA key is taken too (what OpenSSL 3.0's genpkey writes as DER). */
function privateKeyPem(der: Uint8Array): string {
  const key = Buffer.from(der);
  try {
    return createPrivateKey({ key, format: 'der', type: 'pkcs8' }).export({ format: 'pem', type: 'pkcs8' }) as string;
  } catch {
    try {
      return createPrivateKey({ key, format: 'der', type: 'pkcs1' }).export({ format: 'pem', type: 'pkcs8' }) as string;
    } catch {
      throw new Error('TLS credentials: the private key is neither PKCS#8 nor PKCS#1 DER');
    }
  }
}

/**
 * The PEM material of a credentials payload (hal/host/streams.ts: key, chain, anchors). A server
 * needs a certificate and its key; a client may have none (it is then asked for none).
 */
function tlsMaterial(chainLength: number, payload: Uint8Array, server: boolean): { key?: string; cert?: string; ca: string[] } {
  const parts = unpackParts(payload);
  if (parts.length < 1 + chainLength) throw new Error('TLS credentials are cut short');
  if (server && chainLength < 1) throw new Error('a TLS server needs a certificate and its key');
  const ca = parts.slice(1 + chainLength).map((der, i) => pem(der, `trust anchor ${i + 1}`));
  if (chainLength === 0) return { ca };
  return { key: privateKeyPem(parts[0]), cert: parts.slice(1, 1 + chainLength).map((der, i) => pem(der, `certificate ${i + 1} of the chain`)).join(''), ca };
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class HostStreams {
  private readonly limits: StreamLimits;
  private readonly streams = new Map<number, Held>();
  private readonly servers = new Map<number, Server>();
  /** Sockets the phone closed, waiting for the peer's end (bounded by closeLingerMs). */
  private readonly lingering = new Set<Socket>();
  private nextAccepted = -1;
  /** Connections closed on arrival because maxStreams were open, since the start. */
  refusedConnections = 0;
  private refusingNow = false;

  constructor(private readonly deps: StreamHostDeps, limits: Partial<StreamLimits> = {}) {
    this.limits = { ...DEFAULT_STREAM_LIMITS, ...limits };
  }

  /** What the host holds: open streams, listeners, closed streams still lingering. */
  counts(): { streams: number; listeners: number; lingering: number } {
    return { streams: this.streams.size, listeners: this.servers.size, lingering: this.lingering.size };
  }

  /** Carries out a stream.* operation; the answer's header, or undefined for an unknown op. */
  async serve(header: Record<string, unknown>, payload: Uint8Array): Promise<Record<string, unknown> | undefined> {
    const id = Number(header.id);
    switch (header.op) {
      case 'stream.listen':
        return { port: await this.listen(id, Number(header.port), header.tls === true ? tlsMaterial(Number(header.chain), payload, true) : undefined) };
      case 'stream.unlisten':
        this.servers.get(id)?.close();
        this.servers.delete(id);
        return {};
      case 'stream.connect':
        try {
          const tls = typeof header.serverName === 'string' ? { serverName: header.serverName, ...tlsMaterial(Number(header.chain), payload, false) } : undefined;
          this.connect(id, String(header.address), Number(header.port), tls);
        } catch (e) {
          // The engine holds the stream: it hears why it will not open.
          this.streams.get(id)?.socket.destroy();
          this.streams.delete(id);
          void this.deps.send({ type: 'closed', id, error: messageOf(e) });
        }
        return {};
      case 'stream.write':
        this.write(id, payload);
        return {};
      case 'stream.close':
        this.close(id);
        return {};
      default:
        return undefined;
    }
  }

  /** Closes everything at once (the host stops): no event reaches the engine. */
  closeAll(): void {
    for (const server of this.servers.values()) server.close();
    this.servers.clear();
    for (const held of this.streams.values()) {
      clearTimeout(held.timer);
      held.announced = false;
      held.socket.destroy();
    }
    this.streams.clear();
    for (const socket of this.lingering) socket.destroy();
    this.lingering.clear();
  }

  private listen(id: number, port: number, tls: { key?: string; cert?: string } | undefined): Promise<number> {
    if (this.servers.size >= this.limits.maxListeners) throw new Error(`too many listeners (${this.limits.maxListeners})`);
    const context = tls ? createSecureContext({ key: tls.key, cert: tls.cert, minVersion: 'TLSv1.2' }) : undefined;
    return new Promise((resolve, reject) => {
      const server = createServer((raw) => this.accept(id, raw, context));
      server.once('error', (e) => reject(e));
      server.listen(port, this.deps.address, () => {
        server.removeAllListeners('error');
        server.on('error', (e) => this.deps.log(`host: listener ${id}: ${e.message}`));
        this.servers.set(id, server);
        resolve((server.address() as { port: number }).port);
      });
    });
  }

  private accept(listener: number, raw: Socket, context: SecureContext | undefined): void {
    if (this.streams.size >= this.limits.maxStreams) {
      raw.destroy();
      this.refusedConnections++;
      if (!this.refusingNow) this.deps.log(`host: ${this.streams.size} streams open, refusing connections (${this.refusedConnections} refused in all)`);
      this.refusingNow = true;
      return;
    }
    this.refusingNow = false;
    const id = this.nextAccepted--;
    const address = raw.remoteAddress ?? '';
    const port = raw.remotePort ?? 0;
    const socket = context ? new TLSSocket(raw, { isServer: true, secureContext: context, requestCert: false }) : raw;
    // A reset during the TLS handshake shows on the TLS socket; the raw one must not throw it.
    if (context) raw.on('error', () => {});
    const held = this.hold(id, socket, false);
    const announce = () => {
      clearTimeout(held.timer);
      held.timer = undefined;
      held.announced = true;
      void this.deps.send({ type: 'accepted', listener, id, address, port });
    };
    if (context) {
      held.timer = setTimeout(() => socket.destroy(new Error(`TLS handshake timed out after ${this.limits.connectTimeoutMs} ms`)), this.limits.connectTimeoutMs);
      socket.once('secure', announce);
    } else {
      announce();
    }
  }

  private connect(id: number, address: string, port: number, tls: { serverName: string; key?: string; cert?: string; ca: string[] } | undefined): void {
    if (this.streams.size >= this.limits.maxStreams) {
      void this.deps.send({ type: 'closed', id, error: `too many open streams (${this.limits.maxStreams})` });
      return;
    }
    const socket = tls
      ? tlsConnect({
          host: address,
          port,
          // SNI carries DNS names only (RFC 6066 §3); the certificate check takes either.
          ...(isIP(tls.serverName) ? {} : { servername: tls.serverName }),
          ...(tls.cert !== undefined ? { key: tls.key, cert: tls.cert } : {}),
          ca: tls.ca,
          minVersion: 'TLSv1.2',
          rejectUnauthorized: true,
          checkServerIdentity: (_host, certificate) => checkServerIdentity(tls.serverName, certificate),
        })
      : tcpConnect({ host: address, port });
    const held = this.hold(id, socket, true);
    held.timer = setTimeout(() => socket.destroy(new Error(`connect to ${address}:${port} timed out after ${this.limits.connectTimeoutMs} ms`)), this.limits.connectTimeoutMs);
    socket.once(tls ? 'secureConnect' : 'connect', () => {
      clearTimeout(held.timer);
      held.timer = undefined;
    });
  }

  /** Tracks `socket` as stream `id`: its bytes go to the engine, its end is reported once. */
  private hold(id: number, socket: Socket, announced: boolean): Held {
    const held: Held = { socket, announced, unconsumed: 0, error: undefined, timer: undefined };
    this.streams.set(id, held);
    socket.on('data', (data: Buffer) => this.deliver(id, held, data));
    socket.on('error', (e) => void (held.error ??= messageOf(e)));
    socket.on('close', () => {
      clearTimeout(held.timer);
      if (this.streams.get(id) !== held) return; // closed by the phone, or the host stopped
      this.streams.delete(id);
      if (held.announced) void this.deps.send({ type: 'closed', id, ...(held.error !== undefined ? { error: held.error } : {}) });
    });
    return held;
  }

  private deliver(id: number, held: Held, data: Buffer): void {
    if (!held.announced || this.streams.get(id) !== held) return;
    if (held.unconsumed + data.length > this.limits.maxUnconsumedBytes) {
      held.error ??= `the phone is not reading: over ${this.limits.maxUnconsumedBytes} bytes buffered`;
      held.socket.destroy();
      return;
    }
    held.unconsumed += data.length;
    void this.deps.send({ type: 'stream', id }, data).finally(() => (held.unconsumed -= data.length));
  }

  private write(id: number, data: Uint8Array): void {
    const held = this.streams.get(id);
    // A stream that ended meanwhile: its 'closed' event is on its way to the engine.
    if (!held) return;
    held.socket.write(Buffer.from(data));
    if (held.socket.writableLength > this.limits.maxUnsentBytes) {
      held.error ??= `the peer is not reading: over ${this.limits.maxUnsentBytes} bytes unsent`;
      held.socket.destroy();
    }
  }

  /** The phone closed the stream: it hears onClose now; the socket ends gracefully, bounded in time. */
  private close(id: number): void {
    const held = this.streams.get(id);
    if (!held) return;
    this.streams.delete(id);
    clearTimeout(held.timer);
    void this.deps.send({ type: 'closed', id });
    const socket = held.socket;
    if (socket.destroyed) return;
    this.lingering.add(socket);
    const linger = setTimeout(() => socket.destroy(), this.limits.closeLingerMs);
    socket.once('close', () => {
      clearTimeout(linger);
      this.lingering.delete(socket);
    });
    if (socket.connecting) socket.destroy();
    else socket.end();
  }
}
