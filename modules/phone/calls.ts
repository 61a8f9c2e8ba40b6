// Calls: joins the SIP user agent, the negotiation, MIKEY, SRTP and the audio path for one call
// at a time. The caller offers MIKEY with the key agreement its priority table gives for this
// peer (modules/negotiation/offer-plan.ts) on RTP/SAVP, or plain RTP when its SRTP mode is Off.
// The callee screens the offer cheaply when it rings and does the expensive step at ring or at
// pick-up, as its settings say (seed §2.1.3). The callee's decision on an offer is in
// call-incoming.ts, mid-call re-INVITEs in call-update.ts, what a call leaves in the settings in
// call-record.ts.
import type { Datagram, Hal, UdpSocket } from '../../hal/contracts.js';
import type { PkCredentials } from '../mikey/pk-auth.js';
import type { GeneralExtension } from '../mikey/pk-exchange.js';
import { decodeMessage } from '../mikey/pk-wire.js';
import { ReplayCache } from '../mikey/replay-cache.js';
import { confirmAnswer } from '../negotiation/agreement.js';
import type { KeyAgreement } from '../negotiation/capabilities.js';
import { nextRung, offerRungs, type Rung } from '../negotiation/ladder.js';
import { firstOfferKeyAgreement, reofferKeyAgreement } from '../negotiation/offer-plan.js';
import type { WireTable } from '../negotiation/wire.js';
import { CRYPTO, parseCryptoAttribute } from '../sdp/crypto-attr.js';
import { MIKEY_PROTOCOL_ID } from '../sdp/key-mgmt.js';
import type { Direction } from '../sdp/direction.js';
import { audioDescription, PCMA, PCMU, TELEPHONE_EVENT, type MediaKeying } from '../sdp/offer-answer.js';
import { isSecureProtocol, layoutOf, oneLine, takenLine, withLines, withPlainFallback, type LineLayout } from '../sdp/media-lines.js';
import { effectiveAttributes, parseSdp, serializeSdp, type SessionDescription } from '../sdp/session-description.js';
import type { SettingsStore } from '../settings/store.js';
import type { HostPort, UaAction, UaEvent } from '../sip/user-agent.js';
import { UserAgent } from '../sip/user-agent.js';
import { hopTo, type SipSource, type TransportSetting } from '../sip/transport.js';
import { fromBase64, fromHex } from '../util/bytes.js';
import {
  CALL_POLICY, callableTable, findTable, sdpIds, SP_SUITE, tableExtension, tableFromRefusal,
} from './call-negotiation.js';
import type { Call, Keyed } from './call-state.js';
import { recordCall } from './call-record.js';
import { CallUpdates } from './call-update.js';
import { decideLines } from './call-lines.js';
import { hostPort, mediaTarget, mikeyIn, type MediaTarget } from './call-sdp.js';
import type { SipSend } from './sip-connections.js';
import { certificateOf, makeOffer, usableKeyAgreements, type KeyingContext } from './keying.js';
import { keyLog, type KeyLog } from './key-log.js';
import { sdesKey, sdesOffer } from './sdes-keying.js';
import { MediaSession, type MediaKeys } from './media.js';
import { CallDtmf, DTMF_KEYS } from './call-dtmf.js';
import { messageOf } from './event-guard.js';
import type { DtmfDigit } from '../../audio/dtmf.js';
import { NOT_HELD, sending } from './call-hold.js';
import { callScreen, failureNotice, securityLabel } from './screens.js';
import { CallWatch, RING_TIMEOUT_STATUS } from './call-watch.js';

/** How long accepted I_MESSAGEs are remembered: the timestamp window (RFC 3830 §5.4). */
const REPLAY_WINDOW_MS = 3600_000;

