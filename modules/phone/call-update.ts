// Mid-call re-INVITEs of a connected call (RFC 3261 §14): hold and resume (RFC 3264 §8.4, pure
// logic in call-hold.ts), re-key with a new MIKEY exchange of the call's key agreement (RFC 3830
// §4.5, RFC 4567 §3.1), and the a=crypto lines SDES calls repeat in every re-offer and answer
// (RFC 4568 §7.1.4, pure logic in sdes-reoffer.ts). Ours and the peer's, with the 491 glare
// back-off. What it needs from the phone's call handling (calls.ts) is the CallUpdateContext.
import type { Hal } from '../../hal/contracts.js';
import type { Refused, Screened } from '../mikey/pk-exchange.js';
import type { SrtpKeys } from '../mikey/pk-keys.js';
import type { SrtpSuiteName } from '../negotiation/capabilities.js';
import { CRYPTO, parseCryptoAttribute, type CryptoAttribute } from '../sdp/crypto-attr.js';
import type { Direction } from '../sdp/direction.js';
import { MIKEY_PROTOCOL_ID } from '../sdp/key-mgmt.js';
import { activeAudio, layoutOf } from '../sdp/media-lines.js';
import type { MediaKeying } from '../sdp/offer-answer.js';
import { effectiveAttributes, parseSdp, type SessionDescription } from '../sdp/session-description.js';
import type { UaAction, UserAgent } from '../sip/user-agent.js';
import { afterAnswer, answerHold, heldScreen, holdOffer, sending, type HoldState } from './call-hold.js';
import { sdpIds, strippedProtocols } from './call-negotiation.js';
import { keyMgmtProtocols, mikeyIn, peerStream, type PeerStream } from './call-sdp.js';
import type { Call, Connected, Update } from './call-state.js';
import type { KeyLog } from './key-log.js';
import { makeOffer, screenOffer, type CallOffer, type KeyingContext } from './keying.js';
import { answerSdesReoffer, takeSdesAnswer, type SdesSession, type SdesUpdate } from './sdes-reoffer.js';

/** How long the call screen says "Re-keyed" after our re-key went through. */
export const REKEYED_NOTICE_MS = 3000;

/**
 * The keying of an offer or answer that keeps the call's keys: no key-mgmt line on a MIKEY call,
 * our a=crypto line again on an SDES call (RFC 4568 §7.1.4), nothing on a plain one.
 */
function keptKeying(call: Connected): MediaKeying {
  return call.sdes ? { kind: 'sdes', lines: [call.sdes.ours] } : call.keyed ? { kind: 'established' } : { kind: 'none' };
}

/** What the re-INVITE handling needs from the phone's call handling (calls.ts). */
export interface CallUpdateContext {
  readonly hal: Pick<Hal, 'log' | 'random' | 'timers'>;
  readonly ua: Pick<UserAgent, 'reinvite' | 'acceptReinvite' | 'rejectReinvite' | 'hangup'>;
  /** The call in progress: a 491 retry goes ahead only while it is still the same call. */
  current(): Call | undefined;
  /** Carries out the user agent's actions (datagrams, timers, events). */
  run(actions: readonly UaAction[]): void;
  /** This phone's offer or answer; `events` is the telephone-event payload type. */
  description(rtpPort: number, keying: MediaKeying, events: number | undefined, direction: Direction): string;
  /** What MIKEY needs to offer or screen an exchange with the peer now. */
  keying(): KeyingContext;
  /** Ends the call with `notice` on the idle screen. */
  end(notice: string): void;
  /** What the phone shows changed. */
  onChange(): void;
  readonly logKeys: KeyLog;
}

/** The re-INVITEs of the connected call: ours (hold, resume, re-key) and the peer's. */
export class CallUpdates {
  constructor(private readonly ctx: CallUpdateContext) {}

  /**
   * Whether this phone may send an offer now: not while its own re-INVITE or 491 retry is pending,
   * nor while its offer in a 200 waits for the answer in the ACK (RFC 3264 §4, one offer at a time).
   */
  private mayOffer(call: Connected): boolean {
    return !call.update && call.retry === undefined && !call.answerInAck;
  }

  /** Down during a connected call: puts it on hold, or resumes it (RFC 3264 §8.4). */
  toggleHold(call: Connected): void {
    if (!this.mayOffer(call)) return;
    this.sendUpdate(call, call.hold.local ? { kind: 'resume' } : { kind: 'hold' });
  }

