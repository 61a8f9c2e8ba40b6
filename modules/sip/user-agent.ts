// The SIP user agent core (RFC 3261 §8, §10, §12-§15): registration with digest authentication and
// refresh, outgoing and incoming calls (INVITE, 100, 180, 200, ACK, BYE, CANCEL), re-INVITE, OPTIONS,
// and the 486/488/603 outcomes. Pure: the host feeds it datagrams, fired timers and the user's
// decisions, and carries out the actions it returns. SDP bodies are opaque strings here; the layer
// above makes and checks offers and answers.

import type { Random } from '../../hal/contracts.js';
import { toHex } from '../util/bytes.js';
import { authorize } from './digest.js';
import { SipParseError, SipRequestError } from './errors.js';
import { formatNameAddr, parseAuth, parseCSeq, parseNameAddr } from './headers.js';
import { headerValue, headerValues, parseMessage, serializeMessage, type SipHeader, type SipRequest, type SipResponse } from './message.js';
import { Dialog, dialogId } from './dialog.js';
import { ClientTransaction, clientKey, DEFAULT_TIMERS, ServerTransaction, serverKey, type TimerName, type TimerValues, type TransactionAction } from './transaction.js';
import { ALLOW, checkRequest, malformedStatus } from './uas-checks.js';
import { parseUri } from './uri.js';

export interface HostPort {
  readonly address: string;
  readonly port: number;
}

export interface UaConfig {
  /** The account: AOR sip:user@domain, digest username (defaults to user) and password. */
  readonly account: { readonly user: string; readonly domain: string; readonly password: string; readonly authUser?: string; readonly displayName?: string };
  /** Where REGISTER goes; defaults to the outbound proxy, then the domain on port 5060. */
  readonly registrar?: HostPort;
  /** Every request outside a dialog goes here when set (§8.1.2). */
  readonly outboundProxy?: HostPort;
  /** This UA's own address and bound SIP port (Via sent-by and Contact). */
  readonly local: HostPort;
  /** Requested registration lifetime in seconds (§10.2.1.1); 3600 by default. */
  readonly registerExpires?: number;
  readonly timers?: TimerValues;
  readonly random: Random;
  readonly userAgent?: string;
}

export type UaEvent =
  | { readonly type: 'registered'; readonly expires: number }
  | { readonly type: 'unregistered' }
  | { readonly type: 'registrationFailed'; readonly status: number; readonly reason: string }
  | { readonly type: 'incomingCall'; readonly callId: string; readonly from: string; readonly displayName?: string; readonly sdp: string }
  /** A provisional response to our INVITE: 180 is ringing, 183 session progress. */
  | { readonly type: 'progress'; readonly callId: string; readonly status: number; readonly sdp: string }
  /** Our INVITE was answered with a 2xx (already acknowledged). */
  | { readonly type: 'answered'; readonly callId: string; readonly sdp: string }
  /** The ACK to our 2xx arrived: the incoming call is confirmed. `sdp` is the ACK body ('' usually). */
  | { readonly type: 'confirmed'; readonly callId: string; readonly sdp: string }
  /** Our INVITE ended without a call: 486 busy, 488 not acceptable, 603 declined, 408 timeout... */
  /** `sdp` is the failure response's body, if any: a 488 may carry what the callee accepts (RFC 3261 §21.4.26). */
  | { readonly type: 'failed'; readonly callId: string; readonly status: number; readonly reason: string; readonly sdp: string }
  | { readonly type: 'ended'; readonly callId: string; readonly reason: 'remote-bye' | 'local-bye' | 'cancelled' | 'ack-timeout' }
  /** The peer sent a re-INVITE: answer with acceptReinvite or rejectReinvite. */
  | { readonly type: 'reinvite'; readonly callId: string; readonly sdp: string }
  | { readonly type: 'reinviteAnswered'; readonly callId: string; readonly sdp: string }
  /** Our re-INVITE without an offer got a 2xx with the peer's offer: answer it with ackReinvite (RFC 3261 §14.1). */
  | { readonly type: 'reinviteOffered'; readonly callId: string; readonly sdp: string }
  /**
   * The ACK to our 2xx for the peer's re-INVITE arrived: the new session is in force on both sides.
   * `sdp` is the ACK body: the answer when the re-INVITE had no offer and our 2xx made one (§14.2).
   */
  | { readonly type: 'reinviteConfirmed'; readonly callId: string; readonly sdp: string }
  | { readonly type: 'reinviteFailed'; readonly callId: string; readonly status: number; readonly reason: string }
  | { readonly type: 'optionsResult'; readonly uri: string; readonly status: number }
  /** Handling a message threw (what it started is ended, see receive): for the log. */
  | { readonly type: 'error'; readonly message: string };

export type UaAction =
  | { readonly type: 'send'; readonly data: Uint8Array; readonly address: string; readonly port: number }
  | { readonly type: 'setTimer'; readonly key: string; readonly delayMs: number }
  | { readonly type: 'clearTimer'; readonly key: string }
  | { readonly type: 'event'; readonly event: UaEvent };

/** Server transactions kept at once: a bound on the UA's state whatever arrives (issue 13). */
export const MAX_SERVER_TRANSACTIONS = 32;

interface ClientEntry {
  readonly tx: ClientTransaction;
  readonly dest: HostPort;
  readonly onResponse: (response: SipResponse) => UaAction[];
  readonly onTimeout: () => UaAction[];
}

interface ServerEntry {
  readonly tx: ServerTransaction;
  readonly source: HostPort;
}

/** A 2xx to an INVITE that we retransmit until its ACK arrives (§13.3.1.4). */
interface Pending2xx {
  readonly response: SipResponse;
  readonly dest: HostPort;
  /** The server transaction key of the INVITE it answers, to recognise that INVITE's retransmissions. */
  readonly serverKey: string;
  interval: number;
  delay: number;
  elapsed: number;
}