export interface CallsConfig {
  readonly hal: Hal;
  readonly store: SettingsStore;
  /** The phone's public-key credentials now (the menu may install new ones). */
  readonly credentials: () => PkCredentials | undefined;
  readonly user: string;
  /** The domain of this phone's address of record (sip:user@domain). */
  readonly domain: string;
  /** host:port of the registrar; empty: no registration. */
  readonly registrar: string;
  /** The digest password for registrar and proxy challenges. */
  readonly password: string;
  /** SIP's ports: UDP and TCP share `port` (RFC 3261 §18), TLS has its own (§26.2). */
  readonly sip: { readonly port: number; readonly tlsPort: number };
  /** The account's transport (settings, else the identity's): 'auto' is UDP, TCP when large. */
  readonly transport: TransportSetting;
  /** Sends one user-agent 'send' action: UDP on the SIP socket, TCP and TLS on connections (sip-connections.ts). */
  readonly send: (message: SipSend) => void;
  /** host:port of an outbound proxy (every call goes there); empty for none. */
  readonly outboundProxy: string;
  /** Called whenever what the phone should show changes. */
  readonly onChange: () => void;
  /** Log SRTP master keys (development only; see PhoneIdentity.keyLog). */
  readonly keyLog?: boolean;
}

export class Calls {
  private readonly ua: UserAgent;
  private call: Call | undefined;
  private readonly timers = new Map<string, number>();
  private readonly replay: ReplayCache;
  private readonly logKeys: KeyLog;
  private readonly updates: CallUpdates;
  /** The ring timeout and the media watchdog (call-watch.ts). */
  private readonly watch: CallWatch;
  /** Set by shutdown(): what the phone still waits for before it may stop. */
  private closing: { call: boolean; registration: boolean; readonly done: () => void } | undefined;
  private sessionVersion = 1;
  /** One line about the last call that ended or failed, shown on the idle screen. */
  notice: string | undefined;
  /** Registration state, when the phone has a registrar. */
  registration: string | undefined;
  /** The SIP status of the last outgoing call that failed (0: failed here), until takeFailure(). */
  private failure: number | undefined;

  constructor(private readonly c: CallsConfig) {
    const { hal } = c;
    this.replay = new ReplayCache(REPLAY_WINDOW_MS);
    this.watch = new CallWatch(hal);
    this.logKeys = keyLog((line) => hal.log(line), c.keyLog === true);
    const proxy = hostPort(c.outboundProxy);
    const registrar = hostPort(c.registrar);
    this.ua = new UserAgent({
      account: { user: c.user, domain: c.domain, password: c.password },
      local: { address: hal.network.localAddress, port: c.sip.port, tlsPort: c.sip.tlsPort },
      transport: c.transport,
      ...(proxy ? { outboundProxy: proxy } : {}),
      ...(registrar ? { registrar } : {}),
      random: hal.random,
    });
    this.updates = new CallUpdates({
      hal,
      ua: this.ua,
      current: () => this.call,
      run: (actions) => this.run(actions),
      description: (rtpPort, keying, events, direction) => this.description(rtpPort, keying, events, direction, this.callLines()),
      keying: () => this.keying(),
      end: (notice) => this.end(notice),
      onChange: () => c.onChange(),
      logKeys: this.logKeys,
    });
    if (registrar) this.run(this.ua.register());
  }

  get active(): boolean {
    return this.call !== undefined;
  }

  /** Live protocol state, for leak checks: all zero once calls are over and their timers have run out. */
  stats(): { call: number; timers: number; uaCalls: number; transactions: number; uaTimers: number } {
    const ua = this.ua.stats();
    return { call: this.call ? 1 : 0, timers: this.timers.size + this.watch.running, uaCalls: ua.calls, transactions: ua.clientTransactions + ua.serverTransactions, uaTimers: ua.timers };
  }

  /** Whether the callee is ringing (180) for the call this phone is placing: ringback plays. */
  get ringback(): boolean {
    return this.call?.kind === 'outgoing' && this.call.ringing;
  }

  /** Whether a call is coming in and not yet answered: the ringer sounds. */
  get incoming(): boolean {
    return this.call?.kind === 'incoming';
  }

  /** How the last outgoing call failed (its SIP status, 0 for a local failure), reported once. */
  takeFailure(): number | undefined {
    const f = this.failure;
    this.failure = undefined;
    return f;
  }

  /** A keypad digit going down or up during a connected call: DTMF (RFC 4733). */
  dtmf(key: string, down: boolean): void {
    const call = this.call;
    if (call?.kind !== 'connected' || !DTMF_KEYS.includes(key)) return;
    // On hold nothing is sent (call-hold.ts), so a digit pressed then is not queued for later.
    if (down && !sending(call.hold)) return;
    if (down) call.dtmf.press(key as DtmfDigit);
    else call.dtmf.release(key as DtmfDigit);
  }

