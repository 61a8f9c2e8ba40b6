// Types for the Moddable SDK's TLS session ("ssl/session": modules/crypt/ssl/session_419.js), the
// members hal/esp32/tls-stream.ts uses: the SDK ships no typings for it. The manifest maps the module
// to the SDK's source and to this file (mcconfig's TypeScript paths); tsconfig.esp32.json too.

/** The socket the session reads records from and writes them to: it moves `readable` itself. */
export interface SessionSocket {
  readable: number;
  writable: number;
  read(into: Uint8Array): void;
  write(packet: ArrayBuffer | Uint8Array): number;
}

export interface SessionOptions {
  /** The name asked for: sent as SNI and matched against the peer certificate's DNS or IPv4 subjectAltNames. */
  serverName?: string;
  /** 0x303 = TLS 1.2, the highest the SDK speaks. */
  protocolVersion?: number;
  /** A trust anchor, DER. */
  certificate?: ArrayBuffer;
  /** This side's chain, DER, served when a server asks for a client certificate. */
  clientCertificates?: ArrayBuffer[];
  /** The key of clientCertificates[0], PKCS#8 DER. */
  clientKey?: ArrayBuffer;
  /** Session resumption cache (default on). */
  cache?: boolean;
}

/** The session's certificate store (modules/crypt/ssl/ssl_cert.js). */
export interface CertificateManager {
  register(certificate: ArrayBuffer): void;
  getCerts(): ArrayBuffer[];
  getKey(certificate?: ArrayBuffer): object | undefined;
}

export default class SSLSession {
  constructor(options: SessionOptions);
  readonly certificateManager: CertificateManager;
  /** Set when an alert was received or sent; the handshake stops. */
  readonly alert: { level: number; description: number } | undefined;
  /** Client side: the next handshake() sends the ClientHello. */
  initiateHandshake(): void;
  /** One handshake step (reads at most one record); true once finished (or stopped by an alert). */
  handshake(socket: SessionSocket): boolean;
  /** Application data of the next record; undefined when none is complete, null once closed. */
  read(socket: SessionSocket): Uint8Array | null | undefined;
  /** Writes one record of application data (at most 16384 bytes). */
  write(socket: SessionSocket, data: Uint8Array): number;
  /** Sends close_notify. */
  close(socket: SessionSocket): void;
}
