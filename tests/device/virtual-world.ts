// Virtual time and an in-memory network (UDP datagrams, and TCP/TLS streams from
// tests/support/memory-streams.ts) for running phones on any engine without I/O: the device
// scenarios (tests/device) run two phones in one XS machine with it on Moddable's runtime, and the
// same code runs in Node under jest. Time only moves when the harness runs the world, so a
// call of 500 frames takes as long as its work, not 10 s of wall clock. Pure: no host globals.
import type { Datagram, Network, TimerId, Timers, UdpSocket } from '../../hal/contracts.js';
import { MemoryStreams } from '../support/memory-streams.js';

interface Scheduled {
  readonly id: number;
  readonly at: number;
  readonly fire: () => void;
}

/** Latency of the in-memory network, one way. */
const NETWORK_DELAY_MS = 1;
/** A bound on pending events: a runaway timer loop fails the scenario instead of eating the heap. */
const MAX_PENDING = 4096;
/** First port given to bindUdp(0). */
const EPHEMERAL_BASE = 40000;

export class VirtualWorld {
  nowMs = 0;
  /** Pending events in firing order (time, then scheduling order). */
  private pending: Scheduled[] = [];
  private nextId = 1;
  private nextPort = EPHEMERAL_BASE;
  private readonly bound = new Map<string, (d: Datagram) => void>();
  /** Datagrams sent to an address and port nobody had bound. */
  undeliverable = 0;
  /** Exceptions thrown out of timer callbacks and datagram handlers (each ended only that event). */
  readonly errors: string[] = [];
  /** The world's stream sockets: connections between the hosts' listeners and connects. */
  readonly streams = new MemoryStreams(NETWORK_DELAY_MS);

  schedule(delayMs: number, fire: () => void): number {
    if (this.pending.length >= MAX_PENDING) throw new RangeError(`virtual world: more than ${MAX_PENDING} pending events`);
    const at = this.nowMs + Math.max(0, delayMs);
    const event = { id: this.nextId++, at, fire };
    let i = this.pending.length;
    while (i > 0 && this.pending[i - 1].at > at) i--;
    this.pending.splice(i, 0, event);
    return event.id;
  }

  cancel(id: number): void {
    const i = this.pending.findIndex((e) => e.id === id);
    if (i >= 0) this.pending.splice(i, 1);
  }

  /** Fires every event due up to `untilMs`, in order, and leaves the clock there. */
  runUntil(untilMs: number): void {
    while (this.pending.length > 0 && this.pending[0].at <= untilMs) {
      const event = this.pending.shift()!;
      this.nowMs = event.at;
      try {
        event.fire();
      } catch (e) {
        this.errors.push((e as Error).message);
      }
    }
    this.nowMs = untilMs;
  }

  /** Runs the world in `stepMs` steps until `done()` holds; false if `limitMs` of virtual time passed first. */
  runUntilTrue(done: () => boolean, limitMs: number, stepMs = 10): boolean {
    const end = this.nowMs + limitMs;
    while (!done()) {
      if (this.nowMs >= end) return false;
      this.runUntil(Math.min(end, this.nowMs + stepMs));
    }
    return true;
  }

  timers(): Timers {
    return {
      set: (delayMs: number, onFire: () => void): TimerId => this.schedule(delayMs, onFire),
      clear: (id: TimerId) => this.cancel(id),
    };
  }

  /**
   * A host's network at `localAddress`: datagrams reach the sockets other hosts bound in this world,
   * and connections the listeners they opened.
   */
  network(localAddress: string): Network {
    return {
      ...this.streams.network(localAddress, (delayMs, fire) => void this.schedule(delayMs, fire)),
      localAddress,
      bindUdp: (port: number, onDatagram: (d: Datagram) => void): UdpSocket => {
        const actual = port === 0 ? this.nextPort++ : port;
        const key = `${localAddress}:${actual}`;
        if (this.bound.has(key)) throw new Error(`port ${actual} is already in use on ${localAddress}`);
        this.bound.set(key, onDatagram);
        return {
          port: actual,
          send: (data, address, toPort) => {
            const copy = data.slice();
            this.schedule(NETWORK_DELAY_MS, () => {
              const receiver = this.bound.get(`${address}:${toPort}`);
              if (receiver) receiver({ data: copy, address: localAddress, port: actual });
              else this.undeliverable++;
            });
          },
          close: () => void this.bound.delete(key),
        };
      },
    };
  }
}