  /** What the display shows during a call. */
  screen(): string[] {
    const call = this.call!;
    switch (call.kind) {
      case 'outgoing':
        return callScreen({ kind: 'outgoing', peer: call.peer, ringing: call.ringing });
      case 'incoming':
        return callScreen({ kind: 'incoming', peer: call.peer, ...(call.keyed ? { method: call.keyed.method } : {}) });
      case 'connected': {
        const dtmf = call.dtmf.line();
        return callScreen({ kind: 'connected', peer: call.peer, hold: call.hold, ...(call.keyed ? { keyed: call.keyed } : {}), ...(dtmf ? { dtmf } : {}), rekeyed: call.rekeyed !== undefined });
      }
    }
  }

  onSipDatagram(d: Datagram): void {
    this.run(this.ua.receive(d.data, { address: d.address, port: d.port }));
  }

  /** A whole SIP message from a TCP or TLS connection (framed by sip-connections.ts). */
  onSipMessage(data: Uint8Array, source: SipSource): void {
    this.run(this.ua.receive(data, source));
  }

  private keying(): KeyingContext {
    const { hal, store } = this.c;
    return {
      selfUri: `sip:${this.c.user}@${this.c.domain}`,
      credentials: this.c.credentials(),
      pskFor: (peer) => {
        const hex = store.settings.peerKeys[peer];
        return hex ? fromHex(hex) : undefined;
      },
      peerCertificate: (peer) => {
        const der = store.settings.peerCertificates[peer];
        return der ? fromBase64(der) : undefined;
      },
      crypto: hal.crypto,
      random: hal.random,
      nowMs: hal.clock.wallClockMs(),
      replay: this.replay,
    };
  }

  /**
   * An offer or answer; `events` is the telephone-event payload type, undefined to leave it out.
   * `shape` turns the one-line description into the m= lines of the exchange (media-lines.ts).
   */
  private description(rtpPort: number, keying: MediaKeying, events: number | undefined = TELEPHONE_EVENT, direction?: Direction, shape?: (d: SessionDescription) => SessionDescription): string {
    const address = this.c.hal.network.localAddress;
    const formats = events === undefined ? [PCMU, PCMA] : [PCMU, PCMA, events];
    const single = audioDescription({ address, rtpPort, sessionId: String(this.c.sip.port), sessionVersion: this.sessionVersion++, keying, formats, telephoneEvent: events, ...(direction ? { direction } : {}) });
    return serializeSdp(shape ? shape(single) : single);
  }

  /** The connected call's m= lines when it has more than one: every re-offer and answer keeps them (RFC 3264 §8). */
  private callLines(): ((d: SessionDescription) => SessionDescription) | undefined {
    const lines = this.call?.kind === 'connected' ? this.call.lines : undefined;
    return lines && ((d) => withLines(d, lines));
  }

