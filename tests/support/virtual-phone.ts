// A whole phone (modules/phone/phone.ts) on a virtual HAL inside a TestNetwork
// (tests/unit/sip-test-network.ts): its sockets are endpoints of the in-memory network, its stream
// sockets connect to the other virtual phones' listeners on the same TestNetwork
// (tests/support/memory-streams.ts), its timers
// and clock run on the network's virtual time, its flash is a SimFlash. Tests drive the phone with
// keys and scripted SIP peers and read its screen, and time passes only when they say so.
// Pure (no Node APIs): runs under jest and on XS.
import { AUDIO_FRAME_SAMPLES, type Crypto, type Datagram, type Hal, type Key, type KeyEvent, type Network } from '../../hal/contracts.js';
import { nobleCrypto } from '../../hal/noble-crypto.js';
import { createPhone, type Phone } from '../../modules/phone/phone.js';
import type { Credentials, Settings } from '../../modules/settings/model.js';
import { openPhoneStore } from '../../modules/settings/phone-store.js';
import type { HostPort } from '../../modules/sip/user-agent.js';
import { seededRandom, type Endpoint, type TestNetwork } from '../unit/sip-test-network.js';
import { MemoryStreams } from './memory-streams.js';
import { SimFlash } from './sim-flash.js';

/** The stream sockets the virtual phones on one TestNetwork share. */
const streamsOf = new WeakMap<TestNetwork, MemoryStreams>();

/** The memory streams between the virtual phones on `net` (made on first use). */
export function networkStreams(net: TestNetwork): MemoryStreams {
  let streams = streamsOf.get(net);
  if (!streams) streamsOf.set(net, (streams = new MemoryStreams()));
  return streams;
}

/** The wall clock at virtual time 0. */
export const VIRTUAL_EPOCH_MS = 1_700_000_000_000;

export interface VirtualPhone {
  readonly phone: Phone;
  readonly flash: SimFlash;
  readonly log: string[];
  /** The screen as last shown. */
  screen(): readonly string[];
  press(key: Key): void;
  /** Sockets the phone holds open. */
  readonly sockets: () => number;
  /** The phone's network as its HAL gives it (tests open streams to and from the phone with it). */
  readonly network: Network;
  /** One captured 20 ms audio frame, delivered if the phone's audio is running (a call's media). */
  captureFrame(): void;
}

export interface VirtualPhoneOptions {
  readonly user: string;
  readonly address: string;
  readonly sipPort?: number;
  readonly registrar?: string;
  /** Settings written to the flash before boot. */
  readonly settings?: Settings;
  readonly flash?: SimFlash;
  readonly seed?: number;
  readonly displayName?: string;
  /** The SIP domain of the phone's address of record (PhoneIdentity.domain). */
  readonly domain?: string;
  readonly outboundProxy?: string;
  /** The crypto provider (nobleCrypto by default); tests inject faults through it. */
  readonly crypto?: Crypto;
  /** Key material the host offers (createPhone's `provision`, as the desktop host's development keys). */
  readonly provision?: Credentials;
}

export function virtualPhone(net: TestNetwork, options: VirtualPhoneOptions): VirtualPhone {
  const flash = options.flash ?? new SimFlash(4096, 16);
  if (options.settings) openPhoneStore(flash).save(options.settings);
  const log: string[] = [];
  let screen: readonly string[] = [];
  const keyListeners: ((event: KeyEvent) => void)[] = [];
  let audioListener: ((frame: Int16Array) => void) | undefined;
  const sockets = new Map<number, Endpoint>();
  let nextPort = 40000;
  let nextTimer = 1;
  const timerFns = new Map<string, () => void>();
  // One endpoint owns the phone's timers (they are not tied to a socket).
  const clockEndpoint: Endpoint = {
    name: `${options.user}-timers`,
    address: { address: options.address, port: 1 },
    receive: () => [],
    timerFired: (key) => {
      const fire = timerFns.get(key);
      timerFns.delete(key);
      fire?.();
      return [];
    },
  };
  /** Stream deliveries run as the phone's timers, on the network's virtual time. */
  let nextDelivery = 1;
  const schedule = (delayMs: number, fire: () => void) => {
    const key = `stream ${nextDelivery++}`;
    timerFns.set(key, fire);
    net.apply(clockEndpoint, [{ type: 'setTimer', key, delayMs }]);
  };
  const hal: Hal = {
    network: {
      ...networkStreams(net).network(options.address, schedule),
      localAddress: options.address,
      bindUdp(port, onDatagram: (d: Datagram) => void) {
        const bound = port === 0 ? nextPort++ : port;
        const address: HostPort = { address: options.address, port: bound };
        const endpoint: Endpoint = {
          name: `${options.user}:${bound}`,
          address,
          receive: (data, source) => {
            if (sockets.has(bound)) onDatagram({ data, address: source.address, port: source.port });
            return [];
          },
        };
        sockets.set(bound, endpoint);
        net.add(endpoint);
        return {
          port: bound,
          send: (data, to, toPort) => net.apply(endpoint, [{ type: 'send', transport: 'udp', data, address: to, port: toPort }]),
          close: () => void sockets.delete(bound),
        };
      },
    },
    clock: { monotonicMs: () => net.now, wallClockMs: () => VIRTUAL_EPOCH_MS + net.now },
    timers: {
      set(delayMs, onFire) {
        const id = nextTimer++;
        timerFns.set(String(id), onFire);
        net.apply(clockEndpoint, [{ type: 'setTimer', key: String(id), delayMs: Math.max(0, delayMs) }]);
        return id;
      },
      clear(id) {
        timerFns.delete(String(id));
        net.apply(clockEndpoint, [{ type: 'clearTimer', key: String(id) }]);
      },
    },
    random: seededRandom(options.seed ?? 7),
    flash,
    keypad: { onKey: (listener) => void keyListeners.push(listener) },
    display: { rows: 4, columns: 20, show: (lines) => void (screen = lines.slice()) },
    audio: { start: (onFrame) => void (audioListener = onFrame), play: () => {}, stop: () => void (audioListener = undefined) },
    crypto: options.crypto ?? nobleCrypto,
    log: (line) => void log.push(line),
  };
  const phone = createPhone(hal, {
    displayName: options.displayName ?? options.user,
    user: options.user,
    sipPort: options.sipPort ?? 5060,
    ...(options.registrar ? { registrar: options.registrar } : {}),
    ...(options.domain ? { domain: options.domain } : {}),
    ...(options.outboundProxy ? { outboundProxy: options.outboundProxy } : {}),
  }, options.provision);
  return {
    phone,
    flash,
    log,
    screen: () => screen,
    press(key) {
      for (const l of keyListeners) l({ key, down: true });
      for (const l of keyListeners) l({ key, down: false });
    },
    sockets: () => sockets.size,
    network: hal.network,
    captureFrame: () => audioListener?.(new Int16Array(AUDIO_FRAME_SAMPLES).fill(1000)),
  };
}
