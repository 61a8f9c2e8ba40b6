// The hardware abstraction layer: the only surface through which firmware code touches a host.
// modules/ and audio/ import these types and nothing host-specific; hal/host (the desktop XS host)
// and hal/esp32 (Moddable on ESP32) each implement every contract once.

/** A UDP datagram as the network delivers it. */
export interface Datagram {
  readonly data: Uint8Array;
  readonly address: string;
  readonly port: number;
}

/** One bound UDP endpoint. */
export interface UdpSocket {
  readonly port: number;
  send(data: Uint8Array, address: string, port: number): void;
  close(): void;
}

/**
 * One byte stream: a TCP connection, or a TLS session over one. Bytes come in order with no
 * message boundaries; framing is the caller's (RFC 3261 §18.3 for SIP).
 */
export interface StreamSocket {
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** Queues bytes for sending; a socket still connecting sends them once connected. */
  write(data: Uint8Array): void;
  /** Closes the stream; its onClose follows (once), with no error. */
  close(): void;
}

/** What a stream tells its owner; each callback runs as its own event. */
export interface StreamEvents {
  /** Bytes arrived, in order. */
  onData(data: Uint8Array): void;
  /**
   * The stream ended: closed by either side, reset, refused, or a TLS handshake or certificate
   * check failed. `error` says why when it was not a clean close. Called exactly once.
   */
  onClose(error?: string): void;
}

export interface StreamListener {
  /** The bound port (the one asked for, or the one the host chose for 0). */
  readonly port: number;
  /** Stops accepting; connections already accepted stay open. */
  close(): void;
}

/**
 * The phone's TLS identity, DER-encoded: its certificate chain (leaf first) and PKCS#8 private key,
 * served by TLS servers and clients, and the trust anchors a peer's certificate must chain to.
 * (A key stored as a bare PKCS#1 RSAPrivateKey becomes PKCS#8 with pkcs8RsaPrivateKey,
 * modules/pki/rsa-keys.ts.)
 */
export interface TlsCredentials {
  readonly chain: readonly Uint8Array[];
  readonly privateKey: Uint8Array;
  readonly trustAnchors: readonly Uint8Array[];
}

/**
 * Stream sockets: TCP, and TLS (1.2 or 1.3) over it (RFC 3261 §18, §26.2). TLS is the host's
 * maintained implementation, never one of ours: Node's on the desktop, the SDK's on the device.
 */
export interface StreamNetwork {
  /**
   * Listens for TCP on `port` (0 = any free port). Each accepted connection is handed to `onAccept`,
   * which returns the events for it.
   */
  listenTcp(port: number, onAccept: (socket: StreamSocket) => StreamEvents): StreamListener;
  /** As listenTcp, with a TLS server on top serving `credentials`' chain; clients are not asked for certificates. */
  listenTls(port: number, credentials: TlsCredentials, onAccept: (socket: StreamSocket) => StreamEvents): StreamListener;
  /** Opens a TCP connection; a refusal or timeout arrives as onClose with an error. */
  connectTcp(address: string, port: number, events: StreamEvents): StreamSocket;
  /**
   * Opens a TLS connection: the peer's certificate must chain to `credentials.trustAnchors` and
   * carry `serverName` (a DNS name or an IP address, RFC 5922 §7); otherwise onClose with an error.
   */
  connectTls(address: string, port: number, serverName: string, credentials: TlsCredentials, events: StreamEvents): StreamSocket;
}

/**
 * Network: UDP bind, send, and receive through the callback given at bind time; and stream sockets
 * (StreamNetwork: TCP listeners and connections, TLS client and server).
 */
export interface Network extends StreamNetwork {
  /** The address peers reach this phone at (for SIP Contact and SDP c= lines). */
  readonly localAddress: string;
  /** Binds `port` (0 = any free port) and delivers each datagram to `onDatagram`. */
  bindUdp(port: number, onDatagram: (datagram: Datagram) => void): UdpSocket;
}

