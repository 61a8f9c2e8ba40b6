// One TCP connection on the device, over the SDK's ECMA-419 socket (Moddable
// "embedded:io/socket/tcp", lwIP on ESP32; modules/io/socket/lwip/tcp.c). What the SDK gives and
// what this adds:
//   - write() throws before the connection is up ("not ready") and when the bytes exceed lwIP's
//     send buffer ("would block"): bytes are queued here and written as onWritable reports room,
//     at most MAX_UNSENT_BYTES queued (a peer that does not read is cut off with an error);
//   - onError carries no reason, and a peer's orderly close and a reset both end in it: an
//     established stream ends with no error, one that never connected with "connect failed";
//   - no connect timeout: one is set here with the HAL's timers (CONNECT_TIMEOUT_MS), until the
//     layer above says the stream is usable (TLS: after its handshake);
//   - close() drops what lwIP has not sent: a close here waits for the queue to drain, at most
//     CLOSE_LINGER_MS.
// The layer above (plain bytes, or TLS in tls-stream.ts) sees a ByteSink.
import TCP from 'embedded:io/socket/tcp';
import type { Timers } from '../contracts.js';

/** Bytes queued for a peer at most; beyond, the stream is closed with an error. */
export const MAX_UNSENT_BYTES = 16 * 1024;
/** A connect (and a TLS handshake over it) fails after this long. */
export const CONNECT_TIMEOUT_MS = 10_000;
/** A closed stream's queued bytes get this long to leave. */
const CLOSE_LINGER_MS = 2_000;

export interface ByteSink {
  /** The connection is up (connected, or accepted). */
  onConnected(): void;
  /** `count` bytes can be read (readInto). */
  onReadable(count: number): void;
  /** The stream ended; called once. */
  onEnd(error: string | undefined): void;
}

export class TcpStream {
  private readonly tcp: TCP;
  private readonly queue: Uint8Array[] = [];
  private queued = 0;
  /** Room in lwIP's send buffer as last reported. */
  private room = 0;
  private connected = false;
  private ended = false;
  private closing = false;
  private timer: number | undefined;
  private sink: ByteSink | undefined;

  /** Connects to `address`:`port`, or takes over a socket a listener accepted. */
  constructor(
    target: { address: string; port: number } | { from: TCP },
    private readonly timers: Timers,
  ) {
    const callbacks = {
      onReadable: (count: number) => this.sink?.onReadable(count),
      onWritable: (count: number) => this.writable(count),
      onError: () => this.end(this.connected ? undefined : 'connect failed'),
      format: 'buffer' as const,
    };
    this.tcp = 'from' in target ? new TCP({ from: target.from, ...callbacks }) : new TCP({ address: target.address, port: target.port, ...callbacks });
    this.timer = timers.set(CONNECT_TIMEOUT_MS, () => {
      this.timer = undefined;
      this.end(`not connected within ${CONNECT_TIMEOUT_MS} ms`);
    });
  }

  /** The stream is usable (connected; for TLS, the handshake done): the connect timeout is off. */
  settled(): void {
    if (!this.closing) this.clearTimer();
  }

  /** Where the stream's events go; set once, before any event runs (events come from the event loop). */
  attach(sink: ByteSink): void {
    this.sink = sink;
  }

  get remoteAddress(): string {
    return this.tcp.remoteAddress ?? '';
  }

  get remotePort(): number {
    return this.tcp.remotePort ?? 0;
  }

  /** Fills `view` from the received bytes (at most what onReadable reported). */
  readInto(view: Uint8Array): void {
    this.tcp.read(view);
  }

  /** Queues bytes for the peer; they leave as lwIP has room. */
  send(data: Uint8Array): void {
    if (this.ended || this.closing) return;
    if (this.queued + data.length > MAX_UNSENT_BYTES) return this.end(`the peer is not reading: over ${MAX_UNSENT_BYTES} bytes unsent`);
    this.queue.push(data);
    this.queued += data.length;
    this.flush();
  }

  /** Ends the stream once the queue has left (at most CLOSE_LINGER_MS); the sink hears nothing more. */
  close(): void {
    if (this.ended || this.closing) return;
    this.closing = true;
    this.sink = undefined;
    if (this.queued === 0 || !this.connected) return this.end(undefined);
    this.clearTimer();
    this.timer = this.timers.set(CLOSE_LINGER_MS, () => this.end(undefined));
  }

  /** Ends the stream now: the socket is closed and the sink (if any) hears onEnd once. */
  end(error: string | undefined): void {
    if (this.ended) return;
    this.ended = true;
    this.clearTimer();
    this.queue.length = 0;
    this.queued = 0;
    this.tcp.close();
    const sink = this.sink;
    this.sink = undefined;
    sink?.onEnd(error);
  }

  private writable(count: number): void {
    this.room = count;
    if (!this.connected) {
      this.connected = true;
      this.sink?.onConnected();
    }
    this.flush();
  }

  private flush(): void {
    while (this.connected && !this.ended && this.queue.length > 0 && this.room > 0) {
      const head = this.queue[0];
      const n = Math.min(head.length, this.room);
      this.tcp.write(n === head.length ? head : head.subarray(0, n));
      this.room -= n;
      this.queued -= n;
      if (n === head.length) this.queue.shift();
      else this.queue[0] = head.subarray(n);
    }
    if (this.closing && this.queued === 0) this.end(undefined);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
  }
}
