// One event ends at most one call (GUIDE). Every event enters the phone through a HAL callback — a
// UDP datagram (SIP or RTP), a key, a timer, a captured audio frame — so the phone hands its code
// a HAL whose callbacks run inside one try: whatever the handling throws is caught there and passed
// to the phone's recovery, which logs it and ends the call the event concerned (a final response
// or BYE, the idle screen, the user agent's state freed; phone.ts, calls.ts). The phone keeps
// running: nothing thrown by one event reaches the host's event loop.
import type { Hal } from '../../hal/contracts.js';

/** Handles what the handling of one event threw; `what` names the event for the log. Never throws. */
export type Failure = (what: string, error: unknown) => void;

/** The failure handler: hands the error to `recover`; a recovery that throws too is logged. */
export function eventGuard(log: (line: string) => void, recover: (what: string, error: unknown) => void): Failure {
  return (what, error) => {
    try {
      recover(what, error);
    } catch (again) {
      log(`${what} failed: ${messageOf(error)}; recovering failed too: ${messageOf(again)}`);
    }
  };
}

/** The message of anything thrown (XS and Node throw Errors; hostile code paths may throw anything). */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * `hal` with every event callback (datagrams, timers, keys, audio frames) run inside a try whose
 * catch is `failed`. Inline, so the 50-per-second audio frames and RTP datagrams allocate nothing.
 */
export function guardedHal(hal: Hal, failed: Failure): Hal {
  return {
    network: {
      localAddress: hal.network.localAddress,
      bindUdp: (port, onDatagram) =>
        hal.network.bindUdp(port, (d) => {
          try {
            onDatagram(d);
          } catch (e) {
            failed(`datagram from ${d.address}:${d.port}`, e);
          }
        }),
    },
    clock: hal.clock,
    timers: {
      set: (delayMs, onFire) =>
        hal.timers.set(delayMs, () => {
          try {
            onFire();
          } catch (e) {
            failed('timer', e);
          }
        }),
      clear: (id) => hal.timers.clear(id),
    },
    random: hal.random,
    flash: hal.flash,
    keypad: {
      onKey: (listener) =>
        hal.keypad.onKey((event) => {
          try {
            listener(event);
          } catch (e) {
            failed(`key ${event.key}`, e);
          }
        }),
    },
    display: hal.display,
    audio: {
      start: (onFrame) =>
        hal.audio.start((frame) => {
          try {
            onFrame(frame);
          } catch (e) {
            failed('audio frame', e);
          }
        }),
      play: (frame) => hal.audio.play(frame),
      stop: () => hal.audio.stop(),
    },
    crypto: hal.crypto,
    log: (message) => hal.log(message),
  };
}