/** Clock: monotonic time for timers and protocol state, wall-clock time for MIKEY timestamps. */
export interface Clock {
  /** Milliseconds from an arbitrary origin; never goes backwards. */
  monotonicMs(): number;
  /** Milliseconds since the Unix epoch (UTC), as well as the host knows it. */
  wallClockMs(): number;
}

export type TimerId = number;

/** One-shot timers; protocol code re-arms them itself when it needs repetition. */
export interface Timers {
  set(delayMs: number, onFire: () => void): TimerId;
  clear(id: TimerId): void;
}

/** Cryptographically strong randomness. */
export interface Random {
  bytes(length: number): Uint8Array;
}

/**
 * A sector-addressed store with the real shape of NOR/SPI flash: an erase sets a whole sector to
 * 0xFF, and a write can only clear bits (1 → 0). Offsets are relative to the store's start.
 */
export interface Flash {
  readonly sectorSize: number;
  readonly sectorCount: number;
  read(offset: number, length: number): Uint8Array;
  eraseSector(sector: number): void;
  write(offset: number, data: Uint8Array): void;
}

/** The keys of a desk-phone keypad. */
export type Key =
  | '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '*' | '#'
  | 'Menu' | 'Up' | 'Down' | 'OK' | 'Back' | 'Call' | 'Hangup';

export const KEYS: readonly Key[] = [
  '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#',
  'Menu', 'Up', 'Down', 'OK', 'Back', 'Call', 'Hangup',
];

export interface KeyEvent {
  readonly key: Key;
  readonly down: boolean;
}

/** Keypad: key down and key up events, delivered to the listener the phone installs. */
export interface Keypad {
  onKey(listener: (event: KeyEvent) => void): void;
}

/**
 * The padlock desk phones show while a call is secure: one character of a screen line (Unicode
 * private use, U+E000), drawn as a padlock glyph by every display (a user-defined character on
 * the device's LCD, an emoji on the desktop terminal).
 */
export const PADLOCK = '\uE000';

/**
 * A small character screen: `rows` lines of `columns` characters. `show` replaces the whole screen;
 * each line is at most `columns` characters (longer lines are cut by the display). PADLOCK is one
 * character like any other.
 */
export interface Display {
  readonly rows: number;
  readonly columns: number;
  show(lines: readonly string[]): void;
}

/** 8 kHz, 16-bit mono, 20 ms frames: 160 samples a frame. */
export const AUDIO_SAMPLE_RATE = 8000;
export const AUDIO_FRAME_SAMPLES = 160;
export const AUDIO_FRAME_MS = 20;

/** Audio: captured frames arrive every 20 ms while started; `play` queues one frame for output. */
export interface Audio {
  start(onFrame: (frame: Int16Array) => void): void;
  play(frame: Int16Array): void;
  stop(): void;
}

/** An AES-128/256 key schedule expanded once, used for single blocks and counter mode. */
export interface AesKey {
  /** Encrypts one 16-byte block from `input` into `output` (they may be the same array). */
  encryptBlock(input: Uint8Array, output: Uint8Array): void;
  /**
   * XORs `data` in place with the AES-CTR keystream that starts at the 16-byte counter block `iv`,
   * the counter incremented once per block as a big-endian integer (RFC 3711 §4.1.1). `iv` is
   * left unchanged.
   */
  ctrXor(iv: Uint8Array, data: Uint8Array): void;
}

/** An HMAC-SHA1 key whose inner and outer pads are hashed once. */
export interface HmacSha1Key {
  /** HMAC-SHA1 over the concatenation of `parts`; writes the 20-byte MAC into `output`. */
  mac(parts: readonly Uint8Array[], output: Uint8Array): void;
}

/** Crypto acceleration entry points; a host may back them with native code. */
export interface Crypto {
  aesKey(key: Uint8Array): AesKey;
  hmacSha1Key(key: Uint8Array): HmacSha1Key;
}

/** Everything a phone needs from its host. */
export interface Hal {
  readonly network: Network;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly random: Random;
  readonly flash: Flash;
  readonly keypad: Keypad;
  readonly display: Display;
  readonly audio: Audio;
  readonly crypto: Crypto;
  /** A line for the host's log (terminal, serial console). */
  log(message: string): void;
}
