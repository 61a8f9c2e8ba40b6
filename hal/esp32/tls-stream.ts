// TLS on the device: the SDK's own TLS (Moddable "ssl/session", modules/crypt/ssl, a TLS 1.2
// implementation in JavaScript over the SDK's crypto) run over a TcpStream. What the SDK gives and
// its limits, as this file uses it:
//   - TLS 1.2 only (no 1.3); cipher suites with RSA key exchange and AES-CBC, and as a client also
//     ECDHE_RSA (manifest config tls.ECDHE_RSA; DHE_RSA is off: it needs a "dh.der" resource);
//   - client: the peer's chain is checked against the anchors registered with the session (the
//     phone's trust anchors; the SDK's bundled public CAs are not in this build, so nothing else is
//     trusted) and the name asked for against the leaf's DNS or IPv4 subjectAltNames. The SDK
//     matches the name only while walking a chain of two or more certificates: a server must send
//     its CA (or intermediate) after its leaf (sim/dev-keys.ts ensureDevServerKeys writes such a
//     chain), and each certificate after the leaf must carry an authorityKeyIdentifier, a root too
//     (the SDK compares it without checking that it is there: "invalid buffer"). Certificate dates
//     are checked against the wall clock: the device needs SNTP time;
//   - server: the SDK serves a certificate built into the firmware ("srvcert.der"); here each
//     session's certificate store is given the phone's chain and key instead (getCerts/getKey,
//     defined on the instance; its class is frozen in flash). The SDK (8.2.3) also fails on a
//     ClientHello for want of a handshake transcript, which only a client has at that point: a
//     server session starts with an empty one. The server picks the first of its suites the client
//     offers: RSA key exchange (the SDK's server has no ECDHE). No client certificate is asked for.
//   Both workarounds touch the SDK's session internals; tests/device/stream-scenario.ts runs client
//   and server against each other on the SDK's simulator, so a change there shows.
// Errors the SDK throws (TLSError: a bad certificate, a bad record) end the stream with
// "TLS: <message>"; an alert ends it with its number.
import PKCS8 from 'pkcs8';
import Session, { type SessionSocket } from 'ssl/session';
import type { StreamEvents, TlsCredentials } from '../contracts.js';
import { MAX_UNSENT_BYTES, type TcpStream } from './tcp-stream.js';

/** TLS 1.2 (RFC 5246), the SDK's only version. */
const TLS_1_2 = 0x303;
/** The largest TLSPlaintext fragment (RFC 5246 §6.2.1). */
const MAX_RECORD = 16384;
/** close_notify (RFC 5246 §7.2.1): the peer ended the session cleanly. */
const CLOSE_NOTIFY = 0;

/** A view's bytes as an ArrayBuffer of their own, the form the SDK's certificate code takes. */
const own = (bytes: Uint8Array): ArrayBuffer => bytes.slice().buffer as ArrayBuffer;

/** What the network layer drives: bytes to send, and the end. */
export interface StreamLayer {
  write(data: Uint8Array): void;
  close(): void;
}

export type TlsRole = { readonly server: TlsCredentials } | { readonly client: TlsCredentials; readonly serverName: string };

function newSession(role: TlsRole): Session {
  if ('server' in role) {
    const session = new Session({ protocolVersion: TLS_1_2, cache: false });
    const chain = role.server.chain.map(own);
    const key = PKCS8.parse(role.server.privateKey);
    const store = session.certificateManager;
    const inherited = store.getKey;
    Object.defineProperty(store, 'getCerts', { value: () => chain });
    Object.defineProperty(store, 'getKey', { value: (certificate?: ArrayBuffer) => (certificate === undefined ? key : inherited.call(store, certificate)) });
    // The SDK reads the handshake transcript so far when it parses a ClientHello, and only a client
    // has one then (its own ClientHello): a server starts from an empty one.
    (session as unknown as { handshakeMessages: { getChunk(): ArrayBuffer } }).handshakeMessages = { getChunk: () => new ArrayBuffer(0) };
    return session;
  }
  const { trustAnchors, chain, privateKey } = role.client;
  const session = new Session({
    serverName: role.serverName,
    protocolVersion: TLS_1_2,
    cache: false,
    ...(chain.length > 0 ? { clientCertificates: chain.map(own), clientKey: own(privateKey) } : {}),
  });
  for (const anchor of trustAnchors) session.certificateManager.register(own(anchor));
  session.initiateHandshake();
  return session;
}

/**
 * TLS over `stream`: the handshake starts once TCP is up, bytes written before it ends wait (at
 * most MAX_UNSENT_BYTES), and `events` get the decrypted bytes and the end.
 */
export function tlsLayer(stream: TcpStream, role: TlsRole, events: StreamEvents): StreamLayer {
  let session: Session | undefined;
  let ready = false;
  let waiting: Uint8Array[] = [];
  let waitingBytes = 0;
  const socket: SessionSocket = {
    readable: 0,
    writable: MAX_UNSENT_BYTES,
    read: (into) => stream.readInto(into),
    write: (packet) => {
      stream.send(packet instanceof Uint8Array ? packet.slice() : new Uint8Array(packet));
      return MAX_UNSENT_BYTES;
    },
  };

  function send(data: Uint8Array): void {
    for (let at = 0; at < data.length; at += MAX_RECORD) session!.write(socket, data.subarray(at, at + MAX_RECORD));
  }

  /** Runs the handshake as far as the bytes at hand allow, then hands on application data. */
  function step(): void {
    const s = session!;
    if (!ready) {
      for (;;) {
        const had = socket.readable;
        const done = s.handshake(socket);
        if (s.alert) return stream.end(`TLS alert ${s.alert.description}`);
        if (done) {
          ready = true;
          stream.settled();
          for (const data of waiting) send(data);
          waiting = [];
          break;
        }
        // A step with nothing to read sent what it had to: wait for the peer.
        if (had === 0) return;
      }
    }
    while (socket.readable > 0) {
      const data = s.read(socket);
      if (data === null) return stream.end(s.alert && s.alert.description !== CLOSE_NOTIFY ? `TLS alert ${s.alert.description}` : undefined);
      if (data === undefined) return;
      if (data.length > 0) events.onData(data.slice());
    }
  }

  function guarded(run: () => void): void {
    try {
      run();
    } catch (e) {
      stream.end(`TLS: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  stream.attach({
    onConnected: () =>
      guarded(() => {
        session = newSession(role);
        step();
      }),
    onReadable: (count) => {
      socket.readable = count;
      if (session) guarded(step);
    },
    onEnd: (error) => events.onClose(error),
  });

  return {
    write(data) {
      if (ready) return guarded(() => send(data));
      if (waitingBytes + data.length > MAX_UNSENT_BYTES) return stream.end(`over ${MAX_UNSENT_BYTES} bytes written before the TLS handshake ended`);
      waiting.push(data.slice());
      waitingBytes += data.length;
    },
    close() {
      if (ready) guarded(() => session!.close(socket));
      stream.close();
    },
  };
}
