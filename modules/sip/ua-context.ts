// What every part of the user agent core shares (RFC 3261 §8): the configuration, the calls, the
// transaction table, and the header fields this UA writes into its requests and responses: Via
// (§8.1.1.7, with RFC 3581 rport), Contact (§8.1.1.8), User-Agent, Call-ID and tags (§8.1.1.4,
// §19.3), and where a request goes and over which transport (§8.1.2, §18.1.1, transport.ts).

import { toHex } from '../util/bytes.js';
import type { Call } from './call.js';
import { serializeMessage, type SipHeader, type SipMessage, type SipRequest, type SipResponse } from './message.js';
import { responseTo } from './responses.js';
import { DEFAULT_TIMERS, type TimerValues } from './transaction.js';
import { TransactionTable } from './transaction-table.js';
import { builtTransport, contactUri, hopTo, resolve, viaSentBy, type Destination, type Hop, type LocalPorts, type SipTransport, type TransportSetting } from './transport.js';
import type { HostPort, UaAction, UaConfig, UaEvent } from './ua-types.js';

export class UaContext {
  readonly timerValues: TimerValues;
  /** The calls by Call-ID, outgoing and incoming (§12: one dialog per call). */
  readonly calls = new Map<string, Call>();
  readonly table: TransactionTable;
  private readonly transport: TransportSetting;

  constructor(
    readonly config: UaConfig,
    onNewRequest: (request: SipRequest, key: string, dest: Destination) => UaAction[],
    onServerFailure: (key: string, reason: string) => UaAction[],
  ) {
    this.timerValues = config.timers ?? DEFAULT_TIMERS;
    this.transport = config.transport ?? 'auto';
    this.table = new TransactionTable(this.timerValues, (message, dest, transaction) => this.sendTo(message, dest, transaction), onNewRequest, onServerFailure);
  }

  /** A response to `request` (responses.ts) with this UA's common headers. */
  response(request: SipRequest, status: number, reason: string, extra: readonly SipHeader[] = [], body = '', toTag?: string): SipResponse {
    return responseTo(request, status, reason, [...extra, ...this.commonHeaders()], body, toTag);
  }

  commonHeaders(): SipHeader[] {
    return this.config.userAgent === undefined ? [] : [{ name: 'User-Agent', value: this.config.userAgent }];
  }

  /**
   * A new top Via for `transport` with a fresh branch (§8.1.1.7, §18.1.1); RFC 3581 rport asks for
   * responses to come back to the source port.
   */
  via(transport: SipTransport): SipHeader {
    return { name: 'Via', value: `${viaSentBy(this.config.local, transport)};branch=z9hG4bK${this.hex(8)};rport` };
  }

  withVia(request: SipRequest, transport: SipTransport): SipRequest {
    return { ...request, headers: [this.via(transport), ...request.headers] };
  }

  /** Our Contact for messages over `transport` (transport.ts contactUri). */
  contact(transport: SipTransport, secure = false): string {
    return `<${contactUri(this.config.account.user, this.config.local, transport, secure)}>`;
  }

  /** Out-of-dialog requests go to the outbound proxy, else to the Request-URI's host (§8.1.2). */
  outOfDialogHop(uri: string): Hop {
    return hopTo(uri, this.transport, this.config.outboundProxy);
  }

  /** The hop to a URI: a dialog's next hop (§12.2.1.1), or a registrar's. */
  hop(uri: string, via?: HostPort): Hop {
    return hopTo(uri, this.transport, via);
  }

  /**
   * Where a request built for `hop` (its Via says builtTransport(hop)) goes: in 'auto' over TCP
   * when larger than 1,300 bytes, its top Via changed to say so (§18.1.1); on the dialog's stream
   * `stream` while it is open, when that stream reaches the same peer over the same transport.
   */
  place(request: SipRequest, hop: Hop, stream?: Destination): { request: SipRequest; dest: Destination } {
    const dest = resolve(hop, hop.transport === 'auto' ? serializeMessage(request).length : 0);
    const built = builtTransport(hop);
    const placed = dest.transport === built ? request : { ...request, headers: request.headers.map((h, i) => (i === 0 ? switchVia(h, this.config.local, built, dest.transport) : h)) };
    const reuse = stream?.connection !== undefined && stream.transport === dest.transport && stream.address === dest.address;
    return { request: placed, dest: reuse ? { ...dest, connection: stream.connection } : dest };
  }

  /** A 'send' action; `transaction` names the transaction the message belongs to (transaction-table.ts clientRef, serverRef). */
  sendTo(message: SipMessage, dest: Destination, transaction?: string): UaAction {
    return { type: 'send', data: serializeMessage(message), ...dest, ...(transaction === undefined ? {} : { transaction }) };
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

/** Our top Via, built for `from`, saying `to` instead: the sent-by port is the same for UDP and TCP (§18). */
function switchVia(via: SipHeader, local: LocalPorts, from: SipTransport, to: SipTransport): SipHeader {
  return { name: 'Via', value: viaSentBy(local, to) + via.value.slice(viaSentBy(local, from).length) };
}