  /**
   * Places a call to `target` (a SIP URI). The offer carries this phone's table; `reofferWith` is
   * the key agreement a callee's 488 pointed to (the one extra round trip).
   */
  dial(target: string, reofferWith?: KeyAgreement, step?: Rung): void {
    if (this.call) return;
    const settings = this.c.store.settings;
    const ctx = this.keying();
    const own = callableTable(settings.priorities, usableKeyAgreements(ctx, target));
    const learned = settings.learnedPeers[target];
    const allowed = offerRungs(settings.srtpMode, this.sdesOffered(target));
    const ka = allowed[0] === 'mikey-priority' && (step === undefined || step === 'mikey-priority')
      ? reofferWith ?? firstOfferKeyAgreement(own, learned && callableTable(learned.table), () => true, CALL_POLICY)
      : undefined;
    // Without a usable MIKEY key agreement the ladder starts lower (SDES, or plain RTP if allowed).
    const rung: Rung | undefined = ka ? 'mikey-priority' : step && step !== 'mikey-priority' ? step : allowed.find((r) => r === 'sdes' || r === 'none');
    if (!rung) {
      this.end('No usable security', 0);
      return;
    }
    const rtp = this.c.hal.network.bindUdp(0, (d) => this.onRtp(d));
    const offer = ka
      ? makeOffer(ka, ctx, target, 0, [tableExtension({ role: 'offerer', policy: CALL_POLICY, table: own }), sdpIds([MIKEY_PROTOCOL_ID])])
      : undefined;
    const sdes = rung === 'sdes' ? sdesOffer(settings.priorities, this.c.hal.random) : [];
    const keying: MediaKeying = offer ? { kind: 'mikey', message: offer.message } : rung === 'sdes' ? { kind: 'sdes', lines: sdes } : { kind: 'none' };
    // The plain rung in the same offer (seed Fig. 6), when the mode allows it and the peer is not pinned.
    let lines: LineLayout | undefined;
    const fallback = settings.fallbackInOneOffer && rung !== 'none' && allowed.includes('none') && !learned;
    const withFallback = (d: SessionDescription) => {
      const both = withPlainFallback(d);
      lines = layoutOf(both, 0);
      return both;
    };
    const { callId, actions } = this.ua.invite(target, this.description(rtp.port, keying, TELEPHONE_EVENT, undefined, fallback ? withFallback : undefined));
    this.call = { kind: 'outgoing', callId, peer: target, rtp, rung, offer, sdes, ringing: false, reoffered: reofferWith !== undefined, ...(lines ? { lines } : {}) };
    this.run(actions);
    this.c.onChange();
  }

  /** OK or Call during a call: answers a ringing incoming call. */
  answer(): void {
    const call = this.call;
    if (call?.kind !== 'incoming') return;
    if (call.screened && !this.complete(call)) return;
    const keying: MediaKeying = call.response ? { kind: 'mikey', message: call.response } : call.sdes ? { kind: 'sdes', lines: [call.sdes.answer] } : { kind: 'none' };
    // Telephone-events only if offered, on the offer's payload type (RFC 3264 §6.1).
    const lines = call.lines;
    const answer = this.description(call.rtp.port, keying, call.remote.telephoneEvent, undefined, lines && ((d) => withLines(d, lines)));
    // The media first: if it cannot start, the call is refused (500, abort) rather than answered.
    if (call.sdes && call.keyed) {
      this.connect(call.callId, call.peer, call.rtp, call.remote, { ...call.keyed, send: sdesKey(call.sdes.answer), receive: call.sdes.theirs });
      this.updates.keepSdes(call.keyed.suite, call.sdes.answer, call.sdes.theirs);
    } else {
      // The callee sends on the second crypto session and receives on the first.
      this.connect(call.callId, call.peer, call.rtp, call.remote, call.keys && call.keyed && { ...call.keyed, send: call.keys[1], receive: call.keys[0] }, call.learned, call.certificate);
    }
    this.run(this.ua.answer(call.callId, answer));
  }

  /** Hangup: ends or refuses the current call. */
  hangup(): void {
    const call = this.call;
    if (!call) return;
    this.run(call.kind === 'incoming' ? this.ua.reject(call.callId, 603) : this.ua.hangup(call.callId));
    this.end('Call ended');
  }

  /**
   * Ends the current call after an exception in handling one of its events (event-guard.ts),
   * with `notice` on the idle screen.
   */
  abort(notice: string): void {
    const call = this.call;
    if (call) this.abortCall(call.callId, notice);
  }

  /**
   * Ends call `callId` whatever its state: one ringing here gets a final 500 (RFC 3261 §21.5.1),
   * any other is hung up (BYE, or CANCEL while ours rings); its media and sockets are freed.
   */
  private abortCall(callId: string, notice: string): void {
    try {
      const refused = this.ua.reject(callId, 500);
      this.run(refused.length > 0 ? refused : this.ua.hangup(callId));
    } finally {
      const call = this.call;
      if (call?.callId === callId) this.end(notice, call.kind === 'outgoing' ? 0 : undefined);
    }
  }

  /** Down during a connected call: puts it on hold, or resumes it (call-update.ts). */
  toggleHold(): void {
    const call = this.call;
    if (call?.kind === 'connected') this.updates.toggleHold(call);
  }

