// The transaction layer as the user agent core uses it (RFC 3261 §17): the client and server
// transactions in progress, matched by key (§17.1.3, §17.2.3), their actions turned into UA actions,
// and the timers they and the core ask for. The table of server transactions is bounded.

import { fieldsOf } from './fields.js';
import type { SipMessage, SipRequest, SipResponse } from './message.js';
import { ClientTransaction, clientKey, ServerTransaction, type TimerName, type TimerValues, type TransactionAction } from './transaction.js';
import { responseDestination, type Destination, type SipSource } from './transport.js';
import type { UaAction } from './ua-types.js';

/** Server transactions kept at once: a bound on the UA's state whatever arrives (issue 13). */
export const MAX_SERVER_TRANSACTIONS = 32;

/**
 * The transaction a 'send' action belongs to, as the transport reports it back when the message
 * could not be sent (UserAgent.transportError): `c ` + a client key, `s ` + a server key.
 */
export const clientRef = (key: string): string => `c ${key}`;
export const serverRef = (key: string): string => `s ${key}`;

/**
 * How a client transaction ended without a final response: Timer B/F (408 Request Timeout,
 * §8.1.3.1) or a transport failure (503 Service Unavailable, §8.1.3.1, §17.1.4), with `transport`
 * saying what failed.
 */
export type ClientFailure = (status: 408 | 503, reason: string, transport?: string) => UaAction[];

interface ClientEntry {
  readonly tx: ClientTransaction;
  readonly dest: Destination;
  /** A response, with where it came from (its stream, if any, carries the dialog's next requests). */
  readonly onResponse: (response: SipResponse, source: SipSource | undefined) => UaAction[];
  readonly onFailure: ClientFailure;
}

interface ServerEntry {
  readonly tx: ServerTransaction;
  /** Where its responses go (§18.2.2). */
  readonly dest: Destination;
}

export class TransactionTable {
  private readonly clients = new Map<string, ClientEntry>();
  private readonly servers = new Map<string, ServerEntry>();
  private readonly timers = new Map<string, () => UaAction[]>();
  /** Completed server transactions let go early to keep the table bounded (see makeRoomForServer). */
  evictedServerTransactions = 0;

  constructor(
    private readonly timerValues: TimerValues,
    private readonly sendTo: (message: SipMessage, dest: Destination, transaction: string) => UaAction,
    /** The UAS core: a new request its server transaction delivers (§8.2), and where its responses go. */
    private readonly onNewRequest: (request: SipRequest, key: string, dest: Destination) => UaAction[],
    /** The UAS core: a server transaction's response could not be sent (§17.2.4). */
    private readonly onServerFailure: (key: string, reason: string) => UaAction[],
  ) {}

  get sizes(): { clientTransactions: number; serverTransactions: number; timers: number } {
    return { clientTransactions: this.clients.size, serverTransactions: this.servers.size, timers: this.timers.size };
  }

  // ---- client transactions (§17.1) ------------------------------------------------------------

  startClient(request: SipRequest, dest: Destination, onResponse: ClientEntry['onResponse'], onFailure: ClientFailure): UaAction[] {
    const { transaction, actions } = ClientTransaction.start(request, this.timerValues, dest.transport !== 'udp');
    const key = clientKey(request);
    const entry: ClientEntry = { tx: transaction, dest, onResponse, onFailure };
    this.clients.set(key, entry);
    return this.runClient(key, entry, actions);
  }

  /** A response for a client transaction; undefined when none matches (§17.1.3). */
  receiveResponse(response: SipResponse, source: SipSource): UaAction[] | undefined {
    const key = clientKey(response);
    const entry = this.clients.get(key);
    if (entry === undefined) return undefined;
    return this.runClient(key, entry, entry.tx.onResponse(response), source);
  }

  /**
   * The transport could not send a message of the transaction `ref` names (clientRef, serverRef), or
   * its connection failed (§18.4): the transaction ends and its user learns why (§17.1.4, §17.2.4).
   * A transaction already over, or unknown, is left alone.
   */
  transportError(ref: string, reason: string): UaAction[] {
    const key = ref.slice(2);
    if (ref === clientRef(key)) {
      const entry = this.clients.get(key);
      return entry === undefined ? [] : this.runClient(key, entry, entry.tx.onTransportError(), undefined, reason);
    }
    if (ref !== serverRef(key)) return [];
    const entry = this.servers.get(key);
    // No transaction: its 2xx, which the TU retransmits (§13.3.1.4), is the TU's to handle.
    if (entry === undefined) return this.onServerFailure(key, reason);
    return this.runServer(key, entry.tx.onTransportError(), reason);
  }

