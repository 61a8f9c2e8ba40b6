// One event ends at most one call (GUIDE). Every event enters the phone through a HAL callback — a
// UDP datagram (SIP or RTP), stream bytes or a stream's end (SIP over TCP or TLS), an accepted
// connection, a key, a timer, a captured audio frame — so the phone hands its code a HAL whose
// callbacks run inside one try: whatever the handling throws is caught there and passed to the
// phone's recovery, which logs it and ends the call the event concerned (a final response
// or BYE, the idle screen, the user agent's state freed; phone.ts, calls.ts). The phone keeps
// running: nothing thrown by one event reaches the host's event loop.
import type { Hal, StreamEvents, StreamSocket } from '../../hal/contracts.js';

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

/** A stream's events, each run inside a try whose catch is `failed`; `peer` names the stream in the log. */
function guardedStream(events: StreamEvents, peer: string, failed: Failure): StreamEvents {
  return {
    onData: (data) => {
      try {
        events.onData(data);
      } catch (e) {
        failed(`stream data from ${peer}`, e);
      }
    },
    onClose: (error) => {
      try {
        events.onClose(error);
      } catch (e) {
        failed(`stream close from ${peer}`, e);
      }
    },
  };
}

/**
 * A listener's accept callback run inside the guard: a throw refuses that connection (it is closed)
 * and the listener goes on; the accepted stream's events are guarded in turn.
 */
function guardedAccept(onAccept: (socket: StreamSocket) => StreamEvents, failed: Failure): (socket: StreamSocket) => StreamEvents {
  return (socket) => {
    const peer = `${socket.remoteAddress}:${socket.remotePort}`;
    try {
      return guardedStream(onAccept(socket), peer, failed);
    } catch (e) {
      failed(`connection from ${peer}`, e);
      socket.close();
      return { onData: () => {}, onClose: () => {} };
    }
  };
}

/**
 * `hal` with every event callback (datagrams, stream data and closes, accepted connections, timers, keys, audio frames) run inside a try whose
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
      listenTcp: (port, onAccept) => hal.network.listenTcp(port, guardedAccept(onAccept, failed)),
      listenTls: (port, credentials, onAccept) => hal.network.listenTls(port, credentials, guardedAccept(onAccept, failed)),
      connectTcp: (address, port, events) => hal.network.connectTcp(address, port, guardedStream(events, `${address}:${port}`, failed)),
      connectTls: (address, port, serverName, credentials, events) =>
        hal.network.connectTls(address, port, serverName, credentials, guardedStream(events, `${address}:${port}`, failed)),
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