  /**
   * Up during a MIKEY-keyed call: a re-INVITE with a new MIKEY exchange of the same key agreement
   * (RFC 3830 §4.5, RFC 4567 §3.1); the suite stays the one negotiated.
   */
  rekey(call: Connected): void {
    if (!this.mayOffer(call) || !call.keyed || call.keyed.method === 'SDES') return;
    let offer: CallOffer;
    try {
      offer = makeOffer(call.keyed.method, this.ctx.keying(), call.peer, 0, [sdpIds([MIKEY_PROTOCOL_ID])]);
    } catch (e) {
      this.ctx.hal.log(`call ${call.callId}: no re-key: ${(e as Error).message}`);
      return;
    }
    this.sendUpdate(call, { kind: 'rekey', offer });
  }

  /** The call screen says "Re-keyed" for REKEYED_NOTICE_MS after our re-key went through. */
  private showRekeyed(call: Connected): void {
    const { timers } = this.ctx.hal;
    if (call.rekeyed !== undefined) timers.clear(call.rekeyed);
    call.rekeyed = timers.set(REKEYED_NOTICE_MS, () => {
      call.rekeyed = undefined;
      if (this.ctx.current() === call) this.ctx.onChange();
    });
    this.ctx.onChange();
  }

  /** Sends our re-INVITE: a hold or resume keeps the keys in force, a re-key offers new ones. */
  private sendUpdate(call: Connected, update: Update): void {
    const local = update.kind === 'rekey' ? call.hold.local : update.kind === 'hold';
    const keying: MediaKeying = update.kind === 'rekey' ? { kind: 'mikey', message: update.offer.message } : keptKeying(call);
    const actions = this.ctx.ua.reinvite(call.callId, this.ctx.description(call.rtpPort, keying, call.events, holdOffer(call.hold, local)));
    if (actions.length === 0) return;
    call.update = update;
    this.ctx.hal.log(`call ${call.callId}: re-INVITE to ${update.kind}`);
    this.ctx.run(actions);
  }

  /** The 2xx to our re-INVITE (already acknowledged by the UA). */
  onUpdateAnswered(call: Connected, body: string): void {
    const update = call.update;
    call.update = undefined;
    if (!update) return;
    try {
      const sdp = parseSdp(body);
      if (update.kind === 'rekey') {
        const response = mikeyIn(sdp);
        if (!response) throw new RangeError('the answer has no MIKEY response');
        // finish() authenticates the R_MESSAGE; the initiator sends on the first crypto session.
        const k = update.offer.finish(response);
        call.media.rekey({ send: k[0], receive: k[1] });
        this.ctx.hal.log(`call ${call.callId}: re-keyed (${update.offer.keyAgreement})`);
        this.ctx.logKeys(call.callId, call.keyed!.suite, { send: k[0], receive: k[1] }, call.media.streams());
        this.showRekeyed(call);
      }
      this.takeAnswer(call, sdp, update.kind === 'rekey' ? call.hold.local : update.kind === 'hold', update.kind !== 'rekey');
    } catch (err) {
      // The peer already took the new session: with keys or media we cannot follow, the call ends.
      this.ctx.hal.log(`call ${call.callId}: ${update.kind} answer unusable: ${(err as Error).message}`);
      this.ctx.run(this.ctx.ua.hangup(call.callId));
      this.ctx.end(update.kind === 'rekey' ? 'Security failed' : 'Call failed');
    }
  }

  /**
   * The peer's answer to our offer, in a 2xx or in an ACK: its stream keeps the call's protection,
   * may move (RFC 3264 §8.3.1) and sets the hold state; an SDES answer repeats a=crypto. Throws
   * what it cannot take; the caller ends the call, since the peer already took the new session.
   */
  private takeAnswer(call: Connected, sdp: SessionDescription, local: boolean, sdesLines: boolean): void {
    const stream = peerStream(sdp);
    if ((call.keyed !== undefined) !== (stream.protocol === 'RTP/SAVP')) throw new RangeError(`the answer's ${stream.protocol} changes the call's protection`);
    if (call.sdes && sdesLines) {
      const audio = activeAudio(sdp)!;
      this.takeSdes(call, takeSdesAnswer(call.sdes, effectiveAttributes(sdp, audio, CRYPTO).map(parseCryptoAttribute)));
    }
    this.retarget(call, stream);
    this.setHold(call, afterAnswer(local, stream.direction));
  }

