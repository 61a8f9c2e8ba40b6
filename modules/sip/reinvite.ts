// Re-INVITE (RFC 3261 §14): modifying a confirmed call, ours (with an offer, or without one so the
// peer's 2xx offers and our ACK answers, §14.1) and the peer's (answered by the user, §14.2), with
// glare (491) and the dialog ending when a re-INVITE finds it gone (481, 408).

import { dialogContact, inDialog, sendBye, start2xx, type Call } from './call.js';
import { reissue, takeChallenge } from './challenge.js';
import { fieldsOf } from './fields.js';
import type { SipRequest, SipResponse } from './message.js';
import { reasonPhrase } from './responses.js';
import type { UaContext } from './ua-context.js';
import type { Destination } from './transport.js';
import type { UaAction } from './ua-types.js';

export class Reinvite {
  constructor(private readonly ctx: UaContext) {}

  /**
   * Sends a re-INVITE with a new offer (re-keying, hold, resume), or with none when `sdp` is '':
   * then the 2xx carries the peer's offer (event reinviteOffered) and ackReinvite answers it (§14.1).
   */
  send(callId: string, sdp: string): UaAction[] {
    const ctx = this.ctx;
    const call = ctx.calls.get(callId);
    if (call === undefined || call.state !== 'confirmed' || call.reinvite !== undefined) return [];
    call.reinvite = { direction: 'out' };
    const body = sdp === '' ? [] : [{ name: 'Content-Type', value: 'application/sdp' }];
    return this.start(call, call.dialog!.createRequest('INVITE', [{ name: 'Contact', value: dialogContact(ctx, call) }, ...body, ...ctx.commonHeaders()], sdp), 0);
  }

  /** The ACK with our answer to the offer in the 2xx to our offerless re-INVITE (§13.2.2.4, §14.1). */
  ack(callId: string, sdp: string): UaAction[] {
    const ctx = this.ctx;
    const call = ctx.calls.get(callId);
    const re = call?.reinvite;
    if (call === undefined || re?.direction !== 'out' || re.ackSeq === undefined) return [];
    call.reinvite = undefined;
    const ack = inDialog(ctx, call, call.dialog!.createRequest('ACK', [{ name: 'Content-Type', value: 'application/sdp' }], sdp, re.ackSeq));
    call.ack = ack;
    return [ctx.sendTo(ack.request, ack.dest)];
  }

  /** Sends a re-INVITE (built without Via) in the dialog; sent again with credentials on 401/407 (§22.2). */
  private start(call: Call, unplaced: SipRequest, authTries: number): UaAction[] {
    const ctx = this.ctx;
    const dialog = call.dialog!;
    const { request, dest } = inDialog(ctx, call, unplaced);
    const onResponse = (r: SipResponse): UaAction[] => {
      if (r.status < 200 || !ctx.calls.has(call.callId)) return [];
      if (r.status < 300) {
        dialog.acceptTargetRefresh(r);
        const seq = fieldsOf(request).cseq.seq;
        if (request.body === '') {
          call.reinvite = { direction: 'out', ackSeq: seq };
          return [ctx.event({ type: 'reinviteOffered', callId: call.callId, sdp: r.body })];
        }
        call.reinvite = undefined;
        const ack = inDialog(ctx, call, dialog.createRequest('ACK', [], '', seq));
        call.ack = ack;
        return [ctx.sendTo(ack.request, ack.dest), ctx.event({ type: 'reinviteAnswered', callId: call.callId, sdp: r.body })];
      }
      if ((r.status === 401 || r.status === 407) && authTries < 2) {
        const challenge = takeChallenge(r);
        if (challenge !== undefined) {
          dialog.localSeq++;
          return this.start(call, reissue(ctx, request, challenge, dialog.localSeq), authTries + 1);
        }
      }
      call.reinvite = undefined;
      const failed = ctx.event({ type: 'reinviteFailed', callId: call.callId, status: r.status, reason: r.reason });
      // 481 and 408 mean the dialog is gone (§14.1).
      if (r.status === 481 || r.status === 408) return [failed, ...sendBye(ctx, call)];
      return [failed];
    };
    // A timeout means the dialog is gone (§14.1); a transport failure (503) leaves the call as it was.
    const onFailure = (status: 408 | 503, reason: string): UaAction[] => {
      call.reinvite = undefined;
      if (!ctx.calls.has(call.callId)) return [];
      const failed = ctx.event({ type: 'reinviteFailed', callId: call.callId, status, reason });
      return status === 408 ? [failed, ...sendBye(ctx, call)] : [failed];
    };
    return ctx.table.startClient(request, dest, onResponse, onFailure);
  }

  /** The peer's re-INVITE in a dialog (§14.2): offered to the user, or refused on glare. */
  onReinvite(call: Call, request: SipRequest, key: string, source: Destination): UaAction[] {
    const ctx = this.ctx;
    if (call.reinvite !== undefined || call.state !== 'confirmed') {
      // Glare (§14.2): 491 while our own re-INVITE is pending, 500 with Retry-After otherwise.
      if (call.reinvite?.direction === 'out') return ctx.table.respondServer(key, ctx.response(request, 491, 'Request Pending'));
      return ctx.table.respondServer(key, ctx.response(request, 500, 'Server Internal Error', [{ name: 'Retry-After', value: '1' }]));
    }
    call.reinvite = { direction: 'in', request, serverKey: key, source };
    return [...ctx.table.respondServer(key, ctx.response(request, 100, 'Trying')), ctx.event({ type: 'reinvite', callId: call.callId, sdp: request.body })];
  }

  /** Accepts the peer's re-INVITE with an SDP answer (200, retransmitted until ACK). */
  accept(callId: string, sdp: string): UaAction[] {
    const ctx = this.ctx;
    const call = ctx.calls.get(callId);
    const re = call?.reinvite;
    if (call === undefined || re === undefined || re.direction !== 'in') return [];
    call.reinvite = undefined;
    const contact = ctx.contact(re.source.transport, re.request.uri.startsWith('sips:'));
    const response = ctx.response(re.request, 200, 'OK', [{ name: 'Contact', value: contact }, { name: 'Content-Type', value: 'application/sdp' }], sdp);
    return [...ctx.table.respondServer(re.serverKey, response), ...start2xx(ctx, call, response, re.source, re.serverKey)];
  }

  /** Refuses the peer's re-INVITE (488 by default); the call goes on unchanged (§14.2). */
  reject(callId: string, status = 488): UaAction[] {
    if (!Number.isInteger(status) || status < 300 || status > 699) throw new RangeError(`a rejection needs a 3xx-6xx status, not ${status}`);
    const ctx = this.ctx;
    const call = ctx.calls.get(callId);
    const re = call?.reinvite;
    if (call === undefined || re === undefined || re.direction !== 'in') return [];
    call.reinvite = undefined;
    return ctx.table.respondServer(re.serverKey, ctx.response(re.request, status, reasonPhrase(status)));
  }
}
