// RFC 3261 §17 transactions: the INVITE and non-INVITE client and server state machines, with timers
// A-K. Over a reliable transport (TCP, TLS) nothing is retransmitted (no timers A, E, G) and the
// timers that absorb retransmissions (D, I, J, K) are zero (§17.1.1.2, §17.1.2.2, §17.2.1, §17.2.2).
// Pure: each method takes one event and returns the actions the owner must carry out (send,
// start/stop a named timer, deliver to the TU, terminated).

import { fieldsOf } from './fields.js';
import { headerValue, headerValues, type SipMessage, type SipRequest, type SipResponse } from './message.js';

/** The timer values of §17.1.1.1 and Table 4 (milliseconds). */
export interface TimerValues {
  readonly T1: number;
  readonly T2: number;
  readonly T4: number;
}

export const DEFAULT_TIMERS: TimerValues = { T1: 500, T2: 4000, T4: 5000 };

export type TimerName = 'A' | 'B' | 'D' | 'E' | 'F' | 'G' | 'H' | 'I' | 'J' | 'K';

export type TransactionAction =
  | { readonly type: 'send'; readonly message: SipMessage }
  | { readonly type: 'startTimer'; readonly timer: TimerName; readonly delayMs: number }
  | { readonly type: 'stopTimer'; readonly timer: TimerName }
  /** A message for the transaction user: a response (client) or a request (server). */
  | { readonly type: 'deliver'; readonly message: SipMessage }
  /** Timer B/F/H fired: the TU learns of the timeout (§17.1.1.2, §17.1.2.2, §17.2.1). */
  | { readonly type: 'timeout' }
  /** The transport could not send the transaction's message: the TU learns of it (§17.1.4, §17.2.4, §18.4). */
  | { readonly type: 'transportError' }
  | { readonly type: 'terminated' };

export type ClientState = 'calling' | 'trying' | 'proceeding' | 'completed' | 'terminated';
export type ServerState = 'trying' | 'proceeding' | 'completed' | 'confirmed' | 'terminated';

/** The branch of the top Via (§8.1.1.7), '' when absent. */
export function topBranch(message: SipMessage): string {
  return fieldsOf(message).vias[0].params.branch ?? '';
}

/** Client transaction key: branch + CSeq method (§17.1.3). */
export function clientKey(message: SipMessage): string {
  return `${topBranch(message)}|${fieldsOf(message).cseq.method}`;
}

/**
 * Server transaction key (§17.2.3): branch + sent-by + method, where an ACK matches its INVITE.
 * CANCEL has its own transaction (same branch, method CANCEL). A branch without the magic cookie
 * "z9hG4bK" and something after it (RFC 2543 peers, RFC 4475 §3.2.1 and §3.4.1) identifies
 * nothing: then the Request-URI, From tag, Call-ID, CSeq number and top Via do (§17.2.3's RFC 2543
 * rule, leaving out the To tag, which the ACK for a non-2xx takes from our response).
 */
export function serverKey(request: SipRequest): string {
  const fields = fieldsOf(request);
  const via = fields.vias[0];
  const method = request.method === 'ACK' ? 'INVITE' : request.method;
  const branch = via.params.branch ?? '';
  if (branch.length > MAGIC_COOKIE.length && branch.startsWith(MAGIC_COOKIE)) return `${branch}|${via.host}:${via.port ?? 5060}|${method}`;
  return `2543|${request.uri}|${fields.from.params.tag ?? ''}|${fields.callId}|${fields.cseq.seq}|${headerValues(request, 'Via')[0]}|${method}`;
}

/** The branch prefix of RFC 3261 transaction identifiers (§8.1.1.7). */
const MAGIC_COOKIE = 'z9hG4bK';

/** The ACK a client INVITE transaction sends for a non-2xx final response (§17.1.1.3). */
export function ackForNon2xx(invite: SipRequest, response: SipResponse): SipRequest {
  const headers = [
    { name: 'Via', value: headerValues(invite, 'Via')[0] },
    ...invite.headers.filter((h) => h.name === 'Route'),
    { name: 'From', value: headerValue(invite, 'From')! },
    { name: 'To', value: headerValue(response, 'To')! },
    { name: 'Call-ID', value: headerValue(invite, 'Call-ID')! },
    { name: 'CSeq', value: `${fieldsOf(invite).cseq.seq} ACK` },
    { name: 'Max-Forwards', value: '70' },
  ];
  return { kind: 'request', method: 'ACK', uri: invite.uri, headers, body: '' };
}

/** §17.1.1 (INVITE) and §17.1.2 (non-INVITE) client transactions. */
export class ClientTransaction {
  readonly request: SipRequest;
  readonly isInvite: boolean;
  private stateValue: ClientState;
  private interval: number;
  private ack: SipRequest | undefined;

  private constructor(request: SipRequest, private readonly timers: TimerValues, private readonly reliable: boolean) {
    this.request = request;
    this.isInvite = request.method === 'INVITE';
    this.stateValue = this.isInvite ? 'calling' : 'trying';
    this.interval = timers.T1;
  }