interface Call {
  readonly callId: string;
  readonly direction: 'outgoing' | 'incoming';
  state: 'calling' | 'early' | 'answered' | 'confirmed' | 'ending';
  /** The initial INVITE (latest authenticated version for outgoing calls). */
  invite: SipRequest;
  localTag: string;
  dialog?: Dialog;
  /** UAC: a provisional response arrived, so CANCEL may be sent (§9.1). */
  provisional: boolean;
  cancelPending: boolean;
  /** UAC: the ACK for the latest 2xx, re-sent on each retransmitted 2xx (§13.2.2.4). */
  ack?: { readonly request: SipRequest; readonly dest: HostPort };
  /** UAS: the INVITE server transaction and where responses go. */
  serverKey?: string;
  source?: HostPort;
  pending2xx?: Pending2xx;
  byeAfterAck: boolean;
  /** A re-INVITE in progress; `ackSeq` once the 2xx to ours without an offer waits for our answer in the ACK. */
  reinvite?: { readonly direction: 'out'; readonly ackSeq?: number } | { readonly direction: 'in'; readonly request: SipRequest; readonly serverKey: string; readonly source: HostPort };
  authTries: number;
}

interface Challenge {
  readonly header: 'Authorization' | 'Proxy-Authorization';
  readonly value: string;
  nonceCount: number;
}

export class UserAgent {
  private readonly timerValues: TimerValues;
  private readonly clients = new Map<string, ClientEntry>();
  private readonly servers = new Map<string, ServerEntry>();
  private readonly timers = new Map<string, () => UaAction[]>();
  private readonly calls = new Map<string, Call>();
  private readonly regCallId: string;
  private readonly regTag: string;
  private regSeq = 0;
  private regExpires: number;
  private regAuthTries = 0;
  private wwwChallenge: Challenge | undefined;
  /** Datagrams dropped unanswered: not SIP, a bad response, or a bad request that cannot be answered. */
  droppedMessages = 0;
  /** Requests the parser refused that were answered (400, 501, 505) without any state. */
  refusedRequests = 0;
  /** The To tag of those stateless answers: one per UA, so a retransmission gets the same (§8.2.7). */
  private readonly statelessTag: string;
  /** Completed server transactions let go early to keep the table bounded (see makeRoomForServer). */
  evictedServerTransactions = 0;

  constructor(private readonly config: UaConfig) {
    this.timerValues = config.timers ?? DEFAULT_TIMERS;
    this.regExpires = config.registerExpires ?? 3600;
    this.regCallId = this.newCallId();
    this.regTag = this.hex(6);
    this.statelessTag = this.hex(6);
  }

  /** Live state, for leak checks: everything returns to 0 once calls end and timers run out. */
  stats(): { calls: number; clientTransactions: number; serverTransactions: number; timers: number } {
    return { calls: this.calls.size, clientTransactions: this.clients.size, serverTransactions: this.servers.size, timers: this.timers.size };
  }

  // ---- host events ------------------------------------------------------------------------

  /**
   * A datagram arrived on the SIP port. It is parsed once, here: a malformed request that carries
   * what a response copies is answered statelessly (§8.2.7), anything else malformed is dropped.
   */
  receive(data: Uint8Array, source: HostPort): UaAction[] {
    let message;
    try {
      message = parseMessage(data);
    } catch (e) {
      if (!(e instanceof SipParseError)) throw e;
      if (e instanceof SipRequestError) return this.answerMalformed(e, source);
      this.droppedMessages++;
      return [];
    }
    try {
      return message.kind === 'response' ? this.receiveResponse(message) : this.receiveRequest(message, source);
    } catch (e) {
      // An optional header (Contact, Record-Route, a challenge) that failed to parse.
      if (e instanceof SipParseError) {
        this.droppedMessages++;
        return [];
      }
      return this.failedHandling(message, e);
    }
  }

  /**
   * Any other exception while handling a message ends at most what that message started: a request
   * still without its final response gets 500 (RFC 3261 §21.5.1) and a call it was setting up is
   * dropped; the error is reported as an event for the layer above to log.
   */
  private failedHandling(message: SipRequest | SipResponse, error: unknown): UaAction[] {
    const text = `handling ${message.kind === 'request' ? message.method : message.status} failed: ${error instanceof Error ? error.message : String(error)}`;
    const report = this.event({ type: 'error', message: text });
    if (message.kind === 'response' || message.method === 'ACK') return [report];
    const key = serverKey(message);
    const call = this.calls.get(headerValue(message, 'Call-ID') ?? '');
    if (call?.serverKey === key && call.direction === 'incoming' && (call.state === 'calling' || call.state === 'early')) this.calls.delete(call.callId);
    return [...this.respondServer(key, this.response(message, 500, reasonPhrase(500))), report];
  }

  /** A timer the UA asked for has fired. Unknown (already cleared) keys are ignored. */
  timerFired(key: string): UaAction[] {
    const handler = this.timers.get(key);
    if (handler === undefined) return [];
    this.timers.delete(key);
    return handler();
  }

  // ---- registration (§10) -------------------------------------------------------------------

  /** Sends REGISTER (or a refresh); `expires` 0 removes the binding. */
  register(expires = this.config.registerExpires ?? 3600): UaAction[] {
    this.regExpires = expires;
    this.regAuthTries = 0;
    return this.sendRegister();
  }

  unregister(): UaAction[] {
    return [...this.clearTimer('register'), ...this.register(0)];
  }

  private sendRegister(): UaAction[] {
    const { user, domain } = this.config.account;
    const uri = `sip:${domain}`;
    const aor = `<sip:${user}@${domain}>`;
    const headers: SipHeader[] = [
      this.via(),
      { name: 'From', value: `${aor};tag=${this.regTag}` },
      { name: 'To', value: aor },
      { name: 'Call-ID', value: this.regCallId },
      { name: 'CSeq', value: `${++this.regSeq} REGISTER` },
      { name: 'Max-Forwards', value: '70' },
      { name: 'Contact', value: `${this.contact()};expires=${this.regExpires}` },
      { name: 'Expires', value: String(this.regExpires) },
      ...this.commonHeaders(),
    ];
    const challenge = this.wwwChallenge;
    if (challenge !== undefined) headers.push({ name: challenge.header, value: this.answerChallenge(challenge, 'REGISTER', uri) });
    const request: SipRequest = { kind: 'request', method: 'REGISTER', uri, headers, body: '' };
    const dest = this.config.registrar ?? this.config.outboundProxy ?? { address: domain, port: 5060 };
    return this.startClient(request, dest, (r) => this.onRegisterResponse(r), () => [this.event({ type: 'registrationFailed', status: 408, reason: 'Request Timeout' })]);
  }

