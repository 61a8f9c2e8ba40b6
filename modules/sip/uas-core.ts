// The UAS core (RFC 3261 §8.2): a request that arrives is matched to its server transaction
// (§17.2.3) or starts one; a new request passes the checks of §8.2 and goes to the INVITE server,
// re-INVITE, BYE (§15.1.2) or OPTIONS (§11.2). Requests the parser refused are answered without
// state (§8.2.7), and so is one for which no transaction can be kept (503, §21.5.4).

import { endCall, onAck2xx } from './call.js';
import { SipParseError, type SipRequestError } from './errors.js';
import { fieldsOf, withTopVia } from './fields.js';
import { parseNameAddr } from './headers.js';
import type { InviteServer } from './invite-server.js';
import type { SipHeader, SipRequest } from './message.js';
import type { Reinvite } from './reinvite.js';
import { reasonPhrase } from './responses.js';
import { dialogId } from './dialog.js';
import { serverKey } from './transaction.js';
import { ALLOW, checkRequest, malformedStatus } from './uas-checks.js';
import type { UaContext } from './ua-context.js';
import { receivedVia, responseDestination, type Destination, type SipSource } from './transport.js';
import type { UaAction } from './ua-types.js';

export class UasCore {
  /** Requests the parser refused that were answered (400, 501, 505) without any state. */
  refusedRequests = 0;
  /** The To tag of those stateless answers: one per UA, so a retransmission gets the same (§8.2.7). */
  private readonly statelessTag: string;

  constructor(private readonly ctx: UaContext, private readonly inviteServer: InviteServer, private readonly reinvite: Reinvite) {
    this.statelessTag = ctx.hex(6);
  }

  /**
   * A request from the network, its top Via stamped with where it came from (§18.2.1, RFC 3581):
   * its transaction, the ACK of a 2xx, or a new server transaction.
   */
  receive(received: SipRequest, source: SipSource): UaAction[] {
    const ctx = this.ctx;
    const stamp = receivedVia(fieldsOf(received).vias[0], source);
    const request = stamp === undefined ? received : withTopVia(received, stamp);
    const key = serverKey(request);
    const matched = ctx.table.receiveRequest(request, key);
    if (matched !== undefined) return matched;
    if (request.method === 'ACK') return onAck2xx(ctx, request);
    if (request.method === 'INVITE') {
      const again = this.inviteServer.onRetransmission(request, key);
      if (again !== undefined) return again;
    }
    const started = ctx.table.startServer(request, key, source);
    if (started !== undefined) return started;
    // Every slot holds a request still waiting for its answer: refused statelessly (§8.2.7, §21.5.4).
    const busy = ctx.response(request, 503, 'Service Unavailable', [{ name: 'Retry-After', value: '5' }], '', this.statelessTag);
    return [ctx.sendTo(busy, responseDestination(source, fieldsOf(request).vias[0]))];
  }

  /** A new request delivered by its server transaction (§8.2). */
  onNewRequest(request: SipRequest, key: string, source: Destination): UaAction[] {
    const ctx = this.ctx;
    // A final response adds a To tag when the request had none (§8.2.6.2).
    const reply = (status: number, extra: readonly SipHeader[] = []): UaAction[] => ctx.table.respondServer(key, ctx.response(request, status, reasonPhrase(status), extra, '', ctx.hex(6)));
    if (request.method === 'CANCEL') return this.inviteServer.onCancel(request, key);
    const refusal = checkRequest(request);
    if (refusal !== undefined) return reply(refusal.status, refusal.headers);
    const { to, from, callId } = fieldsOf(request);
    if (to.params.tag !== undefined) {
      // Inside a dialog (§12.2.2).
      const call = ctx.calls.get(callId);
      const dialog = call?.dialog;
      if (call === undefined || dialog === undefined || dialog.id !== dialogId(callId, to.params.tag, from.params.tag ?? '')) {
        return reply(request.method === 'OPTIONS' ? 200 : 481, request.method === 'OPTIONS' ? optionsHeaders() : []);
      }
      if (!dialog.acceptRequest(request)) return reply(500);
      switch (request.method) {
        case 'BYE': {
          const actions = reply(200);
          return [...actions, ...endCall(ctx, call, 'remote-bye')];
        }
        case 'INVITE':
          return this.reinvite.onReinvite(call, request, key, source);
        default:
          // OPTIONS: checkRequest left INVITE, BYE and OPTIONS (ACK and CANCEL never get here).
          return reply(200, optionsHeaders());
      }
    }
    switch (request.method) {
      case 'INVITE':
        return this.inviteServer.onInvite(request, key, source);
      case 'BYE':
        return reply(481);
      default:
        return reply(200, optionsHeaders());
    }
  }

  /**
   * The stateless answer to a request the parser refused (§8.2.7): its Via, From, To (with a tag,
   * §8.2.6.2), Call-ID and CSeq copied as they came, without a transaction: a retransmission is
   * refused again the same way.
   */
  answerMalformed(error: SipRequestError, source: SipSource): UaAction[] {
    const ctx = this.ctx;
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
      ...ctx.commonHeaders(),
    ];
    // Back where it came from, on its stream if any (§18.2.2): its Via is not to be trusted.
    const { address, port, connection } = source;
    const dest: Destination = { address, port, transport: source.transport ?? 'udp', ...(connection === undefined ? {} : { connection }) };
    return [ctx.sendTo({ kind: 'response', status, reason, headers, body: '' }, dest)];
  }

  /**
   * A request whose handling threw: 500 if still without its final response (§21.5.1), and the
   * incoming call it was setting up is dropped.
   */
  failed(request: SipRequest): UaAction[] {
    const ctx = this.ctx;
    const key = serverKey(request);
    const call = ctx.calls.get(fieldsOf(request).callId);
    if (call?.serverKey === key && call.direction === 'incoming' && (call.state === 'calling' || call.state === 'early')) ctx.calls.delete(call.callId);
    return ctx.table.respondServer(key, ctx.response(request, 500, reasonPhrase(500)));
  }
}

/** What an OPTIONS response says this UA does (§11.2). */
function optionsHeaders(): SipHeader[] {
  return [{ name: 'Allow', value: ALLOW }, { name: 'Accept', value: 'application/sdp' }];
}