  get state(): ClientState {
    return this.stateValue;
  }

  /**
   * Creates the transaction and returns it with its first actions: send, timers A+B or E+F (only
   * B or F when `reliable`: the transport does not lose the request).
   */
  static start(request: SipRequest, timers: TimerValues = DEFAULT_TIMERS, reliable = false): { transaction: ClientTransaction; actions: TransactionAction[] } {
    const t = new ClientTransaction(request, timers, reliable);
    const retransmit: TimerName = t.isInvite ? 'A' : 'E';
    const timeout: TimerName = t.isInvite ? 'B' : 'F';
    const actions: TransactionAction[] = [{ type: 'send', message: request }];
    if (!reliable) actions.push({ type: 'startTimer', timer: retransmit, delayMs: timers.T1 });
    actions.push({ type: 'startTimer', timer: timeout, delayMs: 64 * timers.T1 });
    return { transaction: t, actions };
  }

  /** Completed: wait out retransmitted responses with `timer`, or end at once over a reliable transport. */
  private complete(timer: 'D' | 'K', delayMs: number): TransactionAction {
    if (!this.reliable) return { type: 'startTimer', timer, delayMs };
    this.stateValue = 'terminated';
    return { type: 'terminated' };
  }

  onResponse(response: SipResponse): TransactionAction[] {
    const s = this.stateValue;
    const provisional = response.status < 200;
    if (this.isInvite) {
      if (s === 'calling' || s === 'proceeding') {
        if (provisional) {
          const actions: TransactionAction[] = s === 'calling' ? [{ type: 'stopTimer', timer: 'A' }] : [];
          this.stateValue = 'proceeding';
          return [...actions, { type: 'deliver', message: response }];
        }
        if (response.status < 300) {
          // 2xx: the TU sends the ACK and absorbs retransmissions (§17.1.1.2, §13.2.2.4).
          this.stateValue = 'terminated';
          return [{ type: 'stopTimer', timer: 'A' }, { type: 'stopTimer', timer: 'B' }, { type: 'deliver', message: response }, { type: 'terminated' }];
        }
        this.ack = ackForNon2xx(this.request, response);
        this.stateValue = 'completed';
        return [
          { type: 'stopTimer', timer: 'A' }, { type: 'stopTimer', timer: 'B' },
          { type: 'send', message: this.ack }, { type: 'deliver', message: response },
          this.complete('D', Math.max(32000, 64 * this.timers.T1)),
        ];
      }
      if (s === 'completed' && response.status >= 300) return [{ type: 'send', message: this.ack! }];
      return [];
    }
    if (s === 'trying' || s === 'proceeding') {
      if (provisional) {
        this.stateValue = 'proceeding';
        return [{ type: 'deliver', message: response }];
      }
      this.stateValue = 'completed';
      return [
        { type: 'stopTimer', timer: 'E' }, { type: 'stopTimer', timer: 'F' },
        { type: 'deliver', message: response },
        this.complete('K', this.timers.T4),
      ];
    }
    return [];
  }

  onTimer(timer: TimerName): TransactionAction[] {
    const s = this.stateValue;
    switch (timer) {
      case 'A':
        if (s !== 'calling') return [];
        this.interval *= 2;
        return [{ type: 'send', message: this.request }, { type: 'startTimer', timer: 'A', delayMs: this.interval }];
      case 'E':
        if (s !== 'trying' && s !== 'proceeding') return [];
        // §17.1.2.2: doubling up to T2 while Trying, T2 once Proceeding.
        this.interval = s === 'trying' ? Math.min(2 * this.interval, this.timers.T2) : this.timers.T2;
        return [{ type: 'send', message: this.request }, { type: 'startTimer', timer: 'E', delayMs: this.interval }];
      case 'B':
      case 'F':
        // Timer B times out only an INVITE still in Calling: once a provisional response arrived
        // the callee may ring as long as it likes (§17.1.1.2); the TU cancels when it gives up.
        if (s === 'completed' || s === 'terminated' || (timer === 'B' && s !== 'calling')) return [];
        this.stateValue = 'terminated';
        return [{ type: 'stopTimer', timer: timer === 'B' ? 'A' : 'E' }, { type: 'timeout' }, { type: 'terminated' }];
      case 'D':
      case 'K':
        if (s !== 'completed') return [];
        this.stateValue = 'terminated';
        return [{ type: 'terminated' }];
      default:
        return [];
    }
  }

  /**
   * The transport layer reports that the request could not be sent, or that its connection failed
   * before the final response (§18.4): the TU is told at once and the transaction ends (§17.1.4).
   * Once a final response arrived there is nothing left to fail.
   */
  onTransportError(): TransactionAction[] {
    const s = this.stateValue;
    if (s === 'completed' || s === 'terminated') return [];
    this.stateValue = 'terminated';
    const [retransmit, timeout]: TimerName[] = this.isInvite ? ['A', 'B'] : ['E', 'F'];
    return [{ type: 'stopTimer', timer: retransmit }, { type: 'stopTimer', timer: timeout }, { type: 'transportError' }, { type: 'terminated' }];
  }
}

