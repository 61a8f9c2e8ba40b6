// The Node side of the desktop XS host. It runs the firmware bundle on xsnap-worker (the real XS
// engine) and serves the HAL the firmware asks for over the command channel: UDP sockets on
// loopback, TCP and TLS streams (streams.ts), timers, randomness, a flash image file, the display,
// the keypad and WAV audio (host-audio.ts).
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { Key } from '../hal/contracts.js';
import { decodeBatch, decodeFrame, encodeFrame } from '../hal/host/channel.js';
import { SHUTDOWN_COMPLETE } from '../hal/host/shutdown.js';
import type { PhoneIdentity } from '../modules/phone/identity.js';
import type { Credentials } from '../modules/settings/model.js';
import { bundleForXs } from './bundle.js';
import { FlashFile } from './flash-file.js';
import { keyLogFile } from './key-log-file.js';
import { HostAudio } from './host-audio.js';
import { HostStreams, type StreamLimits } from './streams.js';
import { XsWorker, type XsMeter } from './xsnap-worker.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const FIRMWARE_ENTRY = join(ROOT, 'hal', 'host', 'main.ts');
/**
 * How long a clean shutdown waits for the peer to answer the BYE and the registrar the
 * un-REGISTER: a few round trips on a LAN, well under SIP's 32 s transaction timeout.
 */
export const SHUTDOWN_WAIT_MS = 2000;

export interface DesktopHostOptions {
  identity: PhoneIdentity;
  /** Key material the phone stores in flash on its first start (factory provisioning). */
  provision?: Credentials;
  /** The flash image file; created (erased) when missing. */
  flashPath: string;
  /** The address sockets bind and peers use (loopback by default). */
  address?: string;
  /** Captured audio: a WAV file to loop; a 440 Hz tone when absent. */
  audioInPath?: string;
  /**
   * Where what the phone played is written when it stops the audio device or the host stops: the
   * frames since the device last started (a call's audio, or a tone played outside a call).
   */
  audioOutPath?: string;
  onDisplay?: (lines: string[]) => void;
  onLog?: (message: string) => void;
  /** Turns the phone's key log on (PhoneIdentity.keyLog) and appends its lines to this file (sim/key-log-file.ts). */
  keyLogPath?: string;
  /** Another firmware entry to bundle instead of the phone's (tests of the HAL itself). */
  firmwareEntry?: string;
  /** Called with each audio frame as it is captured and as it is played, with the time (ms). */
  onAudio?: (event: 'captured' | 'played', frame: Int16Array, atMs: number) => void;
  /**
   * Called once if the XS engine dies (xsnap-worker crashed or was killed), with one line saying
   * so; the host has already stopped: sockets closed, timers and audio off.
   */
  onEngineExit?: (line: string) => void;
  /** Bounds on the TCP and TLS streams the host holds for the phone (sim/streams.ts; defaults there). */
  streamLimits?: Partial<StreamLimits>;
}

/**
 * The host's queue of datagrams to the engine is bounded in number and in bytes (issue 13): one
 * beyond either bound is dropped and counted. The byte bound keeps a small datagram (an OPTIONS)
 * queueing behind at most two maximum-size ones during a flood of large datagrams.
 */
export const MAX_QUEUED_DATAGRAMS = 64;

/** A port the phone must bind (its SIP port) is held by another socket. */
export class PortInUseError extends Error {
  constructor(readonly address: string, readonly port: number) {
    super(`${address}:${port} is already in use`);
    this.name = 'PortInUseError';
  }
}
export const MAX_QUEUED_BYTES = 128 * 1024;
export { MAX_QUEUED_AUDIO_FRAMES } from './host-audio.js';

const bundles = new Map<string, Promise<string>>();
/** A firmware bundle, built once per process and entry. */
export function firmwareBundle(entry = FIRMWARE_ENTRY): Promise<string> {
  if (!bundles.has(entry)) bundles.set(entry, bundleForXs(entry));
  return bundles.get(entry)!;
}

export class DesktopHost {
  readonly worker: XsWorker;
  readonly flash: FlashFile;
  screen: string[] = [];
  readonly log: string[] = [];
  /** xsnap's meter of the last event the firmware handled. */
  lastMeter: XsMeter | undefined;
  private readonly address: string;
  private readonly sockets = new Map<number, Socket>();
  /** The phone's TCP and TLS listeners and streams. */
  readonly streams: HostStreams;
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private readonly audio: HostAudio;
  private stopped = false;
  private queuedDatagrams = 0;
  private queuedBytes = 0;
  /** Datagrams dropped because the queue to the engine was full, since the start. */
  droppedDatagrams = 0;
  /** Those dropped since the queue last filled up; reported in one line once it drains. */
  private droppingNow = 0;
  /** Captured audio frames lost because the engine was behind. */
  get droppedAudioFrames(): number {
    return this.audio.dropped;
  }
  /** Why binding a socket failed, when a port was taken: start() reports it rather than XS's error. */
  private portInUse: PortInUseError | undefined;
  /** Called when the firmware logs SHUTDOWN_COMPLETE during shutdown(). */
  private shutdownWaiter: (() => void) | undefined;
  /** Datagrams handed to a socket and not yet sent (a send completes after a tick). */
  private sending = 0;
  private sent: (() => void) | undefined;
  private readonly keyLog: ((message: string) => void) | undefined;

