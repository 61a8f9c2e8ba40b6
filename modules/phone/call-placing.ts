// Placing a call (the UAC side of an INVITE, RFC 3261 §13.2): the offer plan, the answer, and
// what follows a 488 (RFC 3261 §21.4.26). The caller offers MIKEY with the key agreement its
// priority table gives for this peer (modules/negotiation/offer-plan.ts) on RTP/SAVP (RFC 4567
// §3.1), SDES a=crypto lines (RFC 4568) or plain RTP lower on the ladder (modules/negotiation/
// ladder.ts), with the plain line in the same offer when the settings say so (seed Fig. 6). A 488
// carrying the callee's table is re-offered once with the key agreement both tables give (seed
// §2.1.3); another 488 steps down the ladder, never below the SRTP mode nor below a pinned peer.
import type { Datagram, Hal, UdpSocket } from '../../hal/contracts.js';
import type { GeneralExtension } from '../mikey/pk-exchange.js';
import { decodeMessage } from '../mikey/pk-wire.js';
import { confirmAnswer } from '../negotiation/agreement.js';
import type { KeyAgreement, SrtpSuiteName } from '../negotiation/capabilities.js';
import { nextRung, offerRungs, type Rung } from '../negotiation/ladder.js';
import { firstOfferKeyAgreement, reofferKeyAgreement } from '../negotiation/offer-plan.js';
import type { WireTable } from '../negotiation/wire.js';
import { CRYPTO, parseCryptoAttribute, type CryptoAttribute } from '../sdp/crypto-attr.js';
import type { Direction } from '../sdp/direction.js';
import { MIKEY_PROTOCOL_ID } from '../sdp/key-mgmt.js';
import { isSecureProtocol, layoutOf, oneLine, takenLine, withPlainFallback, type LineLayout } from '../sdp/media-lines.js';
import { TELEPHONE_EVENT, type MediaKeying } from '../sdp/offer-answer.js';
import { effectiveAttributes, parseSdp, type SessionDescription } from '../sdp/session-description.js';
import type { SettingsStore } from '../settings/store.js';
import { hopTo, type TransportSetting } from '../sip/transport.js';
import type { HostPort, UaAction, UserAgent } from '../sip/user-agent.js';
import {
  CALL_POLICY, callableTable, findTable, sdpIds, SP_SUITE, tableExtension, tableFromRefusal,
} from './call-negotiation.js';
import { hostPort, mediaTarget, mikeyIn, type MediaTarget } from './call-sdp.js';
import type { Call, Keyed } from './call-state.js';
import { certificateOf, makeOffer, usableKeyAgreements, type KeyingContext } from './keying.js';
import type { MediaKeys } from './media.js';
import { sdesKey, sdesOffer } from './sdes-keying.js';
import type { SdesSession } from './sdes-reoffer.js';

type Outgoing = Extract<Call, { kind: 'outgoing' }>;

/** What placing a call needs from the phone's call handling (calls.ts). */
export interface PlacingContext {
  readonly hal: Pick<Hal, 'log' | 'random' | 'network'>;
  readonly store: SettingsStore;
  /** The account's transport and outbound proxy: where the INVITE goes (transport.ts hopTo). */
  readonly transport: TransportSetting;
  readonly outboundProxy: string;
  readonly ua: Pick<UserAgent, 'invite' | 'hangup'>;
  /** The call in progress. */
  current(): Call | undefined;
  /** Makes `call` the phone's call (undefined: none). */
  setCall(call: Call | undefined): void;
  /** Carries out the user agent's actions (ua-runner.ts). */
  run(actions: readonly UaAction[]): void;
  /** This phone's offer; `shape` turns the one-line description into the offer's m= lines. */
  description(rtpPort: number, keying: MediaKeying, events: number | undefined, direction: Direction | undefined, shape?: (d: SessionDescription) => SessionDescription): string;
  /** What MIKEY needs to offer an exchange with the peer now. */
  keying(): KeyingContext;
  /** Starts the call's media (calls.ts). */
  connect(callId: string, peer: string, rtp: UdpSocket, remote: MediaTarget, keyed: (Keyed & Pick<MediaKeys, 'send' | 'receive'>) | undefined, learned?: WireTable, certificate?: Uint8Array): void;
  /** Keeps an SDES call's a=crypto lines for its re-offers (call-update.ts). */
  keepSdes(suite: SrtpSuiteName, ours: CryptoAttribute, theirs: SdesSession['theirs']): void;
  /** Ends the call; `failure` is the SIP status of an outgoing call that failed (0: failed here). */
  end(notice: string, failure?: number): void;
  /** A datagram on the call's RTP socket. */
  onRtp(d: Datagram): void;
  /** What the phone shows changed. */
  onChange(): void;
}

/** The outgoing call: its offer, its answer, and the one re-offer or step down after a 488. */
export class CallPlacing {
  constructor(private readonly ctx: PlacingContext) {}

