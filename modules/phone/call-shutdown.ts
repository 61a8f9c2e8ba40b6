// What a shutting-down phone still waits for (calls.ts shutdown): the end of the call it was in
// (the peer's answer to its BYE or CANCEL, RFC 3261 §15) and the removal of its registration (the
// registrar's answer to REGISTER with Expires: 0, RFC 3261 §10.2.2), or their transactions timing
// out. `done` runs once, when neither is pending.
import type { UaEvent } from '../sip/user-agent.js';

export class ShutdownWait {
  private waiting: { call: boolean; registration: boolean; readonly done: () => void } | undefined;

  /** Whether shutdown has begun. */
  get started(): boolean {
    return this.waiting !== undefined;
  }

  /** Shutdown begins: waits for the call's end (`call`) and the unregistration (`registration`). */
  begin(call: boolean, registration: boolean, done: () => void): void {
    this.waiting = { call, registration, done };
  }

  /** An event of the user agent during shutdown. */
  onEvent(e: UaEvent): void {
    const waiting = this.waiting!;
    if (e.type === 'ended' || e.type === 'failed') waiting.call = false;
    if (e.type === 'unregistered' || e.type === 'registrationFailed') waiting.registration = false;
    this.check();
  }

  /** Runs `done` (once) when nothing is pending any more. */
  check(): void {
    const waiting = this.waiting;
    if (!waiting || waiting.call || waiting.registration) return;
    this.waiting = { ...waiting, done: () => {} };
    waiting.done();
  }
}