  private constructor(private readonly options: DesktopHostOptions) {
    this.keyLog = options.keyLogPath === undefined ? undefined : keyLogFile(options.keyLogPath);
    this.address = options.address ?? '127.0.0.1';
    this.flash = new FlashFile(options.flashPath);
    this.audio = new HostAudio(options, (frame) =>
      this.send({ type: 'audio' }, new Uint8Array(frame.buffer)).catch((e) => void (this.stopped || this.addLog(`audio: ${(e as Error).message}`))),
    );
    this.streams = new HostStreams(
      {
        address: this.address,
        send: (header, payload) => this.send(header, payload).catch((e) => void (this.stopped || this.addLog(`stream: ${(e as Error).message}`))),
        log: (line) => this.addLog(line),
      },
      options.streamLimits,
    );
    this.worker = new XsWorker({
      onQuery: (bytes) => this.answer(bytes),
      onQueryError: (e) => encodeFrame({ error: String((e as Error)?.message ?? e) }),
      onPrint: (line) => this.addLog(`[xs] ${line}`),
      onExit: (reason) => this.engineDied(reason),
    });
  }

  /** Starts xsnap-worker, loads the firmware and boots the phone. */
  static async start(options: DesktopHostOptions): Promise<DesktopHost> {
    const host = new DesktopHost(options);
    try {
      await host.worker.evaluate(await firmwareBundle(options.firmwareEntry));
      const identity = options.keyLogPath ? { ...options.identity, keyLog: true } : options.identity;
      await host.send({ type: 'boot', identity, provision: options.provision });
    } catch (e) {
      await host.stop();
      throw host.portInUse ?? e;
    }
    return host;
  }

  /**
   * The phone's live protocol state, and the host resources it holds: UDP sockets, timers, streams
   * (open, and closed ones still lingering) and stream listeners.
   */
  async resources(): Promise<{ phone: Record<string, number>; sockets: number; timers: number; streams: number; listeners: number }> {
    await this.send({ type: 'stats' });
    const line = [...this.log].reverse().find((l) => l.startsWith('stats '));
    const { streams, lingering, listeners } = this.streams.counts();
    return { phone: JSON.parse(line!.slice(6)), sockets: this.sockets.size, timers: this.timers.size, streams: streams + lingering, listeners };
  }

  /** Runs XS's garbage collector (xsnap's gc global) and returns the live heap slots it leaves. */
  async heapAfterGc(): Promise<number> {
    const { meter } = await this.worker.evaluate('gc()');
    return meter.currentHeapCount;
  }

  pressKey(key: Key): Promise<void> {
    return this.send({ type: 'key', key, down: true }).then(() => this.send({ type: 'key', key, down: false }));
  }

  /** Sends one event into the machine; the firmware's own errors are logged there, not thrown. */
  async send(header: Record<string, unknown>, payload?: Uint8Array): Promise<void> {
    if (this.stopped) return;
    const { reply, meter } = await this.worker.command(encodeFrame(header, payload));
    this.lastMeter = meter;
    // The reply carries what the firmware posted while handling the event (channel.ts).
    if (reply.length > 0) await this.answer(reply);
  }

  /**
   * A clean shutdown: the phone ends its call (BYE) and its registration (REGISTER with
   * Expires: 0), and the host waits until they are answered, at most `waitMs`, then stops.
   * Resolves true when the phone finished in time.
   */
  async shutdown(waitMs = SHUTDOWN_WAIT_MS): Promise<boolean> {
    if (this.stopped) return false;
    let finished = false;
    let settle: () => void = () => {};
    const done = new Promise<void>((resolve) => (settle = resolve));
    this.shutdownWaiter = () => {
      finished = true;
      settle();
    };
    const timer = setTimeout(settle, waitMs);
    try {
      await this.send({ type: 'shutdown' });
      await done;
    } catch (e) {
      this.addLog(`shutdown: ${(e as Error).message}`);
    } finally {
      clearTimeout(timer);
      this.shutdownWaiter = undefined;
    }
    // What the phone sent last (a 480 to a ringing call needs no answer) leaves before the sockets close.
    if (this.sending > 0) {
      await new Promise<void>((resolve) => {
        this.sent = resolve;
        setTimeout(resolve, 100);
      });
      this.sent = undefined;
    }
    await this.stop();
    return finished;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.release();
    await this.worker.close();
    this.flash.close();
  }

  /** Stops everything that feeds the engine: timers, audio, sockets. */
  private release(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.audio.stop();
    for (const s of this.sockets.values()) s.close();
    this.sockets.clear();
    this.streams.closeAll();
  }

  /** The engine died: the phone is gone, so the host stops feeding it and says so once. */
  private engineDied(reason: string): void {
    if (this.stopped) return;
    this.release();
    this.flash.close();
    const line = `the XS engine died (${reason}): the phone has stopped`;
    this.addLog(line);
    this.options.onEngineExit?.(line);
  }