  /** Up during a MIKEY-keyed call: re-keys it with a re-INVITE (call-update.ts). */
  rekey(): void {
    const call = this.call;
    if (call?.kind === 'connected') this.updates.rekey(call);
  }

  private onRtp(d: Datagram): void {
    if (this.call?.kind === 'connected') this.call.media.onDatagram(d);
  }

  /** The deferred expensive MIKEY step; false (and the call refused) when it fails. */
  private complete(call: Extract<Call, { kind: 'incoming' }>): boolean {
    if (call.keys || !call.screened) return true;
    const done = call.screened.complete(undefined, call.answerExtensions);
    if (!done.ok) {
      this.run(this.ua.reject(call.callId, 488));
      this.c.hal.log(`call ${call.callId} refused: ${done.reason}`);
      this.end('Security refused');
      return false;
    }
    call.keys = done.keys;
    call.response = done.response;
    return true;
  }

  private connect(
    callId: string,
    peer: string,
    rtp: UdpSocket,
    remote: MediaTarget,
    keyed: (Keyed & Pick<MediaKeys, 'send' | 'receive'>) | undefined,
    learned?: WireTable,
    certificate?: Uint8Array,
  ): void {
    const { hal } = this.c;
    const mediaKeys: MediaKeys | undefined = keyed && { profile: keyed.suite, send: keyed.send, receive: keyed.receive };
    // The RTP socket's datagrams go to the media session from now on (see onRtp).
    const receivePayloadTypes = remote.telephoneEvent === undefined ? [TELEPHONE_EVENT] : [TELEPHONE_EVENT, remote.telephoneEvent];
    const dtmf = new CallDtmf({ sendPayloadType: remote.telephoneEvent, receivePayloadTypes, onChange: () => this.c.onChange() });
    const media = new MediaSession(hal, rtp, remote, mediaKeys, 'PCMU', dtmf);
    // The screen's padlock line (the key agreement and suite) in words for the log.
    const label = keyed && securityLabel(keyed);
    // The m= lines of the exchange, when the offer had more than one (the one taken in `taken`).
    const lines = this.call && this.call.kind !== 'connected' ? this.call.lines : undefined;
    this.call = { kind: 'connected', callId, peer, media, ...(keyed ? { keyed } : {}), rtpPort: rtp.port, hold: NOT_HELD, placed: this.call?.kind === 'outgoing', dtmf, ...(remote.telephoneEvent !== undefined ? { events: remote.telephoneEvent } : {}), ...(lines ? { lines } : {}) };
    this.watch.stopRinging();
    this.watch.watchMedia(this.c.store.settings.mediaTimeoutS, { received: () => media.stats().received, held: () => this.held() }, () => this.mediaLost(callId));
    recordCall(this.c.store, hal, peer, keyed, learned, certificate);
    hal.log(`call ${callId} connected with ${peer}: ${label ? `Secure ${label}` : 'NOT ENCRYPTED'}; media ${hal.network.localAddress}:${rtp.port} <-> ${remote.address}:${remote.port}`);
    if (keyed) this.logKeys(callId, keyed.suite, { send: keyed.send, receive: keyed.receive }, media.streams());
    this.c.onChange();
  }

  /** Ends the call; `failure` is the SIP status of an outgoing call that failed (0: failed here). */
  private end(notice: string, failure?: number): void {
    const call = this.call;
    this.call = undefined;
    this.failure = failure;
    this.watch.stop();
    if (call?.kind === 'connected') {
      if (call.retry !== undefined) this.c.hal.timers.clear(call.retry);
      if (call.rekeyed !== undefined) this.c.hal.timers.clear(call.rekeyed);
      const s = call.media.stats();
      const d = call.dtmf.stats();
      this.c.hal.log(`call ${call.callId} ended: sent ${s.sent}, received ${s.received}, dropped ${s.dropped}, played ${s.played}, concealed ${s.concealed}, dtmf sent ${d.digitsSent}, dtmf received ${d.digitsReceived}`);
      call.media.stop();
    } else if (call) call.rtp.close();
    this.notice = notice;
    this.c.onChange();
  }

