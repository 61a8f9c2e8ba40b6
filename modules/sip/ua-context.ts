// What every part of the user agent core shares (RFC 3261 §8): the configuration, the calls, the
// transaction table, and the header fields this UA writes into its requests and responses: Via
// (§8.1.1.7, with RFC 3581 rport), Contact (§8.1.1.8), User-Agent, Call-ID and tags (§8.1.1.4,
// §19.3), and where an out-of-dialog request goes (§8.1.2).

import { toHex } from '../util/bytes.js';
import type { Call } from './call.js';
import { serializeMessage, type SipHeader, type SipMessage, type SipRequest, type SipResponse } from './message.js';
import { responseTo } from './responses.js';
import { DEFAULT_TIMERS, type TimerValues } from './transaction.js';
import { TransactionTable } from './transaction-table.js';
import type { HostPort, UaAction, UaConfig, UaEvent } from './ua-types.js';
import { parseUri } from './uri.js';

export class UaContext {
  readonly timerValues: TimerValues;
  /** The calls by Call-ID, outgoing and incoming (§12: one dialog per call). */
  readonly calls = new Map<string, Call>();
  readonly table: TransactionTable;

  constructor(
    readonly config: UaConfig,
    onNewRequest: (request: SipRequest, key: string, source: HostPort) => UaAction[],
  ) {
    this.timerValues = config.timers ?? DEFAULT_TIMERS;
    this.table = new TransactionTable(this.timerValues, (message, dest) => this.sendTo(message, dest), onNewRequest);
  }

  /** A response to `request` (responses.ts) with this UA's common headers. */
  response(request: SipRequest, status: number, reason: string, extra: readonly SipHeader[] = [], body = '', toTag?: string): SipResponse {
    return responseTo(request, status, reason, [...extra, ...this.commonHeaders()], body, toTag);
  }

  commonHeaders(): SipHeader[] {
    return this.config.userAgent === undefined ? [] : [{ name: 'User-Agent', value: this.config.userAgent }];
  }

  /** A new top Via with a fresh branch (§8.1.1.7); RFC 3581 rport asks for responses to come back to the source port. */
  via(): SipHeader {
    return { name: 'Via', value: `SIP/2.0/UDP ${this.config.local.address}:${this.config.local.port};branch=z9hG4bK${this.hex(8)};rport` };
  }

  withVia(request: SipRequest): SipRequest {
    return { ...request, headers: [this.via(), ...request.headers] };
  }

  contact(): string {
    return `<sip:${this.config.account.user}@${this.config.local.address}:${this.config.local.port}>`;
  }

  /** Out-of-dialog requests go to the outbound proxy, else to the Request-URI's host (§8.1.2). */
  outOfDialogDest(uri: string): HostPort {
    return this.config.outboundProxy ?? this.hop(uri);
  }

  /** The host and port of a URI to send to (RFC 3263 without DNS: the URI's host, port 5060 by default). */
  hop(uri: string): HostPort {
    const u = parseUri(uri);
    const host = u.host.startsWith('[') ? u.host.slice(1, -1) : u.host;
    return { address: host, port: u.port ?? 5060 };
  }

  sendTo(message: SipMessage, dest: HostPort): UaAction {
    return { type: 'send', data: serializeMessage(message), address: dest.address, port: dest.port };
  }

  event(event: UaEvent): UaAction {
    return { type: 'event', event };
  }

  hex(bytes: number): string {
    return toHex(this.config.random.bytes(bytes));
  }

  /** A new Call-ID (§8.1.1.4): random, with this host for uniqueness. */
  newCallId(): string {
    return `${this.hex(12)}@${this.config.local.address}`;
  }

  /** A random initial local CSeq below 2**31 (§8.1.1.5). */
  randomSeq(): number {
    const b = this.config.random.bytes(2);
    return ((b[0] << 8) | b[1]) + 1;
  }
}