  /** A datagram for the engine, unless the queue to it is full (then dropped and counted). */
  private onDatagram(id: number, data: Buffer, remote: { address: string; port: number }): void {
    if (this.stopped) return;
    if (this.queuedDatagrams >= MAX_QUEUED_DATAGRAMS || this.queuedBytes + data.length > MAX_QUEUED_BYTES) {
      this.droppedDatagrams++;
      if (this.droppingNow++ === 0) this.addLog(`host: the phone is behind, dropping datagrams (queue full: ${this.queuedDatagrams} datagrams, ${this.queuedBytes} bytes)`);
      return;
    }
    this.queuedDatagrams++;
    this.queuedBytes += data.length;
    void this.send({ type: 'udp', id, address: remote.address, port: remote.port }, data)
      .catch((e) => this.stopped || this.addLog(`udp: ${e.message}`))
      .finally(() => {
        this.queuedDatagrams--;
        this.queuedBytes -= data.length;
        if (this.queuedDatagrams === 0 && this.droppingNow > 0) {
          this.addLog(`host: dropped ${this.droppingNow} datagrams while the phone was behind (${this.droppedDatagrams} in all)`);
          this.droppingNow = 0;
        }
      });
  }

  private addLog(message: string): void {
    if (message === SHUTDOWN_COMPLETE) this.shutdownWaiter?.();
    this.keyLog?.(message);
    this.log.push(message);
    if (this.log.length > 1000) this.log.shift();
    this.options.onLog?.(message);
  }

  private answer(bytes: Uint8Array): Promise<Uint8Array> {
    const { header, payload } = decodeFrame(bytes);
    return this.serve(header, payload);
  }

  /** Carries out one operation the firmware asked for; a batch is several, each failure logged. */
  private async serve(header: Record<string, unknown>, payload: Uint8Array): Promise<Uint8Array> {
    const ok = (h: Record<string, unknown> = {}, p?: Uint8Array) => encodeFrame(h, p);
    switch (header.op) {
      case 'batch':
        for (const frame of decodeBatch(payload)) {
          try {
            await this.serve(frame.header, frame.payload);
          } catch (e) {
            this.addLog(`host ${String(frame.header.op)}: ${(e as Error).message}`);
          }
        }
        return ok();
      case 'net.info':
        return ok({ address: this.address });
      case 'flash.info':
        return ok({ sectorSize: this.flash.sectorSize, sectorCount: this.flash.sectorCount });
      case 'flash.read':
        return ok({}, this.flash.read(Number(header.offset), Number(header.length)));
      case 'flash.erase':
        this.flash.eraseSector(Number(header.sector));
        return ok();
      case 'flash.write':
        this.flash.write(Number(header.offset), payload);
        return ok();
      case 'clock':
        return ok({ monotonicMs: performance.now(), wallClockMs: Date.now() });
      case 'random':
        return ok({}, randomBytes(Number(header.length)));
      case 'timer.set': {
        const id = Number(header.id);
        this.timers.set(
          id,
          setTimeout(() => {
            this.timers.delete(id);
            void this.send({ type: 'timer', id }).catch((e) => this.stopped || this.addLog(`timer ${id}: ${e.message}`));
          }, Number(header.delayMs)),
        );
        return ok();
      }
      case 'timer.clear': {
        const id = Number(header.id);
        clearTimeout(this.timers.get(id));
        this.timers.delete(id);
        return ok();
      }
      case 'udp.bind':
        return ok({ port: await this.bindUdp(Number(header.id), Number(header.port)) });
      case 'udp.send': {
        const socket = this.sockets.get(Number(header.id));
        if (!socket) throw new Error(`no socket ${header.id}`);
        this.sending++;
        socket.send(payload, Number(header.port), String(header.address), () => {
          if (--this.sending === 0) this.sent?.();
        });
        return ok();
      }
      case 'udp.close':
        this.sockets.get(Number(header.id))?.close();
        this.sockets.delete(Number(header.id));
        return ok();
      case 'display':
        this.screen = (header.lines as string[]).slice();
        this.options.onDisplay?.(this.screen);
        return ok();
      case 'audio.start':
        this.audio.start();
        return ok();
      case 'audio.play':
        this.audio.play(new Int16Array(payload.slice().buffer));
        return ok();
      case 'audio.stop':
        this.audio.stop();
        return ok();
      case 'log':
        this.addLog(String(header.message));
        return ok();
      default: {
        const answer = await this.streams.serve(header, payload);
        if (answer === undefined) throw new Error(`unknown host operation ${String(header.op)}`);
        return ok(answer);
      }
    }
  }

  private bindUdp(id: number, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const socket = createSocket('udp4');
      socket.once('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'EADDRINUSE') this.portInUse ??= new PortInUseError(this.address, port);
        socket.close();
        reject(e);
      });
      socket.on('message', (data, remote) => this.onDatagram(id, data, remote));
      socket.bind(port, this.address, () => {
        socket.removeAllListeners('error');
        socket.on('error', (e) => this.addLog(`udp socket ${id}: ${e.message}`));
        this.sockets.set(id, socket);
        resolve(socket.address().port);
      });
    });
  }
}