  private onRegisterResponse(response: SipResponse): UaAction[] {
    if (response.status < 200) return [];
    if (response.status === 401 || response.status === 407) {
      const challenge = this.takeChallenge(response);
      if (challenge === undefined || this.regAuthTries >= 2) {
        return [this.event({ type: 'registrationFailed', status: response.status, reason: response.reason })];
      }
      this.regAuthTries++;
      this.wwwChallenge = challenge;
      return this.sendRegister();
    }
    if (response.status === 423) {
      // Interval Too Brief: retry with the registrar's Min-Expires (§10.2.8).
      const min = Number(headerValue(response, 'Min-Expires'));
      if (Number.isInteger(min) && min > this.regExpires && this.regAuthTries < 2) {
        this.regAuthTries++;
        this.regExpires = min;
        return this.sendRegister();
      }
    }
    if (response.status >= 300) return [this.event({ type: 'registrationFailed', status: response.status, reason: response.reason })];
    this.regAuthTries = 0;
    if (this.regExpires === 0) return [...this.clearTimer('register'), this.event({ type: 'unregistered' })];
    const expires = this.grantedExpires(response);
    // Refresh ahead of expiry (§10.2.4): at half the lifetime for short ones, 30 s before otherwise.
    const refreshS = expires > 60 ? expires - 30 : Math.max(1, Math.floor(expires / 2));
    return [...this.setTimer('register', refreshS * 1000, () => this.sendRegister()), this.event({ type: 'registered', expires })];
  }

  /** The lifetime the registrar granted our Contact (§10.2.4): its expires param, else Expires. */
  private grantedExpires(response: SipResponse): number {
    const mine = parseUri(parseNameAddr(this.contact()).uri);
    for (const c of headerValues(response, 'Contact')) {
      const a = parseNameAddr(c);
      const u = parseUri(a.uri);
      if (u.host === mine.host && (u.port ?? 5060) === mine.port && a.params.expires !== undefined) {
        const n = Number(a.params.expires);
        if (Number.isInteger(n) && n >= 0) return n;
      }
    }
    const e = Number(headerValue(response, 'Expires'));
    return Number.isInteger(e) && e >= 0 ? e : this.regExpires;
  }

  // ---- outgoing calls (§13.2, §15, §9) ---------------------------------------------------------

  /** Calls `target` (a SIP URI) with an SDP offer. Returns the call's Call-ID and the actions. */
  invite(target: string, sdp: string): { callId: string; actions: UaAction[] } {
    parseUri(target);
    const callId = this.newCallId();
    const localTag = this.hex(6);
    const { user, domain, displayName } = this.config.account;
    const from = formatNameAddr({ ...(displayName === undefined ? {} : { displayName }), uri: `sip:${user}@${domain}`, params: { tag: localTag } });
    const request: SipRequest = {
      kind: 'request', method: 'INVITE', uri: target, body: sdp,
      headers: [
        this.via(),
        { name: 'From', value: from },
        { name: 'To', value: `<${target}>` },
        { name: 'Call-ID', value: callId },
        { name: 'CSeq', value: '1 INVITE' },
        { name: 'Max-Forwards', value: '70' },
        { name: 'Contact', value: this.contact() },
        { name: 'Content-Type', value: 'application/sdp' },
        ...this.commonHeaders(),
      ],
    };
    const call: Call = { callId, direction: 'outgoing', state: 'calling', invite: request, localTag, provisional: false, cancelPending: false, byeAfterAck: false, authTries: 0 };
    this.calls.set(callId, call);
    return { callId, actions: this.sendInvite(call) };
  }

  private sendInvite(call: Call): UaAction[] {
    return this.startClient(call.invite, this.outOfDialogDest(call.invite.uri), (r) => this.onInviteResponse(call, r), () => this.failCall(call, 408, 'Request Timeout'));
  }

  private onInviteResponse(call: Call, response: SipResponse): UaAction[] {
    if (!this.calls.has(call.callId) || clientKey(response) !== clientKey(call.invite)) return [];
    if (response.status < 200) {
      if (response.status === 100) {
        call.provisional = true;
      } else {
        call.provisional = true;
        call.state = 'early';
      }
      const actions: UaAction[] = call.cancelPending ? this.sendCancel(call) : [];
      if (response.status > 100) actions.push(this.event({ type: 'progress', callId: call.callId, status: response.status, sdp: response.body }));
      return actions;
    }
    if (response.status < 300) return this.onInvite2xx(call, response);
    if ((response.status === 401 || response.status === 407) && call.authTries < 2 && !call.cancelPending) {
      const challenge = this.takeChallenge(response);
      if (challenge !== undefined) {
        call.authTries++;
        call.invite = this.reissue(call.invite, challenge);
        return this.sendInvite(call);
      }
    }
    if (response.status === 487 && call.cancelPending) return this.endCall(call, 'cancelled');
    return this.failCall(call, response.status, response.reason, response.body);
  }

  private onInvite2xx(call: Call, response: SipResponse): UaAction[] {
    let dialog: Dialog;
    try {
      dialog = Dialog.asUac(call.invite, response);
    } catch (e) {
      // A 2xx whose Contact or Record-Route does not parse cannot be ACKed: the call fails.
      if (!(e instanceof SipParseError)) throw e;
      return this.failCall(call, 502, 'Bad Gateway');
    }
    call.dialog = dialog;
    const ack = dialog.createRequest('ACK', [], '', parseCSeq(headerValue(call.invite, 'CSeq')!).seq);
    const dest = this.hop(dialog.nextHop());
    call.ack = { request: this.withVia(ack), dest };
    call.state = 'confirmed';
    const actions = [this.sendTo(call.ack.request, dest)];
    if (call.cancelPending) {
      // Our CANCEL crossed the 2xx: the call exists, so end it with BYE (§9.1, §15).
      return [...actions, ...this.sendBye(call)];
    }
    return [...actions, this.event({ type: 'answered', callId: call.callId, sdp: response.body })];
  }

  /** A 2xx retransmission after its transaction ended: re-send the ACK (§13.2.2.4). */
  private onStray2xx(response: SipResponse): UaAction[] {
    const call = this.calls.get(headerValue(response, 'Call-ID')!);
    const cseq = parseCSeq(headerValue(response, 'CSeq')!);
    if (call?.ack === undefined || cseq.method !== 'INVITE') return [];
    if (parseCSeq(headerValue(call.ack.request, 'CSeq')!).seq !== cseq.seq) return [];
    return [this.sendTo(call.ack.request, call.ack.dest)];
  }