  private onEvent(e: UaEvent): void {
    const call = this.call;
    if (this.closing) this.onClosingEvent(e);
    switch (e.type) {
      case 'incomingCall':
        return this.onIncoming(e.callId, e.from, e.sdp);
      case 'progress':
        if (call?.kind === 'outgoing' && call.callId === e.callId && e.status === 180) {
          call.ringing = true;
          this.c.onChange();
        }
        return;
      case 'answered': {
        if (call?.kind !== 'outgoing' || call.callId !== e.callId) return;
        try {
          let sdp = parseSdp(e.sdp);
          if (call.lines) {
            // Our offer had the plain line too: the answer takes one line (media-lines.ts).
            const { index, line } = takenLine(sdp, call.lines);
            call.lines = { ...call.lines, taken: index };
            sdp = oneLine(sdp, line);
            if (!isSecureProtocol(call.lines.lines[index].protocol)) {
              this.c.hal.log(`call ${call.callId}: the answer takes the plain ${call.lines.lines[index].protocol} line of the offer`);
              return this.connect(call.callId, call.peer, call.rtp, mediaTarget(sdp), undefined);
            }
          }
          const remote = mediaTarget(sdp);
          const response = mikeyIn(sdp);
          if (call.rung === 'sdes') return this.connectSdes(call, sdp, remote);
          if (!call.offer) return this.connect(call.callId, call.peer, call.rtp, remote, undefined);
          if (!response) {
            // Some SDES phones (baresip with SRTP mandatory) answer a MIKEY offer with their own
            // a=crypto, which was not offered (RFC 4568 §7.1.2): end it and offer the next rung.
            this.c.hal.log(`call ${call.callId}: the answer carries no MIKEY response; ending it`);
            this.run(this.ua.hangup(call.callId));
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
            const own = callableTable(this.c.store.settings.priorities, usableKeyAgreements(this.keying(), call.peer));
            const selection = confirmAnswer({ table: own, policy: CALL_POLICY }, { ...answer, table: callableTable(answer.table) }, 0);
            if (selection.keyAgreement?.name !== call.offer.keyAgreement || !selection.suite) throw new Error('the negotiated key agreement is not the one keyed');
            keyed = { method: call.offer.keyAgreement, suite: selection.suite.name, protection: 'mikey-priority' };
          }
          this.connect(call.callId, call.peer, call.rtp, remote, { ...keyed, send: k[0], receive: k[1] }, answer, certificateOf(response));
        } catch (err) {
          this.c.hal.log(`call ${call.callId}: ${(err as Error).message}`);
          this.run(this.ua.hangup(call.callId));
          this.end('Security failed', 0);
        }
        return;
      }
      case 'failed':
        if (call?.callId !== e.callId) return;
        if (call.kind === 'outgoing' && e.status === 488 && (this.reoffer(call, e.sdp) || this.stepDown(call, e.status))) return;
        this.end(failureNotice(e.status, e.reason), call.kind === 'outgoing' ? e.status : undefined);
        return;
      case 'ended':
        if (call?.callId === e.callId) this.end('Call ended');
        return;
      case 'reinvite':
        if (call?.kind === 'connected' && call.callId === e.callId) this.updates.onReinvite(call, e.sdp);
        else this.run(this.ua.rejectReinvite(e.callId, 488));
        return;
      case 'reinviteAnswered':
        if (call?.kind === 'connected' && call.callId === e.callId) this.updates.onUpdateAnswered(call, e.sdp);
        return;
      case 'reinviteFailed':
        if (call?.kind === 'connected' && call.callId === e.callId) this.updates.onUpdateFailed(call, e.status);
        return;
      case 'reinviteConfirmed':
        if (call?.kind === 'connected' && call.callId === e.callId) this.updates.onReinviteConfirmed(call, e.sdp);
        return;
      case 'registered':
        this.registration = `Registered`;
        this.c.hal.log(`registered at ${this.c.registrar} for ${e.expires} s`);
        this.c.onChange();
        return;
      case 'error':
        this.c.hal.log(`SIP: ${e.message}`);
        return;
      case 'registrationFailed':
        this.registration = `Not registered: ${e.status}`;
        this.c.hal.log(`registration failed: ${e.status} ${e.reason}`);
        this.c.onChange();
        return;
      default:
        this.c.hal.log(`SIP: ${e.type}`);
    }
  }

