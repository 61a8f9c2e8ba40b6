// Phones on a virtual-time world for tests: each gets a Hal whose UDP sockets reach the others'
// through an in-memory loopback, whose timers run when the test advances the clock, whose keypad,
// display and audio the test drives and reads, and whose crypto provider can be made to throw.
// Pure (no Node APIs): runs under jest and on XS.
import type { AesKey, Crypto, Datagram, Hal, HmacSha1Key, KeyEvent, TimerId, UdpSocket } from '../../hal/contracts.js';
import { AUDIO_FRAME_SAMPLES } from '../../hal/contracts.js';
import { nobleCrypto } from '../../hal/noble-crypto.js';
import { SimFlash } from './sim-flash.js';
import { seededRandom } from './pki-random.js';

export const ADDRESS = '127.0.0.1';

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fire: () => void;
}

/** A crypto provider that works until `failing` is set, then throws from every key it makes or holds. */
export class FaultyCrypto implements Crypto {
  failing = false;

  aesKey(key: Uint8Array): AesKey {
    this.check();
    const inner = nobleCrypto.aesKey(key);
    return {
      encryptBlock: (i, o) => (this.check(), inner.encryptBlock(i, o)),
      ctrXor: (iv, d) => (this.check(), inner.ctrXor(iv, d)),
    };
  }

  hmacSha1Key(key: Uint8Array): HmacSha1Key {
    this.check();
    const inner = nobleCrypto.hmacSha1Key(key);
    return { mac: (parts, out) => (this.check(), inner.mac(parts, out)) };
  }

  private check(): void {
    if (this.failing) throw new Error('crypto provider fault (injected)');
  }
}

export class FakeWorld {
  now = 0;
  /** The wall clock at now = 0 (MIKEY timestamps). */
  readonly epochMs = Date.UTC(2026, 11, 7, 12, 0, 0);
  private readonly sockets = new Map<number, (d: Datagram) => void>();
  private readonly timers = new Map<TimerId, Timer>();
  private nextTimer = 1;
  private nextPort = 40000;
  private seq = 0;
  /** Every datagram sent, in order. */
  readonly sent: { from: number; to: number; data: Uint8Array }[] = [];

  /** A phone's Hal; `port` is the SIP port the phone will bind. */
  hal(name: string, crypto: Crypto = nobleCrypto): FakeHal {
    return new FakeHal(this, name, crypto);
  }

  bind(port: number, onDatagram: (d: Datagram) => void): UdpSocket {
    const bound = port === 0 ? this.nextPort++ : port;
    if (this.sockets.has(bound)) throw new Error(`port ${bound} in use`);
    this.sockets.set(bound, onDatagram);
    return {
      port: bound,
      send: (data, address, to) => {
        if (address !== ADDRESS) throw new Error(`no route to ${address}`);
        this.sent.push({ from: bound, to, data: data.slice() });
        const target = this.sockets.get(to);
        // Delivered on the next tick, as a network would.
        if (target) this.schedule(0, () => target({ data: data.slice(), address: ADDRESS, port: bound }));
      },
      close: () => void this.sockets.delete(bound),
    };
  }

  /** Sends `data` to `port` from a socket that is not a phone's (a test peer). */
  inject(data: Uint8Array, port: number, fromPort = 5999): void {
    this.sent.push({ from: fromPort, to: port, data: data.slice() });
    const target = this.sockets.get(port);
    if (target) this.schedule(0, () => target({ data: data.slice(), address: ADDRESS, port: fromPort }));
  }

  schedule(delayMs: number, fire: () => void): TimerId {
    const id = this.nextTimer++;
    this.timers.set(id, { at: this.now + Math.max(0, delayMs), seq: this.seq++, fire });
    return id;
  }

  cancel(id: TimerId): void {
    this.timers.delete(id);
  }

  /** Runs every timer and delivery due within `ms`, in time order. */
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      let next: [TimerId, Timer] | undefined;
      for (const entry of this.timers) if (entry[1].at <= end && (!next || entry[1].at < next[1].at || (entry[1].at === next[1].at && entry[1].seq < next[1].seq))) next = entry;
      if (!next) break;
      this.timers.delete(next[0]);
      this.now = next[1].at;
      next[1].fire();
    }
    this.now = end;
  }

  /** Host timers still pending (a phone's and the network's). */
  get pendingTimers(): number {
    return this.timers.size;
  }

  get boundPorts(): number[] {
    return [...this.sockets.keys()];
  }
}

export class FakeHal implements Hal {
  readonly logs: string[] = [];
  screen: readonly string[] = [];
  private keyListener: ((e: KeyEvent) => void) | undefined;
  private audioListener: ((frame: Int16Array) => void) | undefined;
  readonly network: Hal['network'];
  readonly clock: Hal['clock'];
  readonly timers: Hal['timers'];
  readonly random: Hal['random'];
  readonly flash = new SimFlash(4096, 16);
  readonly keypad: Hal['keypad'];
  readonly display: Hal['display'];
  readonly audio: Hal['audio'];

  constructor(
    readonly world: FakeWorld,
    readonly name: string,
    readonly crypto: Crypto,
  ) {
    this.network = { localAddress: ADDRESS, bindUdp: (port, on) => world.bind(port, on) };
    this.clock = { monotonicMs: () => world.now, wallClockMs: () => world.epochMs + world.now };
    this.timers = { set: (ms, fire) => world.schedule(ms, fire), clear: (id) => world.cancel(id) };
    this.random = seededRandom(name);
    this.keypad = { onKey: (l) => void (this.keyListener = l) };
    this.display = { rows: 4, columns: 20, show: (lines) => void (this.screen = lines.slice()) };
    this.audio = {
      start: (on) => void (this.audioListener = on),
      play: () => undefined,
      stop: () => void (this.audioListener = undefined),
    };
  }

  /** An own property, as in the hosts' object-literal HALs (the phone spreads its HAL). */
  readonly log = (message: string): void => {
    this.logs.push(message);
  };

  /** A key pressed and released. */
  press(key: KeyEvent['key']): void {
    this.keyListener?.({ key, down: true });
    this.keyListener?.({ key, down: false });
  }

  /** One captured 20 ms frame (silence with a little signal), if audio is running. */
  captureFrame(): void {
    this.audioListener?.(new Int16Array(AUDIO_FRAME_SAMPLES).fill(1000));
  }
}
