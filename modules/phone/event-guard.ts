// One event ends at most one call (GUIDE). Every event enters the phone through a HAL callback — a
// UDP datagram (SIP or RTP), a key, a timer, a captured audio frame — so the phone hands its code
// a HAL whose callbacks run inside one guard: whatever the handling throws is caught there, logged
// and passed to the phone's recovery, which ends the call the event concerned (a final response or
// BYE, the idle screen, the user agent's state freed; phone.ts, calls.ts). The phone keeps running:
// nothing thrown by one event reaches the host's event loop.
import type { Hal } from '../../hal/contracts.js';

/** Runs the handling of one event; `what` names it for the log line if it throws. */
export type Guard = (what: string, handle: () => void) => void;

/** A guard that catches what `handle` throws and hands it to `recover`; a failing recovery is logged, never thrown. */
export function eventGuard(log: (line: string) => void, recover: (what: string, error: unknown) => void): Guard {
  return (what, handle) => {
    try {
      handle();
    } catch (error) {
      try {
        recover(what, error);
      } catch (again) {
        log(`${what} failed: ${messageOf(error)}; recovering failed too: ${messageOf(again)}`);
      }
    }
  };
}

/** The message of anything thrown (XS and Node throw Errors; hostile code paths may throw anything). */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `hal` with every event callback (datagrams, timers, keys, audio frames) run inside `guard`. */
export function guardedHal(hal: Hal, guard: Guard): Hal {
  return {
    network: {
      localAddress: hal.network.localAddress,
      bindUdp: (port, onDatagram) => hal.network.bindUdp(port, (d) => guard(`datagram from ${d.address}:${d.port}`, () => onDatagram(d))),
    },
    clock: hal.clock,
    timers: {
      set: (delayMs, onFire) => hal.timers.set(delayMs, () => guard('timer', onFire)),
      clear: (id) => hal.timers.clear(id),
    },
    random: hal.random,
    flash: hal.flash,
    keypad: { onKey: (listener) => hal.keypad.onKey((e) => guard(`key ${e.key}`, () => listener(e))) },
    display: hal.display,
    audio: {
      start: (onFrame) => hal.audio.start((frame) => guard('audio frame', () => onFrame(frame))),
      play: (frame) => hal.audio.play(frame),
      stop: () => hal.audio.stop(),
    },
    crypto: hal.crypto,
    log: (message) => hal.log(message),
  };
}
