// The HAL on the desktop XS host: every contract is served by the Node side (sim/host.ts) over the
// command channel. Queries are synchronous; what needs no answer is posted (channel.ts); events
// (datagrams, stream bytes and closes, timers, keys, audio frames) arrive through
// dispatchHostEvent, which the entry point wires to the channel. Stream sockets: streams.ts.
import {
  AUDIO_FRAME_SAMPLES,
  type Datagram,
  type Hal,
  type Key,
  type KeyEvent,
  KEYS,
  type UdpSocket,
} from '../contracts.js';
import { xsTunedCrypto } from './xs-crypto.js';
import { type Frame, post, query } from './channel.js';
import { createHostStreams } from './streams.js';

export interface HostHal extends Hal {
  /** Routes one event from the Node side to the listener the firmware installed. */
  dispatchHostEvent(event: Frame): void;
}

export function createHostHal(): HostHal {
  const udpListeners = new Map<number, (datagram: Datagram) => void>();
  const timers = new Map<number, () => void>();
  const keyListeners: ((event: KeyEvent) => void)[] = [];
  let audioListener: ((frame: Int16Array) => void) | undefined;
  let nextSocket = 1;
  let nextTimer = 1;

  const flashInfo = query('flash.info').header as { sectorSize: number; sectorCount: number };
  const localAddress = String(query('net.info').header.address);
  const streams = createHostStreams();

  const hal: HostHal = {
    network: {
      localAddress,
      listenTcp: streams.listenTcp,
      listenTls: streams.listenTls,
      connectTcp: streams.connectTcp,
      connectTls: streams.connectTls,
      bindUdp(port, onDatagram): UdpSocket {
        const id = nextSocket++;
        const bound = Number(query('udp.bind', { id, port }).header.port);
        udpListeners.set(id, onDatagram);
        return {
          port: bound,
          send: (data, address, toPort) => post('udp.send', { id, address, port: toPort }, data),
          close: () => {
            udpListeners.delete(id);
            query('udp.close', { id });
          },
        };
      },
    },
    clock: {
      monotonicMs: () => Number(query('clock').header.monotonicMs),
      wallClockMs: () => Number(query('clock').header.wallClockMs),
    },
    timers: {
      set(delayMs, onFire) {
        const id = nextTimer++;
        timers.set(id, onFire);
        post('timer.set', { id, delayMs: Math.max(0, delayMs) });
        return id;
      },
      clear(id) {
        if (timers.delete(id)) post('timer.clear', { id });
      },
    },
    random: {
      bytes: (length) => query('random', { length }).payload.slice(),
    },
    flash: {
      sectorSize: flashInfo.sectorSize,
      sectorCount: flashInfo.sectorCount,
      read: (offset, length) => query('flash.read', { offset, length }).payload.slice(),
      eraseSector: (sector) => void query('flash.erase', { sector }),
      write: (offset, data) => void query('flash.write', { offset }, data),
    },
    keypad: {
      onKey: (listener) => void keyListeners.push(listener),
    },
    display: {
      rows: 4,
      columns: 20,
      show: (lines) => post('display', { lines: lines.map((l) => l.slice(0, 20)) }),
    },
    audio: {
      start(onFrame) {
        audioListener = onFrame;
        query('audio.start');
      },
      play(frame) {
        post('audio.play', {}, new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength));
      },
      stop() {
        audioListener = undefined;
        query('audio.stop');
      },
    },
    crypto: xsTunedCrypto,
    log: (message) => post('log', { message }),

    dispatchHostEvent({ header, payload }) {
      switch (header.type) {
        case 'udp': {
          const listener = udpListeners.get(Number(header.id));
          listener?.({ data: payload.slice(), address: String(header.address), port: Number(header.port) });
          break;
        }
        case 'timer': {
          const id = Number(header.id);
          const fire = timers.get(id);
          timers.delete(id);
          fire?.();
          break;
        }
        case 'key': {
          const key = String(header.key) as Key;
          if (!KEYS.includes(key)) throw new RangeError(`unknown key ${key}`);
          for (const listener of keyListeners) listener({ key, down: header.down !== false });
          break;
        }
        case 'audio': {
          if (payload.length !== AUDIO_FRAME_SAMPLES * 2) throw new RangeError('audio frame must be 160 samples');
          audioListener?.(new Int16Array(payload.slice().buffer));
          break;
        }
        default:
          if (!streams.dispatch({ header, payload })) throw new RangeError(`unknown host event ${String(header.type)}`);
      }
    },
  };
  return hal;
}