  /** Our re-INVITE was refused: the call goes on as it was (RFC 3261 §14.1), or glare (491). */
  onUpdateFailed(call: Connected, status: number): void {
    const update = call.update;
    call.update = undefined;
    if (!update) return;
    if (status === 491) {
      // RFC 3261 §14.1: wait 2.1-4 s if this phone owns the Call-ID, 0-2 s otherwise, then retry.
      const r = this.ctx.hal.random.bytes(1)[0] / 256;
      const delayMs = Math.floor(call.placed ? 2100 + 1900 * r : 2000 * r);
      this.ctx.hal.log(`call ${call.callId}: ${update.kind} crossed the peer's re-INVITE (491); again in ${delayMs} ms`);
      call.retry = this.ctx.hal.timers.set(delayMs, () => {
        call.retry = undefined;
        if (this.ctx.current() !== call) return;
        if (update.kind === 'rekey') this.rekey(call);
        else if ((update.kind === 'hold') !== call.hold.local && this.mayOffer(call)) this.sendUpdate(call, update);
      });
      return;
    }
    this.ctx.hal.log(`call ${call.callId}: ${update.kind} refused with ${status}; the call goes on unchanged`);
    this.ctx.onChange();
  }

  /**
   * The peer's re-INVITE: hold, resume, re-key or a moved stream; what cannot be taken gets 488 and
   * changes nothing. Without an offer, our 2xx makes one and the ACK answers it (RFC 3261 §14.2).
   */
  onReinvite(call: Connected, body: string): void {
    const refuse = (why: string): void => {
      this.ctx.hal.log(`call ${call.callId}: re-INVITE refused: ${why}`);
      this.ctx.run(this.ctx.ua.rejectReinvite(call.callId, 488));
    };
    if (body.trim() === '') return this.offerInAnswer(call);
    let sdp: SessionDescription;
    let stream: PeerStream;
    let mikey: Uint8Array | undefined;
    try {
      sdp = parseSdp(body);
      stream = peerStream(sdp);
      // Plain RTP mid-call would drop SRTP; SRTP on a plain call has no keys (no downgrade, no surprise).
      if ((call.keyed !== undefined) !== (stream.protocol === 'RTP/SAVP')) return refuse(`${stream.protocol} would change the call's protection`);
      mikey = mikeyIn(sdp);
    } catch (e) {
      return refuse((e as Error).message);
    }
    let sdes: (SdesUpdate & { readonly answer: CryptoAttribute }) | undefined;
    if (call.sdes) {
      if (mikey) return refuse('a MIKEY offer on an SDES call');
      try {
        sdes = answerSdesReoffer(call.sdes, effectiveAttributes(sdp, activeAudio(sdp)!, CRYPTO).map(parseCryptoAttribute));
      } catch (e) {
        return refuse((e as Error).message);
      }
    }
    let rekeyed: { keys: readonly SrtpKeys[]; response: Uint8Array | undefined } | undefined;
    if (mikey) {
      let done: ReturnType<CallUpdates['screenRekey']>;
      try {
        done = this.screenRekey(call, mikey, sdp);
      } catch (e) {
        // Whatever the peer's bytes make the MIKEY code throw, the answer is 488 and the call goes on.
        return refuse((e as Error).message);
      }
      if (typeof done === 'string') return refuse(done);
      rekeyed = done;
    }
    const { direction, state } = answerHold(call.hold, stream.direction);
    const keying: MediaKeying = rekeyed?.response
      ? { kind: 'mikey', message: rekeyed.response }
      : sdes ? { kind: 'sdes', lines: [sdes.answer] } : keptKeying(call);
    // The answer has the re-offer's m= lines, ours on its enabled audio line, the others at port 0 (RFC 3264 §6, §8).
    if (sdp.media.length > 1 || call.lines) call.lines = layoutOf(sdp, sdp.media.indexOf(activeAudio(sdp)!));
    const actions = this.ctx.ua.acceptReinvite(call.callId, this.ctx.description(call.rtpPort, keying, call.events, direction));
    // Retargeted first, so that the key log names the stream where it now flows.
    this.retarget(call, stream);
    if (rekeyed) {
      // The offerer sends on the first crypto session: take it now; ours is used from the ACK on.
      call.media.rekey({ receive: rekeyed.keys[0] });
      call.nextSend = rekeyed.keys[1];
      this.ctx.hal.log(`call ${call.callId}: re-keyed by the peer (${call.keyed!.method})`);
      this.ctx.logKeys(call.callId, call.keyed!.suite, { receive: rekeyed.keys[0] }, call.media.streams());
    }
    if (sdes) this.takeSdes(call, sdes);
    this.setHold(call, state);
    this.ctx.run(actions);
  }