  /**
   * Ends a call: CANCEL while it is ringing (§9.1; deferred until a provisional response arrives),
   * BYE once confirmed (§15.1), 603 Decline for an incoming call not yet answered.
   */
  hangup(callId: string): UaAction[] {
    const call = this.calls.get(callId);
    if (call === undefined) return [];
    if (call.direction === 'incoming' && (call.state === 'calling' || call.state === 'early')) return this.reject(callId, 603);
    if (call.state === 'calling' || call.state === 'early') {
      if (call.cancelPending) return [];
      call.cancelPending = true;
      return call.provisional ? this.sendCancel(call) : [];
    }
    if (call.state === 'answered') {
      // The callee waits for the ACK (or its timeout) before BYE (§15).
      call.byeAfterAck = true;
      return [];
    }
    if (call.state === 'confirmed') return this.sendBye(call);
    return [];
  }

  private sendCancel(call: Call): UaAction[] {
    // CANCEL copies the INVITE's Request-URI, Call-ID, To, From, CSeq number and top Via (§9.1).
    const inv = call.invite;
    const cancel: SipRequest = {
      kind: 'request', method: 'CANCEL', uri: inv.uri, body: '',
      headers: [
        { name: 'Via', value: headerValues(inv, 'Via')[0] },
        ...inv.headers.filter((h) => h.name === 'Route'),
        { name: 'From', value: headerValue(inv, 'From')! },
        { name: 'To', value: headerValue(inv, 'To')! },
        { name: 'Call-ID', value: call.callId },
        { name: 'CSeq', value: `${parseCSeq(headerValue(inv, 'CSeq')!).seq} CANCEL` },
        { name: 'Max-Forwards', value: '70' },
        ...this.commonHeaders(),
      ],
    };
    // The INVITE transaction's 487 (or a 2xx) decides the outcome; CANCEL's own result is moot.
    return this.startClient(cancel, this.outOfDialogDest(inv.uri), () => [], () => []);
  }

  private sendBye(call: Call): UaAction[] {
    const dialog = call.dialog!;
    call.state = 'ending';
    const bye = this.withVia(dialog.createRequest('BYE', this.commonHeaders()));
    const actions = this.clearTimer(`2xx:${call.callId}`);
    call.pending2xx = undefined;
    const done = (): UaAction[] => this.endCall(call, 'local-bye');
    return [...actions, ...this.startClient(bye, this.hop(dialog.nextHop()), (r) => (r.status >= 200 ? done() : []), done)];
  }

  // ---- re-INVITE (§14) -------------------------------------------------------------------------

  /**
   * Sends a re-INVITE with a new offer (re-keying, hold, resume), or with none when `sdp` is '':
   * then the 2xx carries the peer's offer (event reinviteOffered) and ackReinvite answers it (§14.1).
   */
  reinvite(callId: string, sdp: string): UaAction[] {
    const call = this.calls.get(callId);
    if (call === undefined || call.state !== 'confirmed' || call.reinvite !== undefined) return [];
    call.reinvite = { direction: 'out' };
    const body = sdp === '' ? [] : [{ name: 'Content-Type', value: 'application/sdp' }];
    const request = this.withVia(call.dialog!.createRequest('INVITE', [{ name: 'Contact', value: this.contact() }, ...body, ...this.commonHeaders()], sdp));
    return this.sendReinvite(call, request, 0);
  }

  /** The ACK with our answer to the offer in the 2xx to our offerless re-INVITE (§13.2.2.4, §14.1). */
  ackReinvite(callId: string, sdp: string): UaAction[] {
    const call = this.calls.get(callId);
    const re = call?.reinvite;
    if (call === undefined || re?.direction !== 'out' || re.ackSeq === undefined) return [];
    call.reinvite = undefined;
    const dialog = call.dialog!;
    const ack = this.withVia(dialog.createRequest('ACK', [{ name: 'Content-Type', value: 'application/sdp' }], sdp, re.ackSeq));
    call.ack = { request: ack, dest: this.hop(dialog.nextHop()) };
    return [this.sendTo(ack, call.ack.dest)];
  }

  private sendReinvite(call: Call, request: SipRequest, authTries: number): UaAction[] {
    const dialog = call.dialog!;
    const onResponse = (r: SipResponse): UaAction[] => {
      if (r.status < 200 || !this.calls.has(call.callId)) return [];
      if (r.status < 300) {
        dialog.acceptTargetRefresh(r);
        const seq = parseCSeq(headerValue(request, 'CSeq')!).seq;
        if (request.body === '') {
          call.reinvite = { direction: 'out', ackSeq: seq };
          return [this.event({ type: 'reinviteOffered', callId: call.callId, sdp: r.body })];
        }
        call.reinvite = undefined;
        const ack = this.withVia(dialog.createRequest('ACK', [], '', seq));
        call.ack = { request: ack, dest: this.hop(dialog.nextHop()) };
        return [this.sendTo(ack, call.ack.dest), this.event({ type: 'reinviteAnswered', callId: call.callId, sdp: r.body })];
      }
      if ((r.status === 401 || r.status === 407) && authTries < 2) {
        const challenge = this.takeChallenge(r);
        if (challenge !== undefined) {
          dialog.localSeq++;
          return this.sendReinvite(call, this.reissue(request, challenge, dialog.localSeq), authTries + 1);
        }
      }
      call.reinvite = undefined;
      const failed = this.event({ type: 'reinviteFailed', callId: call.callId, status: r.status, reason: r.reason });
      // 481 and 408 mean the dialog is gone (§14.1).
      if (r.status === 481 || r.status === 408) return [failed, ...this.sendBye(call)];
      return [failed];
    };
    const onTimeout = (): UaAction[] => {
      call.reinvite = undefined;
      if (!this.calls.has(call.callId)) return [];
      return [this.event({ type: 'reinviteFailed', callId: call.callId, status: 408, reason: 'Request Timeout' }), ...this.sendBye(call)];
    };
    return this.startClient(request, this.hop(dialog.nextHop()), onResponse, onTimeout);
  }

  /** Accepts the peer's re-INVITE with an SDP answer (200, retransmitted until ACK). */
  acceptReinvite(callId: string, sdp: string): UaAction[] {
    const call = this.calls.get(callId);
    const re = call?.reinvite;
    if (call === undefined || re === undefined || re.direction !== 'in') return [];
    call.reinvite = undefined;
    const response = this.response(re.request, 200, 'OK', [{ name: 'Contact', value: this.contact() }, { name: 'Content-Type', value: 'application/sdp' }], sdp);
    return [...this.respondServer(re.serverKey, response), ...this.start2xx(call, response, re.source, re.serverKey)];
  }