  /** Whether either side holds the connected call (no media is expected then). */
  private held(): boolean {
    const call = this.call;
    return call?.kind === 'connected' && (call.hold.local || call.hold.remote);
  }

  /** The ring timeout: nobody answered the incoming call (call-watch.ts). */
  private ringOut(callId: string): void {
    if (this.call?.kind !== 'incoming' || this.call.callId !== callId) return;
    this.c.hal.log(`call ${callId}: not answered in ${this.c.store.settings.ringTimeoutS} s; refused with ${RING_TIMEOUT_STATUS}`);
    this.run(this.ua.reject(callId, RING_TIMEOUT_STATUS));
    this.end('Missed call');
  }

  /** The media watchdog: nothing valid arrived for the media timeout (call-watch.ts). */
  private mediaLost(callId: string): void {
    if (this.call?.kind !== 'connected' || this.call.callId !== callId) return;
    this.c.hal.log(`call ${callId}: no media for ${this.c.store.settings.mediaTimeoutS} s; ending it`);
    this.run(this.ua.hangup(callId));
    this.end('No media: call ended');
  }

  /**
   * A clean shutdown: the call in progress ends (BYE when connected, CANCEL while placing it, 480
   * to one ringing), the registration is removed (REGISTER with Expires: 0, RFC 3261 §10.2.2), and
   * `done` runs once the peer and the registrar answered (or their transactions timed out). The
   * host bounds the wait.
   */
  shutdown(done: () => void): void {
    if (this.closing) return;
    const call = this.call;
    const registered = this.registration === 'Registered';
    this.closing = { call: call !== undefined && call.kind !== 'incoming', registration: registered, done };
    if (call) {
      this.run(call.kind === 'incoming' ? this.ua.reject(call.callId, RING_TIMEOUT_STATUS) : this.ua.hangup(call.callId));
      this.end('Shutting down');
    }
    if (registered) this.run(this.ua.unregister());
    this.checkClosed();
  }

  private onClosingEvent(e: UaEvent): void {
    const closing = this.closing!;
    if (e.type === 'ended' || e.type === 'failed') closing.call = false;
    if (e.type === 'unregistered' || e.type === 'registrationFailed') closing.registration = false;
    this.checkClosed();
  }

  private checkClosed(): void {
    const closing = this.closing;
    if (!closing || closing.call || closing.registration) return;
    this.closing = { ...closing, done: () => {} };
    closing.done();
  }

  private onIncoming(callId: string, from: string, body: string): void {
    const settings = this.c.store.settings;
    if (this.call) return this.run(this.ua.reject(callId, 486));
    if (this.closing) return this.run(this.ua.reject(callId, RING_TIMEOUT_STATUS));
    const offer = decideLines(
      { settings, hal: this.c.hal, keying: () => this.keying(), description: (rtpPort, keying) => this.description(rtpPort, keying) },
      callId,
      from,
      body,
    );
    if ('refused' in offer) return this.run(this.ua.reject(callId, offer.refused, offer.body, offer.warning));
    const rtp = this.c.hal.network.bindUdp(0, (d) => this.onRtp(d));
    const call: Extract<Call, { kind: 'incoming' }> = { kind: 'incoming', callId, peer: from, rtp, ...offer };
    this.call = call;
    this.run(this.ua.ringing(callId));
    this.watch.startRinging(settings.ringTimeoutS, () => this.ringOut(callId));
    if (offer.screened && settings.deferHeavyCrypto === 'at-ring') this.complete(call);
    this.c.onChange();
  }

  /**
   * After a refused offer: the next rung of the ladder (RFC 3261 §21.4.26), never below what the
   * SRTP mode allows. Plain MIKEY is skipped: the same offer already reached a MIKEY phone as one.
   * A refused offer that carried the plain line (`refusedPlain`) is not followed by a plain offer.
   */
  private stepDown(call: Extract<Call, { kind: 'outgoing' }>, status: number, refusedPlain = call.lines !== undefined): boolean {
    if (this.c.store.settings.learnedPeers[call.peer]) {
      // Pinning: this peer proved it speaks priority MIKEY; being pushed below it is a downgrade.
      this.c.hal.log(`call ${call.callId}: ${call.peer} is known to speak MIKEY; not stepping down`);
      return false;
    }
    const next = nextRung(this.c.store.settings.srtpMode, call.rung === 'mikey-priority' ? 'mikey' : call.rung, status, false, this.sdesOffered(call.peer));
    if (!next) return false;
    if (next === 'none' && refusedPlain) {
      this.c.hal.log(`call ${call.callId}: refused with ${status}; plain RTP was in that offer already`);
      return false;
    }
    this.c.hal.log(`call ${call.callId}: refused with ${status}; offering ${next}`);
    call.rtp.close();
    this.call = undefined;
    this.dial(call.peer, undefined, next);
    return true;
  }