  /**
   * Places a call to `target` (a SIP URI). The offer carries this phone's table; `reofferWith` is
   * the key agreement a callee's 488 pointed to (the one extra round trip).
   */
  dial(target: string, reofferWith?: KeyAgreement, step?: Rung): void {
    const c = this.ctx;
    if (c.current()) return;
    const settings = c.store.settings;
    const ctx = c.keying();
    const own = callableTable(settings.priorities, usableKeyAgreements(ctx, target));
    const learned = settings.learnedPeers[target];
    const allowed = offerRungs(settings.srtpMode, this.sdesOffered(target));
    const ka = allowed[0] === 'mikey-priority' && (step === undefined || step === 'mikey-priority')
      ? reofferWith ?? firstOfferKeyAgreement(own, learned && callableTable(learned.table), () => true, CALL_POLICY)
      : undefined;
    // Without a usable MIKEY key agreement the ladder starts lower (SDES, or plain RTP if allowed).
    const rung: Rung | undefined = ka ? 'mikey-priority' : step && step !== 'mikey-priority' ? step : allowed.find((r) => r === 'sdes' || r === 'none');
    if (!rung) {
      c.end('No usable security', 0);
      return;
    }
    const rtp = c.hal.network.bindUdp(0, (d) => c.onRtp(d));
    const offer = ka
      ? makeOffer(ka, ctx, target, 0, [tableExtension({ role: 'offerer', policy: CALL_POLICY, table: own }), sdpIds([MIKEY_PROTOCOL_ID])])
      : undefined;
    const sdes = rung === 'sdes' ? sdesOffer(settings.priorities, c.hal.random) : [];
    const keying: MediaKeying = offer ? { kind: 'mikey', message: offer.message } : rung === 'sdes' ? { kind: 'sdes', lines: sdes } : { kind: 'none' };
    // The plain rung in the same offer (seed Fig. 6), when the mode allows it and the peer is not pinned.
    let lines: LineLayout | undefined;
    const fallback = settings.fallbackInOneOffer && rung !== 'none' && allowed.includes('none') && !learned;
    const withFallback = (d: SessionDescription) => {
      const both = withPlainFallback(d);
      lines = layoutOf(both, 0);
      return both;
    };
    const { callId, actions } = c.ua.invite(target, c.description(rtp.port, keying, TELEPHONE_EVENT, undefined, fallback ? withFallback : undefined));
    c.setCall({ kind: 'outgoing', callId, peer: target, rtp, rung, offer, sdes, ringing: false, reoffered: reofferWith !== undefined, ...(lines ? { lines } : {}) });
    c.run(actions);
    c.onChange();
  }

  /** The 200 to our INVITE: the call connects keyed as the answer says, or ends if it cannot. */
  onAnswered(call: Outgoing, body: string): void {
    const c = this.ctx;
    try {
      let sdp = parseSdp(body);
      if (call.lines) {
        // Our offer had the plain line too: the answer takes one line (media-lines.ts).
        const { index, line } = takenLine(sdp, call.lines);
        call.lines = { ...call.lines, taken: index };
        sdp = oneLine(sdp, line);
        if (!isSecureProtocol(call.lines.lines[index].protocol)) {
          c.hal.log(`call ${call.callId}: the answer takes the plain ${call.lines.lines[index].protocol} line of the offer`);
          return c.connect(call.callId, call.peer, call.rtp, mediaTarget(sdp), undefined);
        }
      }
      const remote = mediaTarget(sdp);
      const response = mikeyIn(sdp);
      if (call.rung === 'sdes') return this.connectSdes(call, sdp, remote);
      if (!call.offer) return c.connect(call.callId, call.peer, call.rtp, remote, undefined);
      if (!response) {
        // Some SDES phones (baresip with SRTP mandatory) answer a MIKEY offer with their own
        // a=crypto, which was not offered (RFC 4568 §7.1.2): end it and offer the next rung.
        c.hal.log(`call ${call.callId}: the answer carries no MIKEY response; ending it`);
        c.run(c.ua.hangup(call.callId));
        // Its answer took the keyed line: a plain line the offer carried was not refused.
        if (this.stepDown(call, 488, false)) return;
        throw new Error('the answer has no MIKEY response');
      }
      // finish() authenticates the whole R_MESSAGE, so its table can be trusted from here on.
      const k = call.offer.finish(response);
      const replyExtensions = decodeMessage(response).payloads.filter((p): p is GeneralExtension => p.type === 'GENEXT');
      const answer = findTable(replyExtensions);
      let keyed: Keyed = { method: call.offer.keyAgreement, suite: SP_SUITE, protection: 'mikey' };
      if (answer) {
        const own = callableTable(c.store.settings.priorities, usableKeyAgreements(c.keying(), call.peer));
        const selection = confirmAnswer({ table: own, policy: CALL_POLICY }, { ...answer, table: callableTable(answer.table) }, 0);
        if (selection.keyAgreement?.name !== call.offer.keyAgreement || !selection.suite) throw new Error('the negotiated key agreement is not the one keyed');
        keyed = { method: call.offer.keyAgreement, suite: selection.suite.name, protection: 'mikey-priority' };
      }
      c.connect(call.callId, call.peer, call.rtp, remote, { ...keyed, send: k[0], receive: k[1] }, answer, certificateOf(response));
    } catch (err) {
      c.hal.log(`call ${call.callId}: ${(err as Error).message}`);
      c.run(c.ua.hangup(call.callId));
      c.end('Security failed', 0);
    }
  }

