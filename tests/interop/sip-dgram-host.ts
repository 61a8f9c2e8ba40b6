// A Node host for the pure SIP user agent in interop tests: one UDP socket on 127.0.0.1 (ephemeral
// port), real timers, and promises that wait for the UA's events with a bound.

import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { UserAgent, type UaAction, type UaConfig, type UaEvent } from '../../modules/sip/user-agent.js';

export const HOST = '127.0.0.1';

/** Runs the UA on a UDP socket: executes its actions with real sockets and timers. */
export class DgramHost {
  readonly events: UaEvent[] = [];
  ua!: UserAgent;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private waiters: { test: (e: UaEvent) => boolean; resolve: (e: UaEvent) => void }[] = [];

  private constructor(private readonly socket: Socket) {}

  static async start(make: (port: number) => Omit<UaConfig, 'local' | 'random'>): Promise<DgramHost> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, HOST, resolve));
    const host = new DgramHost(socket);
    const port = socket.address().port;
    host.ua = new UserAgent({ ...make(port), local: { address: HOST, port }, random: { bytes: (n) => new Uint8Array(randomBytes(n)) } });
    socket.on('message', (data, rinfo) => host.run(host.ua.receive(new Uint8Array(data), { address: rinfo.address, port: rinfo.port })));
    return host;
  }

  get port(): number {
    return this.socket.address().port;
  }

  run(actions: UaAction[]): void {
    for (const a of actions) {
      if (a.type === 'send') this.socket.send(a.data, a.port, a.address);
      else if (a.type === 'setTimer') {
        clearTimeout(this.timers.get(a.key));
        this.timers.set(a.key, setTimeout(() => {
          this.timers.delete(a.key);
          this.run(this.ua.timerFired(a.key));
        }, a.delayMs));
      } else if (a.type === 'clearTimer') {
        clearTimeout(this.timers.get(a.key));
        this.timers.delete(a.key);
      } else {
        this.events.push(a.event);
        for (const w of this.waiters.filter((w) => w.test(a.event))) w.resolve(a.event);
        this.waiters = this.waiters.filter((w) => !w.test(a.event));
      }
    }
  }

  /** Resolves with the first event (past or future) of `type`; rejects after `ms`. */
  next(type: UaEvent['type'], ms = 15000): Promise<UaEvent> {
    return this.waitFor((e) => e.type === type, `a ${type} event`, ms);
  }

  /** Resolves with the first event (past or future) that passes `test`; rejects after `ms`. */
  waitFor(test: (e: UaEvent) => boolean, what: string, ms = 15000): Promise<UaEvent> {
    const seen = this.events.find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms; got ${JSON.stringify(this.events.map((e) => e.type))}`)), ms);
      this.waiters.push({ test, resolve: (e) => { clearTimeout(timer); resolve(e); } });
    });
  }

  close(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.socket.close();
  }
}

/** A free UDP port on loopback (shared with the phone tests). */
export { freePort as freeUdpPort } from '../support/desktop-phones.js';