  /** Refuses the peer's re-INVITE (488 by default); the call goes on unchanged (§14.2). */
  rejectReinvite(callId: string, status = 488): UaAction[] {
    if (!Number.isInteger(status) || status < 300 || status > 699) throw new RangeError(`a rejection needs a 3xx-6xx status, not ${status}`);
    const call = this.calls.get(callId);
    const re = call?.reinvite;
    if (call === undefined || re === undefined || re.direction !== 'in') return [];
    call.reinvite = undefined;
    return this.respondServer(re.serverKey, this.response(re.request, status, reasonPhrase(status)));
  }

  // ---- incoming calls (§13.3) --------------------------------------------------------------------

  /** Sends 180 Ringing for an incoming call. */
  ringing(callId: string): UaAction[] {
    const call = this.calls.get(callId);
    if (call === undefined || call.direction !== 'incoming' || call.state !== 'calling') return [];
    call.state = 'early';
    return this.respondServer(call.serverKey!, this.response(call.invite, 180, 'Ringing', [{ name: 'Contact', value: this.contact() }], '', call.localTag));
  }

  /** Answers an incoming call with an SDP answer: 200 OK, retransmitted until the ACK (§13.3.1.4). */
  answer(callId: string, sdp: string): UaAction[] {
    const call = this.calls.get(callId);
    if (call === undefined || call.direction !== 'incoming' || (call.state !== 'calling' && call.state !== 'early')) return [];
    const response = this.response(call.invite, 200, 'OK', [{ name: 'Contact', value: this.contact() }, { name: 'Content-Type', value: 'application/sdp' }], sdp, call.localTag);
    call.dialog = Dialog.asUas(call.invite, call.localTag, this.randomSeq());
    call.state = 'answered';
    return [...this.respondServer(call.serverKey!, response), ...this.start2xx(call, response, call.source!, call.serverKey!)];
  }

  /**
   * Refuses an incoming call: 486 Busy Here, 488 Not Acceptable Here, 603 Decline (§21.4.26,
   * §21.6.2). A 488 may carry an SDP body saying what this phone would accept, and `warning` a
   * reason for people (Warning: 399, §20.43).
   */
  reject(callId: string, status: 486 | 488 | 603 | number, sdp = '', warning?: string): UaAction[] {
    if (!Number.isInteger(status) || status < 300 || status > 699) throw new RangeError(`a rejection needs a 3xx-6xx status, not ${status}`);
    const call = this.calls.get(callId);
    if (call === undefined || call.direction !== 'incoming' || (call.state !== 'calling' && call.state !== 'early')) return [];
    this.calls.delete(callId);
    const headers = sdp ? [{ name: 'Content-Type', value: 'application/sdp' }] : [];
    if (warning !== undefined) headers.push({ name: 'Warning', value: `399 ${this.config.local.address}:${this.config.local.port} "${warning.replace(/["\\]/g, '')}"` });
    return this.respondServer(call.serverKey!, this.response(call.invite, status, reasonPhrase(status), headers, sdp, call.localTag));
  }

  private start2xx(call: Call, response: SipResponse, dest: HostPort, serverKey: string): UaAction[] {
    const { T1, T2 } = this.timerValues;
    const pending: Pending2xx = { response, dest, serverKey, interval: T1, delay: T1, elapsed: 0 };
    call.pending2xx = pending;
    const key = `2xx:${call.callId}`;
    const fire = (): UaAction[] => {
      pending.elapsed += pending.delay;
      if (pending.elapsed >= 64 * T1) {
        // No ACK for 64*T1: the dialog is confirmed, then ended with BYE (§13.3.1.4).
        call.pending2xx = undefined;
        if (call.state !== 'answered') return [];
        call.state = 'confirmed';
        const bye = this.sendBye(call);
        return [...bye, ...this.endCall(call, 'ack-timeout')];
      }
      // Retransmit at T1, 2*T1, ... capped at T2 (§13.3.1.4).
      pending.interval = Math.min(2 * pending.interval, T2);
      pending.delay = Math.min(pending.interval, 64 * T1 - pending.elapsed);
      return [this.sendTo(response, dest), ...this.setTimer(key, pending.delay, fire)];
    };
    return this.setTimer(key, pending.delay, fire);
  }

  // ---- OPTIONS (§11) -------------------------------------------------------------------------------

  /** Queries a peer's capabilities; the result arrives as an optionsResult event. */
  options(target: string): UaAction[] {
    parseUri(target);
    const { user, domain } = this.config.account;
    const request: SipRequest = {
      kind: 'request', method: 'OPTIONS', uri: target, body: '',
      headers: [
        this.via(),
        { name: 'From', value: `<sip:${user}@${domain}>;tag=${this.hex(6)}` },
        { name: 'To', value: `<${target}>` },
        { name: 'Call-ID', value: this.newCallId() },
        { name: 'CSeq', value: '1 OPTIONS' },
        { name: 'Max-Forwards', value: '70' },
        { name: 'Accept', value: 'application/sdp' },
        ...this.commonHeaders(),
      ],
    };
    const result = (status: number): UaAction[] => [this.event({ type: 'optionsResult', uri: target, status })];
    return this.startClient(request, this.outOfDialogDest(target), (r) => (r.status >= 200 ? result(r.status) : []), () => result(408));
  }

  // ---- receiving -----------------------------------------------------------------------------------

  private receiveResponse(response: SipResponse): UaAction[] {
    const key = clientKey(response);
    const entry = this.clients.get(key);
    if (entry === undefined) return response.status >= 200 && response.status < 300 ? this.onStray2xx(response) : [];
    return this.runClient(key, entry, entry.tx.onResponse(response));
  }