  /** A 488 to our INVITE: whether the call goes on, re-offered or a rung lower (body: its SDP). */
  onRefused(call: Outgoing, status: number, body: string): boolean {
    return this.reoffer(call, body) || this.stepDown(call, status);
  }

  /**
   * After a refused offer: the next rung of the ladder (RFC 3261 §21.4.26), never below what the
   * SRTP mode allows. Plain MIKEY is skipped: the same offer already reached a MIKEY phone as one.
   * A refused offer that carried the plain line (`refusedPlain`) is not followed by a plain offer.
   */
  private stepDown(call: Outgoing, status: number, refusedPlain = call.lines !== undefined): boolean {
    const c = this.ctx;
    if (c.store.settings.learnedPeers[call.peer]) {
      // Pinning: this peer proved it speaks priority MIKEY; being pushed below it is a downgrade.
      c.hal.log(`call ${call.callId}: ${call.peer} is known to speak MIKEY; not stepping down`);
      return false;
    }
    const next = nextRung(c.store.settings.srtpMode, call.rung === 'mikey-priority' ? 'mikey' : call.rung, status, false, this.sdesOffered(call.peer));
    if (!next) return false;
    if (next === 'none' && refusedPlain) {
      c.hal.log(`call ${call.callId}: refused with ${status}; plain RTP was in that offer already`);
      return false;
    }
    c.hal.log(`call ${call.callId}: refused with ${status}; offering ${next}`);
    call.rtp.close();
    c.setCall(undefined);
    this.dial(call.peer, undefined, next);
    return true;
  }

  /** The answer to an SDES offer: the line it took, with the peer's key; ours was in the offer. */
  private connectSdes(call: Outgoing, sdp: SessionDescription, remote: HostPort): void {
    const audio = sdp.media.find((m) => m.media === 'audio')!;
    const lines = effectiveAttributes(sdp, audio, CRYPTO).map(parseCryptoAttribute);
    if (lines.length !== 1) throw new Error('an SDES answer has exactly one a=crypto line');
    const ours = call.sdes.find((l) => l.tag === lines[0].tag && l.suite === lines[0].suite);
    if (!ours) throw new Error('the SDES answer names no offered line');
    const theirs = sdesKey(lines[0]);
    this.ctx.connect(call.callId, call.peer, call.rtp, remote, { method: 'SDES', suite: theirs.suite, protection: 'sdes', send: sdesKey(ours), receive: theirs });
    this.ctx.keepSdes(theirs.suite, ours, theirs);
  }

  /**
   * Whether a call to `target` may offer SDES: its keys travel in the SDP, readable on every hop
   * unless the INVITE goes over TLS (RFC 4568 §8.3): a sips: target, a ;transport=tls one, or the
   * account's transport TLS (transport.ts hopTo). Desk phones offer it without TLS only when told
   * to (settings.sdesOverNonTls).
   */
  private sdesOffered(target: string): boolean {
    const proxy = hostPort(this.ctx.outboundProxy);
    return this.ctx.store.settings.sdesOverNonTls || hopTo(target, this.ctx.transport, proxy).transport === 'tls';
  }

  /** After a 488 carrying the callee's table: re-offer once with the key agreement the tables give. */
  private reoffer(call: Outgoing, body: string): boolean {
    const c = this.ctx;
    if (call.reoffered || !call.offer || !body) return false;
    let theirs: WireTable | undefined;
    try {
      const mikey = mikeyIn(parseSdp(body));
      theirs = mikey && tableFromRefusal(mikey);
    } catch {
      return false;
    }
    if (!theirs) return false;
    const own = callableTable(c.store.settings.priorities, usableKeyAgreements(c.keying(), call.peer));
    // The offer's policy, which the callee applied and confirmAnswer checks (the model found the
    // default, priority, here: under another policy the re-offer would miss the callee's choice).
    const next = reofferKeyAgreement(own, callableTable(theirs.table), call.offer.keyAgreement, () => true, CALL_POLICY);
    if (!next) return false;
    c.hal.log(`call ${call.callId}: the callee's table points to ${next}; offering again`);
    call.rtp.close();
    c.setCall(undefined);
    this.dial(call.peer, next);
    return true;
  }
}
