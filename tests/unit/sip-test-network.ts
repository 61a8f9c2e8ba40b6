// A virtual-time host for user agents in tests: carries out their actions (send, set/clear timers,
// events) on an in-memory UDP network with a loss filter, so whole calls run deterministically.

import type { Random } from '../../hal/contracts.js';
import { parseMessage, type SipMessage } from '../../modules/sip/message.js';
import type { HostPort, UaAction, UaEvent, UserAgent } from '../../modules/sip/user-agent.js';

/** A deterministic Random for tests (xorshift32), distinct per seed. */
export function seededRandom(seed: number): Random {
  let x = seed >>> 0 || 1;
  return {
    bytes(length: number): Uint8Array {
      const out = new Uint8Array(length);
      for (let i = 0; i < length; i++) {
        x ^= x << 13;
        x >>>= 0;
        x ^= x >>> 17;
        x ^= x << 5;
        x >>>= 0;
        out[i] = x & 0xff;
      }
      return out;
    },
  };
}

export interface Endpoint {
  readonly name: string;
  readonly address: HostPort;
  /** Handles a datagram; returns actions (a UA, or a scripted peer that returns []). */
  receive(data: Uint8Array, source: HostPort): UaAction[];
  timerFired?(key: string): UaAction[];
}

export function uaEndpoint(name: string, ua: UserAgent, address: HostPort): Endpoint {
  return { name, address, receive: (d, s) => ua.receive(d, s), timerFired: (k) => ua.timerFired(k) };
}

interface Scheduled {
  readonly at: number;
  readonly seq: number;
  readonly run: () => void;
}

export interface Wire {
  readonly at: number;
  readonly from: string;
  readonly to: string;
  readonly message: SipMessage;
}

export class TestNetwork {
  now = 0;
  readonly events: { at: number; who: string; event: UaEvent }[] = [];
  readonly wire: Wire[] = [];
  /** Return false to lose a datagram. */
  deliver: (w: Wire) => boolean = () => true;
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly queue: Scheduled[] = [];
  private readonly timers = new Map<string, Scheduled>();
  private seq = 0;

  constructor(private readonly latencyMs = 5) {}

  add(endpoint: Endpoint): void {
    this.endpoints.set(`${endpoint.address.address}:${endpoint.address.port}`, endpoint);
  }

  /** Carries out the actions `who` returned. */
  apply(who: Endpoint, actions: UaAction[]): void {
    for (const a of actions) {
      switch (a.type) {
        case 'send': {
          const target = this.endpoints.get(`${a.address}:${a.port}`);
          let message: SipMessage | undefined;
          try {
            message = parseMessage(a.data);
          } catch {
            // Deliberately malformed test input: delivered, not recorded.
          }
          const wire: Wire | undefined = message && { at: this.now, from: who.name, to: target?.name ?? `${a.address}:${a.port}`, message };
          if (wire !== undefined) this.wire.push(wire);
          if (target === undefined || (wire !== undefined && !this.deliver(wire))) break;
          const data = a.data;
          this.schedule(this.now + this.latencyMs, () => this.apply(target, target.receive(data, who.address)));
          break;
        }
        case 'setTimer': {
          const id = `${who.name}/${a.key}`;
          const s = this.schedule(this.now + a.delayMs, () => {
            if (this.timers.get(id) !== s) return;
            this.timers.delete(id);
            this.apply(who, who.timerFired!(a.key));
          });
          this.timers.set(id, s);
          break;
        }
        case 'clearTimer':
          this.timers.delete(`${who.name}/${a.key}`);
          break;
        case 'event':
          this.events.push({ at: this.now, who: who.name, event: a.event });
          break;
      }
    }
  }

  /** Runs scheduled work up to `untilMs` (virtual time), in time order. */
  run(untilMs: number): void {
    for (let guard = 0; guard < 100000; guard++) {
      this.queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.queue[0];
      if (next === undefined || next.at > untilMs) break;
      this.queue.shift();
      this.now = next.at;
      next.run();
    }
    this.now = Math.max(this.now, untilMs);
  }

  /** Timers still armed (not fired, not cleared). */
  get pendingTimers(): number {
    return this.timers.size;
  }

  eventsOf(who: string): UaEvent[] {
    return this.events.filter((e) => e.who === who).map((e) => e.event);
  }

  private schedule(at: number, run: () => void): Scheduled {
    const s = { at, seq: this.seq++, run };
    this.queue.push(s);
    return s;
  }
}
