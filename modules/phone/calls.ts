// Calls: joins the SIP user agent, the negotiation, MIKEY, SRTP and the audio path for one call
// at a time: the user agent's events, answering and ending calls, registration and shutdown.
// Placing a call (the offer plan, the 488 re-offer, the ladder) is in call-placing.ts. The callee
// screens the offer cheaply when it rings and does the expensive step at ring or at pick-up, as
// its settings say (seed §2.1.3). The callee's decision on an offer is in call-incoming.ts,
// mid-call re-INVITEs in call-update.ts, a call's media in call-media.ts, what a call leaves in
// the settings in call-record.ts, the user agent's actions and timers in ua-runner.ts.
import type { Datagram, Hal, UdpSocket } from '../../hal/contracts.js';
import type { PkCredentials } from '../mikey/pk-auth.js';
import type { KeyAgreement } from '../negotiation/capabilities.js';
import type { Rung } from '../negotiation/ladder.js';
import type { WireTable } from '../negotiation/wire.js';
import type { Direction } from '../sdp/direction.js';
import type { MediaKeying } from '../sdp/offer-answer.js';
import { withLines } from '../sdp/media-lines.js';
import type { SessionDescription } from '../sdp/session-description.js';
import type { SettingsStore } from '../settings/store.js';
import type { UaAction, UaEvent } from '../sip/user-agent.js';
import { UserAgent } from '../sip/user-agent.js';
import type { SipSource, TransportSetting } from '../sip/transport.js';
import type { Call, Keyed } from './call-state.js';
import { recordCall } from './call-record.js';
import { CallUpdates } from './call-update.js';
import { hostPort, type MediaTarget } from './call-sdp.js';
import type { SipSend } from './sip-connections.js';
import { keyLog, type KeyLog } from './key-log.js';
import type { MediaKeys } from './media.js';
import { DTMF_KEYS } from './call-dtmf.js';
import { messageOf } from './event-guard.js';
import { CallAnswering } from './call-answering.js';
import { LocalSide } from './call-local.js';
import { CallPlacing } from './call-placing.js';
import { connectedCall, stopCall } from './call-media.js';
import { ShutdownWait } from './call-shutdown.js';
import { UaRunner } from './ua-runner.js';
import type { DtmfDigit } from '../../audio/dtmf.js';
import { sending } from './call-hold.js';
import { callScreen, failureNotice, securityLabel } from './screens.js';
import { CallWatch, RING_TIMEOUT_STATUS } from './call-watch.js';

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
  /** This phone's descriptions and keying (call-local.ts). */
  private readonly local: LocalSide;
  private readonly logKeys: KeyLog;
  private readonly updates: CallUpdates;
  /** The ring timeout and the media watchdog (call-watch.ts). */
  private readonly watch: CallWatch;
  /** Set by shutdown(): what the phone still waits for before it may stop (call-shutdown.ts). */
  private readonly shutdownWait = new ShutdownWait();
  private readonly runner: UaRunner;
  private readonly placing: CallPlacing;
  private readonly answering: CallAnswering;
  /** One line about the last call that ended or failed, shown on the idle screen. */
  notice: string | undefined;
  /** Registration state, when the phone has a registrar. */
  registration: string | undefined;
  /** The SIP status of the last outgoing call that failed (0: failed here), until takeFailure(). */
  private failure: number | undefined;

  constructor(private readonly c: CallsConfig) {
    const { hal } = c;
    this.local = new LocalSide({ hal, store: c.store, credentials: c.credentials, user: c.user, domain: c.domain, sipPort: c.sip.port });
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
      description: (rtpPort, keying, events, direction) => this.local.description(rtpPort, keying, events, direction, this.callLines()),
      keying: () => this.local.keying(),
      end: (notice) => this.end(notice),
      onChange: () => c.onChange(),
      logKeys: this.logKeys,
    });
    this.runner = new UaRunner({
      hal,
      ua: this.ua,
      send: c.send,
      onEvent: (e) => this.onEvent(e),
      onEventFailed: (e, err) => {
        hal.log(`SIP ${e.type} failed: ${messageOf(err)}`);
        if ('callId' in e) this.abortCall(e.callId, 'Call failed');
      },
    });
    // What placing and answering a call need (call-placing.ts, call-answering.ts).
    const sides = {
      hal,
      store: c.store,
      transport: c.transport,
      outboundProxy: c.outboundProxy,
      ua: this.ua,
      watch: this.watch,
      current: () => this.call,
      setCall: (call: Call | undefined) => {
        this.call = call;
      },
      closing: () => this.shutdownWait.started,
      run: (actions: readonly UaAction[]) => this.run(actions),
      description: (rtpPort: number, keying: MediaKeying, events?: number, direction?: Direction, shape?: (d: SessionDescription) => SessionDescription) =>
        this.local.description(rtpPort, keying, events, direction, shape),
      keying: () => this.local.keying(),
      connect: (...a: Parameters<Calls['connect']>) => this.connect(...a),
      keepSdes: (...a: Parameters<CallUpdates['keepSdes']>) => this.updates.keepSdes(...a),
      end: (notice: string, failure?: number) => this.end(notice, failure),
      onRtp: (d: Datagram) => this.onRtp(d),
      onChange: () => c.onChange(),
    };
    this.placing = new CallPlacing(sides);
    this.answering = new CallAnswering(sides);
    if (registrar) this.run(this.ua.register());
  }

  get active(): boolean {
    return this.call !== undefined;
  }

  /** Live protocol state, for leak checks: all zero once calls are over and their timers have run out. */
  stats(): { call: number; timers: number; uaCalls: number; transactions: number; uaTimers: number } {
    const ua = this.ua.stats();
    return { call: this.call ? 1 : 0, timers: this.runner.running + this.watch.running, uaCalls: ua.calls, transactions: ua.clientTransactions + ua.serverTransactions, uaTimers: ua.timers };
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

  /** The transport could not send a message of `transaction` (sip-connections.ts, RFC 3261 §18.4). */
  onTransportError(transaction: string, reason: string): void {
    this.run(this.ua.transportError(transaction, reason));
  }

  /** The connected call's m= lines when it has more than one: every re-offer and answer keeps them (RFC 3264 §8). */
  private callLines(): ((d: SessionDescription) => SessionDescription) | undefined {
    const lines = this.call?.kind === 'connected' ? this.call.lines : undefined;
    return lines && ((d) => withLines(d, lines));
  }

  /**
   * Places a call to `target` (a SIP URI). The offer carries this phone's table; `reofferWith` is
   * the key agreement a callee's 488 pointed to (the one extra round trip). See call-placing.ts.
   */
  dial(target: string, reofferWith?: KeyAgreement, step?: Rung): void {
    this.placing.dial(target, reofferWith, step);
  }

  /** OK or Call during a call: answers a ringing incoming call (call-answering.ts). */
  answer(): void {
    this.answering.answer();
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
    const call = connectedCall(hal, this.call, callId, peer, rtp, remote, keyed, () => this.c.onChange());
    this.call = call;
    // The screen's padlock line (the key agreement and suite) in words for the log.
    const label = keyed && securityLabel(keyed);
    this.watch.stopRinging();
    this.watch.watchMedia(this.c.store.settings.mediaTimeoutS, { received: () => call.media.stats().received, held: () => this.held() }, () => this.mediaLost(callId));
    recordCall(this.c.store, hal, peer, keyed, learned, certificate);
    hal.log(`call ${callId} connected with ${peer}: ${label ? `Secure ${label}` : 'NOT ENCRYPTED'}; media ${hal.network.localAddress}:${rtp.port} <-> ${remote.address}:${remote.port}`);
    if (keyed) this.logKeys(callId, keyed.suite, { send: keyed.send, receive: keyed.receive }, call.media.streams());
    this.c.onChange();
  }

  /** Ends the call; `failure` is the SIP status of an outgoing call that failed (0: failed here). */
  private end(notice: string, failure?: number): void {
    const call = this.call;
    this.call = undefined;
    this.failure = failure;
    this.watch.stop();
    if (call) stopCall(this.c.hal, call);
    this.notice = notice;
    this.c.onChange();
  }

  private onEvent(e: UaEvent): void {
    const call = this.call;
    if (this.shutdownWait.started) this.shutdownWait.onEvent(e);
    switch (e.type) {
      case 'incomingCall':
        return this.answering.onIncoming(e.callId, e.from, e.sdp);
      case 'progress':
        if (call?.kind === 'outgoing' && call.callId === e.callId && e.status === 180) {
          call.ringing = true;
          this.c.onChange();
        }
        return;
      case 'answered':
        if (call?.kind === 'outgoing' && call.callId === e.callId) this.placing.onAnswered(call, e.sdp);
        return;
      case 'failed':
        if (call?.callId !== e.callId) return;
        if (call.kind === 'outgoing' && e.status === 488 && this.placing.onRefused(call, e.status, e.sdp)) return;
        if (e.transport !== undefined) this.c.hal.log(`call ${e.callId}: connection failed: ${e.transport}`);
        this.end(e.transport !== undefined ? 'Connection failed' : failureNotice(e.status, e.reason), call.kind === 'outgoing' ? e.status : undefined);
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
        this.c.hal.log(`registration failed: ${e.status} ${e.reason}${e.transport === undefined ? '' : ` (${e.transport})`}`);
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
    if (this.shutdownWait.started) return;
    const call = this.call;
    const registered = this.registration === 'Registered';
    this.shutdownWait.begin(call !== undefined && call.kind !== 'incoming', registered, done);
    if (call) {
      this.run(call.kind === 'incoming' ? this.ua.reject(call.callId, RING_TIMEOUT_STATUS) : this.ua.hangup(call.callId));
      this.end('Shutting down');
    }
    if (registered) this.run(this.ua.unregister());
    this.shutdownWait.check();
  }

  private run(actions: readonly UaAction[]): void {
    this.runner.run(actions);
  }
}