  private receiveRequest(request: SipRequest, source: HostPort): UaAction[] {
    const key = serverKey(request);
    const existing = this.servers.get(key);
    if (existing !== undefined) return this.runServer(key, existing.tx.onRequest(request));
    if (request.method === 'ACK') return this.onAck2xx(request);
    if (request.method === 'INVITE') {
      // The INVITE transaction ended with our 2xx: its retransmissions get the 2xx again (§13.3.1.4).
      const pending = this.calls.get(headerValue(request, 'Call-ID')!)?.pending2xx;
      if (pending !== undefined && pending.serverKey === key) return [this.sendTo(pending.response, pending.dest)];
    }
    const room = this.makeRoomForServer();
    if (room === undefined) {
      // Every slot holds a request still waiting for its answer: refused statelessly (§8.2.7, §21.5.4).
      return [this.sendTo(this.response(request, 503, 'Service Unavailable', [{ name: 'Retry-After', value: '5' }], '', this.statelessTag), source)];
    }
    const { transaction, actions } = ServerTransaction.start(request, this.timerValues);
    this.servers.set(key, { tx: transaction, source });
    return [...room, ...this.runServer(key, actions)];
  }

  /**
   * Keeps the server transactions under MAX_SERVER_TRANSACTIONS: a flood of requests (never ACKed
   * INVITEs above all, each kept 32 s by Timer H, §17.2.1) must not grow the table, its timers and
   * the heap without bound. When full, the oldest transaction that has sent its final response and
   * only absorbs retransmissions (completed or confirmed) goes, with its timers; a retransmitted
   * request then meets no transaction and is answered again as new. Undefined when none can go.
   */
  private makeRoomForServer(): UaAction[] | undefined {
    if (this.servers.size < MAX_SERVER_TRANSACTIONS) return [];
    for (const [key, entry] of this.servers) {
      if (entry.tx.state !== 'completed' && entry.tx.state !== 'confirmed') continue;
      this.servers.delete(key);
      this.evictedServerTransactions++;
      const actions: UaAction[] = [];
      for (const timer of ['G', 'H', 'I', 'J'] as const) actions.push(...this.clearTimer(timerKey('s', key, timer)));
      return actions;
    }
    return undefined;
  }

  /** A new request delivered by its server transaction: the UAS core (§8.2). */
  private onNewRequest(request: SipRequest, key: string): UaAction[] {
    const source = this.servers.get(key)!.source;
    // A final response adds a To tag when the request had none (§8.2.6.2).
    const reply = (status: number, extra: readonly SipHeader[] = []): UaAction[] => this.respondServer(key, this.response(request, status, reasonPhrase(status), extra, '', this.hex(6)));
    if (request.method === 'CANCEL') return this.onCancel(request, key);
    const refusal = checkRequest(request);
    if (refusal !== undefined) return reply(refusal.status, refusal.headers);
    const to = parseNameAddr(headerValue(request, 'To')!);
    const from = parseNameAddr(headerValue(request, 'From')!);
    const callId = headerValue(request, 'Call-ID')!;
    if (to.params.tag !== undefined) {
      // Inside a dialog (§12.2.2).
      const call = this.calls.get(callId);
      const dialog = call?.dialog;
      if (call === undefined || dialog === undefined || dialog.id !== dialogId(callId, to.params.tag, from.params.tag ?? '')) {
        return reply(request.method === 'OPTIONS' ? 200 : 481, request.method === 'OPTIONS' ? this.optionsHeaders() : []);
      }
      if (!dialog.acceptRequest(request)) return reply(500);
      switch (request.method) {
        case 'BYE': {
          const actions = reply(200);
          return [...actions, ...this.endCall(call, 'remote-bye')];
        }
        case 'INVITE':
          return this.onReinvite(call, request, key, source);
        default:
          // OPTIONS: checkRequest left INVITE, BYE and OPTIONS (ACK and CANCEL never get here).
          return reply(200, this.optionsHeaders());
      }
    }
    switch (request.method) {
      case 'INVITE':
        return this.onInitialInvite(request, key, source);
      case 'BYE':
        return reply(481);
      default:
        return reply(200, this.optionsHeaders());
    }
  }

  /**
   * The stateless answer to a request the parser refused (§8.2.7): its Via, From, To (with a tag,
   * §8.2.6.2), Call-ID and CSeq copied as they came, without a transaction: a retransmission is
   * refused again the same way.
   */
  private answerMalformed(error: SipRequestError, source: HostPort): UaAction[] {
    this.refusedRequests++;
    const { status, headers: extra } = malformedStatus(error);
    const first = (name: string): string => error.headers.find((h) => h.name === name)!.value;
    let to = first('To');
    try {
      if (parseNameAddr(to).params.tag === undefined) to += `;tag=${this.statelessTag}`;
    } catch (e) {
      // A To that does not parse is copied as it came: no tag can be placed in it.
      if (!(e instanceof SipParseError)) throw e;
    }
    // §21.4.1: the reason phrase says what is wrong; printable ASCII only, as it echoes the request.
    const reason = status === 400 ? `Bad Request (${error.message})`.replace(/[^\x20-\x7e]/g, '?').slice(0, 120) : reasonPhrase(status);
    const headers: SipHeader[] = [
      ...error.headers.filter((h) => h.name === 'Via'),
      { name: 'From', value: first('From') },
      { name: 'To', value: to },
      { name: 'Call-ID', value: first('Call-ID') },
      { name: 'CSeq', value: first('CSeq') },
      ...extra,
      ...this.commonHeaders(),
    ];
    return [this.sendTo({ kind: 'response', status, reason, headers, body: '' }, source)];
  }

  private onInitialInvite(request: SipRequest, key: string, source: HostPort): UaAction[] {
    const callId = headerValue(request, 'Call-ID')!;
    if (this.calls.has(callId)) {
      // Same Call-ID, new branch: a merged (forked-and-looped) request (§8.2.2.2).
      return this.respondServer(key, this.response(request, 482, 'Loop Detected'));
    }
    const from = parseNameAddr(headerValue(request, 'From')!);
    const contacts = headerValues(request, 'Contact');
    try {
      // §8.1.1.8: one SIP URI Contact, the dialog's remote target. An RFC 2543 INVITE may have
      // none (RFC 4475 §3.4.1): the From URI is the remote target then (Dialog.asUas).
      if (contacts.length > 1) throw new SipParseError('INVITE with more than one Contact');
      if (contacts.length === 1) parseUri(parseNameAddr(contacts[0]).uri);
    } catch (e) {
      if (!(e instanceof SipParseError)) throw e;
      return this.respondServer(key, this.response(request, 400, 'Bad Request'));
    }
    const call: Call = {
      callId, direction: 'incoming', state: 'calling', invite: request, localTag: this.hex(6), provisional: false,
      cancelPending: false, serverKey: key, source, byeAfterAck: false, authTries: 0,
    };
    this.calls.set(callId, call);
    const trying = this.respondServer(key, this.response(request, 100, 'Trying'));
    const event: UaEvent = { type: 'incomingCall', callId, from: from.uri, ...(from.displayName === undefined ? {} : { displayName: from.displayName }), sdp: request.body };
    return [...trying, this.event(event)];
  }