  /** The peer's re-INVITE without an offer: our 2xx offers the session as it stands (RFC 3261 §14.2). */
  private offerInAnswer(call: Connected): void {
    const actions = this.ctx.ua.acceptReinvite(call.callId, this.ctx.description(call.rtpPort, keptKeying(call), call.events, holdOffer(call.hold, call.hold.local)));
    if (actions.length === 0) return;
    call.answerInAck = true;
    this.ctx.hal.log(`call ${call.callId}: re-INVITE without an offer; offering in the 200`);
    this.ctx.run(actions);
  }

  /** A peer's stream that moved: the audio goes to its new address from now on (RFC 3264 §8.3.1). */
  private retarget(call: Connected, stream: PeerStream): void {
    if (stream.target && call.media.retarget(stream.target)) this.ctx.hal.log(`call ${call.callId}: media now to ${stream.target.address}:${stream.target.port}`);
  }

  /** Remembers an SDES call's lines once it connects (see sdes-reoffer.ts). */
  keepSdes(suite: SrtpSuiteName, ours: CryptoAttribute, theirs: SdesSession['theirs']): void {
    const call = this.ctx.current();
    if (call?.kind === 'connected') call.sdes = { suite, ours, theirs };
  }

  /** The SDES lines of a re-offer or answer: a key the peer changed replaces the receive key. */
  private takeSdes(call: Connected, update: SdesUpdate): void {
    call.sdes = update.session;
    if (!update.newReceive) return;
    call.media.rekey({ receive: update.newReceive });
    this.ctx.hal.log(`call ${call.callId}: the peer changed its SDES key`);
    this.ctx.logKeys(call.callId, call.sdes.suite, { receive: update.newReceive }, call.media.streams());
  }

  /** Screens and completes a re-key offer: the call's key agreement again, authenticated as the first. */
  private screenRekey(call: Connected, mikey: Uint8Array, sdp: SessionDescription): string | { keys: readonly SrtpKeys[]; response: Uint8Array | undefined } {
    const method = call.keyed!.method;
    const s = screenOffer(mikey, this.ctx.keying(), call.peer);
    if ('unsupported' in s) return s.unsupported;
    if (!s.result.ok) return (s.result as Refused).reason;
    if (s.keyAgreement !== method) return `a re-key with ${s.keyAgreement} on a ${method} call`;
    const screened = s.result as Screened;
    const stripped = strippedProtocols(screened.extensions, keyMgmtProtocols(sdp));
    if (stripped.length > 0) return `key-mgmt for ${stripped.join(', ')} was stripped from the offer`;
    const done = screened.complete(undefined, []);
    return done.ok ? { keys: done.keys, response: done.response } : done.reason;
  }

  private setHold(call: Connected, state: HoldState): void {
    const changed = state.local !== call.hold.local || state.remote !== call.hold.remote;
    call.hold = state;
    call.media.setSending(sending(state));
    if (changed) {
      const s = call.media.stats();
      this.ctx.hal.log(`call ${call.callId} ${heldScreen(state)}: sent ${s.sent}, received ${s.received}, dropped ${s.dropped}`);
      this.ctx.onChange();
    }
  }

  /**
   * The ACK to our 2xx for the peer's re-INVITE. After a re-key the peer has our answer, so our new
   * send key goes in force; after an offer of ours in the 2xx, the ACK must carry the answer, and
   * one missing or unusable ends the call with BYE (RFC 3261 §13.3.1.4, §14.2).
   */
  onReinviteConfirmed(call: Connected, body: string): void {
    if (call.answerInAck) {
      call.answerInAck = undefined;
      try {
        if (body.trim() === '') throw new RangeError('the ACK has no answer');
        this.takeAnswer(call, parseSdp(body), call.hold.local, true);
      } catch (err) {
        this.ctx.hal.log(`call ${call.callId}: answer in the ACK unusable: ${(err as Error).message}`);
        this.ctx.run(this.ctx.ua.hangup(call.callId));
        this.ctx.end('Call failed');
      }
      return;
    }
    if (!call.nextSend) return;
    call.media.rekey({ send: call.nextSend });
    this.ctx.logKeys(call.callId, call.keyed!.suite, { send: call.nextSend }, call.media.streams());
    call.nextSend = undefined;
  }
}