/** §17.2.1 (INVITE) and §17.2.2 (non-INVITE) server transactions. */
export class ServerTransaction {
  readonly request: SipRequest;
  readonly isInvite: boolean;
  private stateValue: ServerState;
  private lastResponse: SipResponse | undefined;
  private interval: number;

  private constructor(request: SipRequest, private readonly timers: TimerValues, private readonly reliable: boolean) {
    this.request = request;
    this.isInvite = request.method === 'INVITE';
    this.stateValue = this.isInvite ? 'proceeding' : 'trying';
    this.interval = timers.T1;
  }

  get state(): ServerState {
    return this.stateValue;
  }

  /** Creates the transaction for a new request and delivers it to the TU. */
  static start(request: SipRequest, timers: TimerValues = DEFAULT_TIMERS, reliable = false): { transaction: ServerTransaction; actions: TransactionAction[] } {
    const t = new ServerTransaction(request, timers, reliable);
    return { transaction: t, actions: [{ type: 'deliver', message: request }] };
  }

  /** A retransmission of the request (or, for INVITE, the ACK) arrived from the network. */
  onRequest(request: SipRequest): TransactionAction[] {
    const s = this.stateValue;
    if (request.method === 'ACK') {
      if (!this.isInvite || s !== 'completed') return [];
      this.stateValue = 'confirmed';
      return [{ type: 'stopTimer', timer: 'G' }, { type: 'stopTimer', timer: 'H' }, this.after('I', this.timers.T4)];
    }
    if ((s === 'proceeding' || s === 'completed') && this.lastResponse !== undefined) return [{ type: 'send', message: this.lastResponse }];
    return [];
  }

  /** The TU sends a response through the transaction. */
  respond(response: SipResponse): TransactionAction[] {
    const s = this.stateValue;
    if (s !== 'trying' && s !== 'proceeding') return [];
    this.lastResponse = response;
    if (response.status < 200) {
      this.stateValue = 'proceeding';
      return [{ type: 'send', message: response }];
    }
    if (this.isInvite) {
      if (response.status < 300) {
        // 2xx: the transaction ends; the TU retransmits the 2xx until the ACK (§13.3.1.4, §17.2.1).
        this.stateValue = 'terminated';
        return [{ type: 'send', message: response }, { type: 'terminated' }];
      }
      this.stateValue = 'completed';
      // Timer G retransmits the final response over UDP; H waits for the ACK whatever the transport.
      const actions: TransactionAction[] = [{ type: 'send', message: response }];
      if (!this.reliable) actions.push({ type: 'startTimer', timer: 'G', delayMs: this.timers.T1 });
      actions.push({ type: 'startTimer', timer: 'H', delayMs: 64 * this.timers.T1 });
      return actions;
    }
    this.stateValue = 'completed';
    return [{ type: 'send', message: response }, this.after('J', 64 * this.timers.T1)];
  }

  /** Confirmed or completed: absorb retransmitted requests with `timer`, or end at once over a reliable transport. */
  private after(timer: 'I' | 'J', delayMs: number): TransactionAction {
    if (!this.reliable) return { type: 'startTimer', timer, delayMs };
    this.stateValue = 'terminated';
    return { type: 'terminated' };
  }

  onTimer(timer: TimerName): TransactionAction[] {
    const s = this.stateValue;
    switch (timer) {
      case 'G':
        if (s !== 'completed') return [];
        this.interval = Math.min(2 * this.interval, this.timers.T2);
        return [{ type: 'send', message: this.lastResponse! }, { type: 'startTimer', timer: 'G', delayMs: this.interval }];
      case 'H':
        if (s !== 'completed') return [];
        this.stateValue = 'terminated';
        return [{ type: 'stopTimer', timer: 'G' }, { type: 'timeout' }, { type: 'terminated' }];
      case 'I':
        if (s !== 'confirmed') return [];
        this.stateValue = 'terminated';
        return [{ type: 'terminated' }];
      case 'J':
        if (s !== 'completed' || this.isInvite) return [];
        this.stateValue = 'terminated';
        return [{ type: 'terminated' }];
      default:
        return [];
    }
  }

  /**
   * A response of this transaction could not be sent, even on a new connection (§18.2.2): the TU is
   * told and the transaction ends (§17.2.4). After the ACK (confirmed) nothing is sent any more.
   */
  onTransportError(): TransactionAction[] {
    const s = this.stateValue;
    if (s === 'confirmed' || s === 'terminated') return [];
    this.stateValue = 'terminated';
    return [{ type: 'stopTimer', timer: 'G' }, { type: 'stopTimer', timer: 'H' }, { type: 'stopTimer', timer: 'J' }, { type: 'transportError' }, { type: 'terminated' }];
  }
}