  private onReinvite(call: Call, request: SipRequest, key: string, source: HostPort): UaAction[] {
    if (call.reinvite !== undefined || call.state !== 'confirmed') {
      // Glare (§14.2): 491 while our own re-INVITE is pending, 500 with Retry-After otherwise.
      if (call.reinvite?.direction === 'out') return this.respondServer(key, this.response(request, 491, 'Request Pending'));
      return this.respondServer(key, this.response(request, 500, 'Server Internal Error', [{ name: 'Retry-After', value: '1' }]));
    }
    call.reinvite = { direction: 'in', request, serverKey: key, source };
    return [...this.respondServer(key, this.response(request, 100, 'Trying')), this.event({ type: 'reinvite', callId: call.callId, sdp: request.body })];
  }

  private onCancel(cancel: SipRequest, key: string): UaAction[] {
    // The CANCEL matches the INVITE server transaction with the same branch (§9.2).
    const inviteKey = serverKey({ ...cancel, method: 'INVITE' });
    const invite = this.servers.get(inviteKey);
    const call = this.calls.get(headerValue(cancel, 'Call-ID')!);
    if (invite === undefined || invite.tx.state !== 'proceeding' || call === undefined || call.serverKey !== inviteKey) {
      return this.respondServer(key, this.response(cancel, 481, 'Call/Transaction Does Not Exist'));
    }
    const ok = this.respondServer(key, this.response(cancel, 200, 'OK', [], '', call.localTag));
    const terminated = this.respondServer(inviteKey, this.response(call.invite, 487, 'Request Terminated', [], '', call.localTag));
    return [...ok, ...terminated, ...this.endCall(call, 'cancelled')];
  }

  /** The ACK for a 2xx (its own transaction, §13.3.1.4, §17.1.1.3). */
  private onAck2xx(ack: SipRequest): UaAction[] {
    const call = this.calls.get(headerValue(ack, 'Call-ID')!);
    if (call?.pending2xx === undefined) return [];
    const seq = parseCSeq(headerValue(ack, 'CSeq')!).seq;
    if (parseCSeq(headerValue(call.pending2xx.response, 'CSeq')!).seq !== seq) return [];
    call.pending2xx = undefined;
    const actions = this.clearTimer(`2xx:${call.callId}`);
    if (call.state === 'confirmed') return [...actions, this.event({ type: 'reinviteConfirmed', callId: call.callId, sdp: ack.body })];
    if (call.state !== 'answered') return actions;
    call.state = 'confirmed';
    actions.push(this.event({ type: 'confirmed', callId: call.callId, sdp: ack.body }));
    if (call.byeAfterAck) actions.push(...this.sendBye(call));
    return actions;
  }

  // ---- transactions and timers ------------------------------------------------------------------

  private startClient(request: SipRequest, dest: HostPort, onResponse: ClientEntry['onResponse'], onTimeout: ClientEntry['onTimeout']): UaAction[] {
    const { transaction, actions } = ClientTransaction.start(request, this.timerValues);
    const key = clientKey(request);
    const entry: ClientEntry = { tx: transaction, dest, onResponse, onTimeout };
    this.clients.set(key, entry);
    return this.runClient(key, entry, actions);
  }

  private runClient(key: string, entry: ClientEntry, actions: TransactionAction[]): UaAction[] {
    const out: UaAction[] = [];
    for (const a of actions) {
      switch (a.type) {
        case 'send':
          out.push(this.sendTo(a.message, entry.dest));
          break;
        case 'startTimer':
          out.push(...this.setTimer(timerKey('c', key, a.timer), a.delayMs, () => this.runClient(key, entry, entry.tx.onTimer(a.timer))));
          break;
        case 'stopTimer':
          out.push(...this.clearTimer(timerKey('c', key, a.timer)));
          break;
        case 'deliver':
          out.push(...entry.onResponse(a.message as SipResponse));
          break;
        case 'timeout':
          out.push(...entry.onTimeout());
          break;
        case 'terminated':
          if (this.clients.get(key) === entry) this.clients.delete(key);
          break;
      }
    }
    return out;
  }

  private respondServer(key: string, response: SipResponse): UaAction[] {
    const entry = this.servers.get(key);
    if (entry === undefined) return [];
    return this.runServer(key, entry.tx.respond(response));
  }

  private runServer(key: string, actions: TransactionAction[]): UaAction[] {
    const entry = this.servers.get(key);
    if (entry === undefined) return [];
    const out: UaAction[] = [];
    for (const a of actions) {
      switch (a.type) {
        case 'send':
          out.push(this.sendTo(a.message, entry.source));
          break;
        case 'startTimer':
          out.push(...this.setTimer(timerKey('s', key, a.timer), a.delayMs, () => this.runServer(key, entry.tx.onTimer(a.timer))));
          break;
        case 'stopTimer':
          out.push(...this.clearTimer(timerKey('s', key, a.timer)));
          break;
        case 'deliver':
          out.push(...this.onNewRequest(a.message as SipRequest, key));
          break;
        case 'timeout':
          break;
        case 'terminated':
          if (this.servers.get(key) === entry) this.servers.delete(key);
          break;
      }
    }
    return out;
  }

  private setTimer(key: string, delayMs: number, handler: () => UaAction[]): UaAction[] {
    this.timers.set(key, handler);
    return [{ type: 'setTimer', key, delayMs }];
  }

  private clearTimer(key: string): UaAction[] {
    if (!this.timers.delete(key)) return [];
    return [{ type: 'clearTimer', key }];
  }

  // ---- helpers ----------------------------------------------------------------------------------------

  private endCall(call: Call, reason: 'remote-bye' | 'local-bye' | 'cancelled' | 'ack-timeout'): UaAction[] {
    if (!this.calls.has(call.callId)) return [];
    this.calls.delete(call.callId);
    const actions = this.clearTimer(`2xx:${call.callId}`);
    const re = call.reinvite;
    if (re?.direction === 'in') {
      // A re-INVITE still waiting for the user's answer ends with the call (§15.1.2).
      actions.push(...this.respondServer(re.serverKey, this.response(re.request, 487, 'Request Terminated')));
    }
    call.reinvite = undefined;
    actions.push(this.event({ type: 'ended', callId: call.callId, reason }));
    return actions;
  }