  /** The answer to an SDES offer: the line it took, with the peer's key; ours was in the offer. */
  private connectSdes(call: Extract<Call, { kind: 'outgoing' }>, sdp: SessionDescription, remote: HostPort): void {
    const audio = sdp.media.find((m) => m.media === 'audio')!;
    const lines = effectiveAttributes(sdp, audio, CRYPTO).map(parseCryptoAttribute);
    if (lines.length !== 1) throw new Error('an SDES answer has exactly one a=crypto line');
    const ours = call.sdes.find((l) => l.tag === lines[0].tag && l.suite === lines[0].suite);
    if (!ours) throw new Error('the SDES answer names no offered line');
    const theirs = sdesKey(lines[0]);
    this.connect(call.callId, call.peer, call.rtp, remote, { method: 'SDES', suite: theirs.suite, protection: 'sdes', send: sdesKey(ours), receive: theirs });
    this.updates.keepSdes(theirs.suite, ours, theirs);
  }

  /**
   * Whether a call to `target` may offer SDES: its keys travel in the SDP, readable on every hop
   * unless the INVITE goes over TLS (RFC 4568 §8.3): a sips: target, a ;transport=tls one, or the
   * account's transport TLS (transport.ts hopTo). Desk phones offer it without TLS only when told
   * to (settings.sdesOverNonTls).
   */
  private sdesOffered(target: string): boolean {
    const proxy = hostPort(this.c.outboundProxy);
    return this.c.store.settings.sdesOverNonTls || hopTo(target, this.c.transport, proxy).transport === 'tls';
  }

  /** After a 488 carrying the callee's table: re-offer once with the key agreement the tables give. */
  private reoffer(call: Extract<Call, { kind: 'outgoing' }>, body: string): boolean {
    if (call.reoffered || !call.offer || !body) return false;
    let theirs: WireTable | undefined;
    try {
      const mikey = mikeyIn(parseSdp(body));
      theirs = mikey && tableFromRefusal(mikey);
    } catch {
      return false;
    }
    if (!theirs) return false;
    const own = callableTable(this.c.store.settings.priorities, usableKeyAgreements(this.keying(), call.peer));
    // The offer's policy, which the callee applied and confirmAnswer checks (the model found the
    // default, priority, here: under another policy the re-offer would miss the callee's choice).
    const next = reofferKeyAgreement(own, callableTable(theirs.table), call.offer.keyAgreement, () => true, CALL_POLICY);
    if (!next) return false;
    this.c.hal.log(`call ${call.callId}: the callee's table points to ${next}; offering again`);
    call.rtp.close();
    this.call = undefined;
    this.dial(call.peer, next);
    return true;
  }

  private run(actions: readonly UaAction[]): void {
    const { hal } = this.c;
    for (const a of actions) {
      switch (a.type) {
        case 'send':
          this.c.send(a);
          break;
        case 'setTimer': {
          const old = this.timers.get(a.key);
          if (old !== undefined) hal.timers.clear(old);
          this.timers.set(
            a.key,
            hal.timers.set(a.delayMs, () => {
              this.timers.delete(a.key);
              this.run(this.ua.timerFired(a.key));
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
            this.onEvent(a.event);
          } catch (err) {
            // The event's call ends (event-guard.ts); the other actions still run, so the user
            // agent and the host keep the same transactions and timers.
            this.c.hal.log(`SIP ${a.event.type} failed: ${messageOf(err)}`);
            if ('callId' in a.event) this.abortCall(a.event.callId, 'Call failed');
          }
          break;
      }
    }
  }
}
