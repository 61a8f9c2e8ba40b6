// Answering a call (the UAS side of an INVITE, RFC 3261 §13.3): the offer is decided when it comes
// in (call-lines.ts, call-incoming.ts), refused with 486 while busy (§21.4.24) or 480 while
// shutting down or when it rings out (§21.4.18, call-watch.ts), else 180 Ringing. The callee does
// the expensive MIKEY step at ring or at pick-up, as its settings say (seed §2.1.3), and answers
// with the offer's m= lines (RFC 3264 §6) and telephone-event payload type (§6.1).
import type { Datagram, Hal, UdpSocket } from '../../hal/contracts.js';
import type { SrtpSuiteName } from '../negotiation/capabilities.js';
import type { WireTable } from '../negotiation/wire.js';
import type { CryptoAttribute } from '../sdp/crypto-attr.js';
import type { Direction } from '../sdp/direction.js';
import { withLines } from '../sdp/media-lines.js';
import type { MediaKeying } from '../sdp/offer-answer.js';
import type { SessionDescription } from '../sdp/session-description.js';
import type { SettingsStore } from '../settings/store.js';
import type { UaAction, UserAgent } from '../sip/user-agent.js';
import { decideLines } from './call-lines.js';
import type { MediaTarget } from './call-sdp.js';
import type { Call, Keyed } from './call-state.js';
import { RING_TIMEOUT_STATUS, type CallWatch } from './call-watch.js';
import type { KeyingContext } from './keying.js';
import type { MediaKeys } from './media.js';
import { sdesKey } from './sdes-keying.js';
import type { SdesSession } from './sdes-reoffer.js';

type Incoming = Extract<Call, { kind: 'incoming' }>;

/** What answering a call needs from the phone's call handling (calls.ts). */
export interface AnsweringContext {
  readonly hal: Pick<Hal, 'log' | 'random' | 'network' | 'clock'>;
  readonly store: SettingsStore;
  readonly ua: Pick<UserAgent, 'reject' | 'ringing' | 'answer'>;
  readonly watch: Pick<CallWatch, 'startRinging'>;
  /** The call in progress. */
  current(): Call | undefined;
  /** Makes `call` the phone's call. */
  setCall(call: Call | undefined): void;
  /** Whether the phone is shutting down (call-shutdown.ts): no new call then. */
  closing(): boolean;
  /** Carries out the user agent's actions (ua-runner.ts). */
  run(actions: readonly UaAction[]): void;
  /** This phone's answer; `shape` turns the one-line description into the exchange's m= lines. */
  description(rtpPort: number, keying: MediaKeying, events?: number, direction?: Direction, shape?: (d: SessionDescription) => SessionDescription): string;
  /** What MIKEY needs to screen the offer now. */
  keying(): KeyingContext;
  /** Starts the call's media (calls.ts). */
  connect(callId: string, peer: string, rtp: UdpSocket, remote: MediaTarget, keyed: (Keyed & Pick<MediaKeys, 'send' | 'receive'>) | undefined, learned?: WireTable, certificate?: Uint8Array): void;
  /** Keeps an SDES call's a=crypto lines for its re-offers (call-update.ts). */
  keepSdes(suite: SrtpSuiteName, ours: CryptoAttribute, theirs: SdesSession['theirs']): void;
  /** Ends the call with `notice` on the idle screen. */
  end(notice: string): void;
  /** A datagram on the call's RTP socket. */
  onRtp(d: Datagram): void;
  /** What the phone shows changed. */
  onChange(): void;
}

/** The incoming call: ringing, the deferred MIKEY step, the answer, the ring timeout. */
export class CallAnswering {
  constructor(private readonly ctx: AnsweringContext) {}

  /** An INVITE for a new call: refused, or ringing with its offer decided. */
  onIncoming(callId: string, from: string, body: string): void {
    const c = this.ctx;
    const settings = c.store.settings;
    if (c.current()) return c.run(c.ua.reject(callId, 486));
    if (c.closing()) return c.run(c.ua.reject(callId, RING_TIMEOUT_STATUS));
    const offer = decideLines(
      { settings, hal: c.hal, keying: () => c.keying(), description: (rtpPort, keying) => c.description(rtpPort, keying) },
      callId,
      from,
      body,
    );
    if ('refused' in offer) return c.run(c.ua.reject(callId, offer.refused, offer.body, offer.warning));
    const rtp = c.hal.network.bindUdp(0, (d) => c.onRtp(d));
    const call: Incoming = { kind: 'incoming', callId, peer: from, rtp, ...offer };
    c.setCall(call);
    c.run(c.ua.ringing(callId));
    c.watch.startRinging(settings.ringTimeoutS, () => this.ringOut(callId));
    if (offer.screened && settings.deferHeavyCrypto === 'at-ring') this.complete(call);
    c.onChange();
  }

  /** OK or Call during a call: answers a ringing incoming call. */
  answer(): void {
    const c = this.ctx;
    const call = c.current();
    if (call?.kind !== 'incoming') return;
    if (call.screened && !this.complete(call)) return;
    const keying: MediaKeying = call.response ? { kind: 'mikey', message: call.response } : call.sdes ? { kind: 'sdes', lines: [call.sdes.answer] } : { kind: 'none' };
    // Telephone-events only if offered, on the offer's payload type (RFC 3264 §6.1).
    const lines = call.lines;
    const answer = c.description(call.rtp.port, keying, call.remote.telephoneEvent, undefined, lines && ((d) => withLines(d, lines)));
    // The media first: if it cannot start, the call is refused (500, abort) rather than answered.
    if (call.sdes && call.keyed) {
      c.connect(call.callId, call.peer, call.rtp, call.remote, { ...call.keyed, send: sdesKey(call.sdes.answer), receive: call.sdes.theirs });
      c.keepSdes(call.keyed.suite, call.sdes.answer, call.sdes.theirs);
    } else {
      // The callee sends on the second crypto session and receives on the first.
      c.connect(call.callId, call.peer, call.rtp, call.remote, call.keys && call.keyed && { ...call.keyed, send: call.keys[1], receive: call.keys[0] }, call.learned, call.certificate);
    }
    c.run(c.ua.answer(call.callId, answer));
  }

  /** The deferred expensive MIKEY step; false (and the call refused) when it fails. */
  private complete(call: Incoming): boolean {
    const c = this.ctx;
    if (call.keys || !call.screened) return true;
    const done = call.screened.complete(undefined, call.answerExtensions);
    if (!done.ok) {
      c.run(c.ua.reject(call.callId, 488));
      c.hal.log(`call ${call.callId} refused: ${done.reason}`);
      c.end('Security refused');
      return false;
    }
    call.keys = done.keys;
    call.response = done.response;
    return true;
  }

  /** The ring timeout: nobody answered the incoming call (call-watch.ts). */
  private ringOut(callId: string): void {
    const c = this.ctx;
    const call = c.current();
    if (call?.kind !== 'incoming' || call.callId !== callId) return;
    c.hal.log(`call ${callId}: not answered in ${c.store.settings.ringTimeoutS} s; refused with ${RING_TIMEOUT_STATUS}`);
    c.run(c.ua.reject(callId, RING_TIMEOUT_STATUS));
    c.end('Missed call');
  }
}