  private failCall(call: Call, status: number, reason: string, sdp = ''): UaAction[] {
    if (!this.calls.has(call.callId)) return [];
    this.calls.delete(call.callId);
    if (call.cancelPending) return [this.event({ type: 'ended', callId: call.callId, reason: 'cancelled' })];
    return [this.event({ type: 'failed', callId: call.callId, status, reason, sdp })];
  }

  /** A response to `request` (§8.2.6.2): Via, From, To (+ tag), Call-ID, CSeq; Record-Route for dialogs (§12.1.1). */
  private response(request: SipRequest, status: number, reason: string, extra: readonly SipHeader[] = [], body = '', toTag?: string): SipResponse {
    const to = parseNameAddr(headerValue(request, 'To')!);
    const toValue = to.params.tag === undefined && toTag !== undefined && status > 100 ? `${headerValue(request, 'To')};tag=${toTag}` : headerValue(request, 'To')!;
    const headers: SipHeader[] = [
      ...request.headers.filter((h) => h.name === 'Via'),
      ...(request.method === 'INVITE' && status > 100 && status < 300 ? request.headers.filter((h) => h.name === 'Record-Route') : []),
      { name: 'From', value: headerValue(request, 'From')! },
      { name: 'To', value: toValue },
      { name: 'Call-ID', value: headerValue(request, 'Call-ID')! },
      { name: 'CSeq', value: headerValue(request, 'CSeq')! },
      ...extra,
      ...this.commonHeaders(),
    ];
    return { kind: 'response', status, reason, headers, body };
  }

  private optionsHeaders(): SipHeader[] {
    return [{ name: 'Allow', value: ALLOW }, { name: 'Accept', value: 'application/sdp' }];
  }

  private commonHeaders(): SipHeader[] {
    return this.config.userAgent === undefined ? [] : [{ name: 'User-Agent', value: this.config.userAgent }];
  }

  /** Picks a Digest challenge we can answer from a 401 (WWW-Authenticate) or 407 (Proxy-Authenticate). */
  private takeChallenge(response: SipResponse): Challenge | undefined {
    const proxy = response.status === 407;
    for (const value of headerValues(response, proxy ? 'Proxy-Authenticate' : 'WWW-Authenticate')) {
      const c = parseAuth(value);
      const alg = (c.params.algorithm ?? 'MD5').toUpperCase();
      if (c.scheme.toLowerCase() === 'digest' && (alg === 'MD5' || alg === 'SHA-256') && c.params.nonce !== undefined && c.params.realm !== undefined) {
        return { header: proxy ? 'Proxy-Authorization' : 'Authorization', value, nonceCount: 0 };
      }
    }
    return undefined;
  }

  private answerChallenge(challenge: Challenge, method: string, uri: string): string {
    const { user, authUser, password } = this.config.account;
    challenge.nonceCount++;
    return authorize(parseAuth(challenge.value), { username: authUser ?? user, password }, method, uri, challenge.nonceCount, this.hex(8));
  }

  /** The same request again with credentials, a new branch and the next CSeq (§22.2). */
  private reissue(request: SipRequest, challenge: Challenge, seq?: number): SipRequest {
    const cseq = parseCSeq(headerValue(request, 'CSeq')!);
    const headers = request.headers.filter((h) => h.name !== 'Via' && h.name !== 'CSeq' && h.name !== challenge.header);
    headers.unshift(this.via());
    headers.push({ name: 'CSeq', value: `${seq ?? cseq.seq + 1} ${cseq.method}` });
    headers.push({ name: challenge.header, value: this.answerChallenge(challenge, request.method, request.uri) });
    return { ...request, headers };
  }

  private via(): SipHeader {
    // RFC 3581 rport asks for responses to come back to the source port.
    return { name: 'Via', value: `SIP/2.0/UDP ${this.config.local.address}:${this.config.local.port};branch=z9hG4bK${this.hex(8)};rport` };
  }

  private withVia(request: SipRequest): SipRequest {
    return { ...request, headers: [this.via(), ...request.headers] };
  }

  private contact(): string {
    return `<sip:${this.config.account.user}@${this.config.local.address}:${this.config.local.port}>`;
  }

  /** Out-of-dialog requests go to the outbound proxy, else to the Request-URI's host (§8.1.2). */
  private outOfDialogDest(uri: string): HostPort {
    return this.config.outboundProxy ?? this.hop(uri);
  }

  private hop(uri: string): HostPort {
    const u = parseUri(uri);
    const host = u.host.startsWith('[') ? u.host.slice(1, -1) : u.host;
    return { address: host, port: u.port ?? 5060 };
  }

  private sendTo(message: SipRequest | SipResponse, dest: HostPort): UaAction {
    return { type: 'send', data: serializeMessage(message), address: dest.address, port: dest.port };
  }

  private event(event: UaEvent): UaAction {
    return { type: 'event', event };
  }

  private hex(bytes: number): string {
    return toHex(this.config.random.bytes(bytes));
  }

  private newCallId(): string {
    return `${this.hex(12)}@${this.config.local.address}`;
  }

  /** A random initial local CSeq below 2**31 (§8.1.1.5). */
  private randomSeq(): number {
    const b = this.config.random.bytes(2);
    return ((b[0] << 8) | b[1]) + 1;
  }
}

function timerKey(side: 'c' | 's', key: string, timer: TimerName): string {
  return `${side}:${key}:${timer}`;
}

/** Reason phrases of the responses the UA itself sends (§21). */
function reasonPhrase(status: number): string {
  const phrases: Record<number, string> = {
    200: 'OK', 400: 'Bad Request', 405: 'Method Not Allowed', 406: 'Not Acceptable', 415: 'Unsupported Media Type',
    416: 'Unsupported URI Scheme', 420: 'Bad Extension', 480: 'Temporarily Unavailable', 481: 'Call/Transaction Does Not Exist', 486: 'Busy Here',
    488: 'Not Acceptable Here', 491: 'Request Pending', 500: 'Server Internal Error', 501: 'Not Implemented',
    505: 'Version Not Supported', 603: 'Decline',
  };
  return phrases[status] ?? 'Error';
}