  private runClient(key: string, entry: ClientEntry, actions: TransactionAction[], source?: SipSource, failure = ''): UaAction[] {
    const out: UaAction[] = [];
    for (const a of actions) {
      switch (a.type) {
        case 'send':
          out.push(this.sendTo(a.message, entry.dest, clientRef(key)));
          break;
        case 'startTimer':
          out.push(...this.setTimer(timerKey('c', key, a.timer), a.delayMs, () => this.runClient(key, entry, entry.tx.onTimer(a.timer))));
          break;
        case 'stopTimer':
          out.push(...this.clearTimer(timerKey('c', key, a.timer)));
          break;
        case 'deliver':
          out.push(...entry.onResponse(a.message as SipResponse, source));
          break;
        case 'timeout':
          out.push(...entry.onFailure(408, 'Request Timeout'));
          break;
        case 'transportError':
          out.push(...entry.onFailure(503, 'Service Unavailable', failure));
          break;
        case 'terminated':
          if (this.clients.get(key) === entry) this.clients.delete(key);
          break;
      }
    }
    return out;
  }

  // ---- server transactions (§17.2) ------------------------------------------------------------

  /** The state of a server transaction, undefined when there is none. */
  serverState(key: string): ServerTransaction['state'] | undefined {
    return this.servers.get(key)?.tx.state;
  }

  /** A retransmission (or the ACK of a non-2xx) for a server transaction; undefined when none matches. */
  receiveRequest(request: SipRequest, key: string): UaAction[] | undefined {
    const existing = this.servers.get(key);
    if (existing === undefined) return undefined;
    return this.runServer(key, existing.tx.onRequest(request));
  }

  /**
   * A new server transaction for `request`, delivered to the UAS core; undefined when the table is
   * full of transactions still waiting for their final response.
   */
  startServer(request: SipRequest, key: string, source: SipSource): UaAction[] | undefined {
    const room = this.makeRoomForServer();
    if (room === undefined) return undefined;
    const dest = responseDestination(source, fieldsOf(request).vias[0]);
    const { transaction, actions } = ServerTransaction.start(request, this.timerValues, dest.transport !== 'udp');
    this.servers.set(key, { tx: transaction, dest });
    return [...room, ...this.runServer(key, actions)];
  }

  respondServer(key: string, response: SipResponse): UaAction[] {
    const entry = this.servers.get(key);
    if (entry === undefined) return [];
    return this.runServer(key, entry.tx.respond(response));
  }

  private runServer(key: string, actions: TransactionAction[], failure = ''): UaAction[] {
    const entry = this.servers.get(key);
    if (entry === undefined) return [];
    const out: UaAction[] = [];
    for (const a of actions) {
      switch (a.type) {
        case 'send':
          out.push(this.sendTo(a.message, entry.dest, serverRef(key)));
          break;
        case 'startTimer':
          out.push(...this.setTimer(timerKey('s', key, a.timer), a.delayMs, () => this.runServer(key, entry.tx.onTimer(a.timer))));
          break;
        case 'stopTimer':
          out.push(...this.clearTimer(timerKey('s', key, a.timer)));
          break;
        case 'deliver':
          out.push(...this.onNewRequest(a.message as SipRequest, key, entry.dest));
          break;
        case 'timeout':
          break;
        case 'transportError':
          out.push(...this.onServerFailure(key, failure));
          break;
        case 'terminated':
          if (this.servers.get(key) === entry) this.servers.delete(key);
          break;
      }
    }
    return out;
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

  // ---- timers ---------------------------------------------------------------------------------

  setTimer(key: string, delayMs: number, handler: () => UaAction[]): UaAction[] {
    this.timers.set(key, handler);
    return [{ type: 'setTimer', key, delayMs }];
  }

  clearTimer(key: string): UaAction[] {
    if (!this.timers.delete(key)) return [];
    return [{ type: 'clearTimer', key }];
  }

  /** A timer has fired. Unknown (already cleared) keys are ignored. */
  timerFired(key: string): UaAction[] {
    const handler = this.timers.get(key);
    if (handler === undefined) return [];
    this.timers.delete(key);
    return handler();
  }
}

function timerKey(side: 'c' | 's', key: string, timer: TimerName): string {
  return `${side}:${key}:${timer}`;
}
