// Carries out the SIP user agent's actions (modules/sip/user-agent.ts is pure: events in, actions
// out): 'send' goes to the transport (UDP socket, or a TCP/TLS connection of sip-connections.ts),
// 'setTimer' / 'clearTimer' drive the transaction timers (RFC 3261 §17.1.1.2, §17.1.2.2, §17.2)
// on the HAL's timers, and 'event' goes to the phone's call handling (calls.ts). An exception in
// handling one event is reported to the caller (event-guard.ts) and the other actions still run.
import type { Hal } from '../../hal/contracts.js';
import type { UaAction, UaEvent, UserAgent } from '../sip/user-agent.js';
import type { SipSend } from './sip-connections.js';

/** What the runner needs from the phone. */
export interface UaRunnerContext {
  readonly hal: Pick<Hal, 'timers'>;
  readonly ua: Pick<UserAgent, 'timerFired'>;
  /** Sends one user-agent 'send' action: UDP on the SIP socket, TCP and TLS on connections (sip-connections.ts). */
  readonly send: (message: SipSend) => void;
  /** One event of the user agent. */
  onEvent(e: UaEvent): void;
  /** Handling `e` threw `err`: its call ends (event-guard.ts). */
  onEventFailed(e: UaEvent, err: unknown): void;
}

/** The user agent's actions, and its timers running on the HAL. */
export class UaRunner {
  private readonly timers = new Map<string, number>();

  constructor(private readonly ctx: UaRunnerContext) {}

  /** The user agent's timers running now (for leak checks). */
  get running(): number {
    return this.timers.size;
  }

  run(actions: readonly UaAction[]): void {
    const { hal } = this.ctx;
    for (const a of actions) {
      switch (a.type) {
        case 'send':
          this.ctx.send(a);
          break;
        case 'setTimer': {
          const old = this.timers.get(a.key);
          if (old !== undefined) hal.timers.clear(old);
          this.timers.set(
            a.key,
            hal.timers.set(a.delayMs, () => {
              this.timers.delete(a.key);
              this.run(this.ctx.ua.timerFired(a.key));
            }),
          );
          break;
        }
        case 'clearTimer': {
          const id = this.timers.get(a.key);
          if (id !== undefined) hal.timers.clear(id);
          this.timers.delete(a.key);
          break;
        }
        case 'event':
          try {
            this.ctx.onEvent(a.event);
          } catch (err) {
            // The event's call ends (event-guard.ts); the other actions still run, so the user
            // agent and the host keep the same transactions and timers.
            this.ctx.onEventFailed(a.event, err);
          }
          break;
      }
    }
  }
}
