// The INVITE server of the user agent core (RFC 3261 §13.3): an incoming call, 100 Trying and
// 180 Ringing, the 2xx that answers it (retransmitted until the ACK, §13.3.1.4), the refusals
// (486, 488, 603; §13.3.1.3) and CANCEL (§9.2).

import { endCall, retransmitKey, start2xx, type Call } from './call.js';
import { SipParseError } from './errors.js';
import { contactsOf, fieldsOf } from './fields.js';
import { Dialog } from './dialog.js';
import type { SipRequest } from './message.js';
import { reasonPhrase } from './responses.js';
import { serverKey } from './transaction.js';
import { serverRef } from './transaction-table.js';
import type { UaContext } from './ua-context.js';
import type { Destination } from './transport.js';
import type { UaAction, UaEvent } from './ua-types.js';
import { parseUri } from './uri.js';

export class InviteServer {
  constructor(private readonly ctx: UaContext) {}

  /** A new INVITE outside any dialog: a call is offered to the user (event incomingCall). */
  onInvite(request: SipRequest, key: string, source: Destination): UaAction[] {
    const ctx = this.ctx;
    const fields = fieldsOf(request);
    const callId = fields.callId;
    if (ctx.calls.has(callId)) {
      // Same Call-ID, new branch: a merged (forked-and-looped) request (§8.2.2.2).
      return ctx.table.respondServer(key, ctx.response(request, 482, 'Loop Detected'));
    }
    try {
      // §8.1.1.8: one SIP URI Contact, the dialog's remote target. An RFC 2543 INVITE may have
      // none (RFC 4475 §3.4.1): the From URI is the remote target then (Dialog.asUas).
      const contacts = contactsOf(request);
      if (contacts.length > 1) throw new SipParseError('INVITE with more than one Contact');
      if (contacts.length === 1) parseUri(contacts[0].uri);
    } catch (e) {
      if (!(e instanceof SipParseError)) throw e;
      return ctx.table.respondServer(key, ctx.response(request, 400, 'Bad Request'));
    }
    const call: Call = {
      callId, direction: 'incoming', state: 'calling', invite: request, localTag: ctx.hex(6), provisional: false,
      cancelPending: false, serverKey: key, source, byeAfterAck: false, authTries: 0,
      ...(source.connection === undefined ? {} : { stream: source }),
    };
    ctx.calls.set(callId, call);
    const trying = ctx.table.respondServer(key, ctx.response(request, 100, 'Trying'));
    const from = fields.from;
    const event: UaEvent = { type: 'incomingCall', callId, from: from.uri, ...(from.displayName === undefined ? {} : { displayName: from.displayName }), sdp: request.body };
    return [...trying, ctx.event(event)];
  }

  /**
   * A retransmission of an INVITE whose transaction ended with our 2xx gets the 2xx again
   * (§13.3.1.4); undefined when the request is no such retransmission.
   */
  onRetransmission(request: SipRequest, key: string): UaAction[] | undefined {
    const pending = this.ctx.calls.get(fieldsOf(request).callId)?.pending2xx;
    if (pending === undefined || pending.serverKey !== key) return undefined;
    return [this.ctx.sendTo(pending.response, pending.dest, serverRef(pending.serverKey))];
  }

  /** CANCEL (§9.2): 200 for the CANCEL, 487 for the INVITE it matches, and the call ends. */
  onCancel(cancel: SipRequest, key: string): UaAction[] {
    const ctx = this.ctx;
    // The CANCEL matches the INVITE server transaction with the same branch (§9.2).
    const inviteKey = serverKey({ ...cancel, method: 'INVITE' });
    const call = ctx.calls.get(fieldsOf(cancel).callId);
    if (ctx.table.serverState(inviteKey) !== 'proceeding' || call === undefined || call.serverKey !== inviteKey) {
      return ctx.table.respondServer(key, ctx.response(cancel, 481, 'Call/Transaction Does Not Exist'));
    }
    const ok = ctx.table.respondServer(key, ctx.response(cancel, 200, 'OK', [], '', call.localTag));
    const terminated = ctx.table.respondServer(inviteKey, ctx.response(call.invite, 487, 'Request Terminated', [], '', call.localTag));
    return [...ok, ...terminated, ...endCall(ctx, call, 'cancelled')];
  }

  /**
   * A response of the server transaction `key`, or the 2xx we retransmit for it, could not be sent
   * (§17.2.4, §18.4): an incoming call not yet confirmed ends, since the caller can hear nothing of
   * it; for a re-INVITE's 2xx the retransmission stops and the call goes on as it was.
   */
  onTransportError(key: string): UaAction[] {
    const ctx = this.ctx;
    for (const call of ctx.calls.values()) {
      if (call.direction === 'incoming' && call.serverKey === key && (call.state === 'calling' || call.state === 'early' || call.state === 'answered')) {
        return endCall(ctx, call, 'transport-error');
      }
      if (call.pending2xx?.serverKey === key) {
        call.pending2xx = undefined;
        return ctx.table.clearTimer(retransmitKey(call));
      }
    }
    return [];
  }

  /** Sends 180 Ringing for an incoming call. */
  ringing(callId: string): UaAction[] {
    const ctx = this.ctx;
    const call = ctx.calls.get(callId);
    if (call === undefined || call.direction !== 'incoming' || call.state !== 'calling') return [];
    call.state = 'early';
    return ctx.table.respondServer(call.serverKey!, ctx.response(call.invite, 180, 'Ringing', [{ name: 'Contact', value: this.contact(call) }], '', call.localTag));
  }

  /** Answers an incoming call with an SDP answer: 200 OK, retransmitted until the ACK (§13.3.1.4). */
  answer(callId: string, sdp: string): UaAction[] {
    const ctx = this.ctx;
    const call = ctx.calls.get(callId);
    if (call === undefined || call.direction !== 'incoming' || (call.state !== 'calling' && call.state !== 'early')) return [];
    const response = ctx.response(call.invite, 200, 'OK', [{ name: 'Contact', value: this.contact(call) }, { name: 'Content-Type', value: 'application/sdp' }], sdp, call.localTag);
    call.dialog = Dialog.asUas(call.invite, call.localTag, ctx.randomSeq());
    call.state = 'answered';
    return [...ctx.table.respondServer(call.serverKey!, response), ...start2xx(ctx, call, response, call.source!, call.serverKey!)];
  }

  /**
   * Our Contact in a response that sets up the dialog: for the transport the INVITE came over, a
   * SIPS URI when its Request-URI is one (§12.1.1).
   */
  private contact(call: Call): string {
    return this.ctx.contact(call.source!.transport, call.invite.uri.startsWith('sips:'));
  }

  /**
   * Refuses an incoming call: 486 Busy Here, 488 Not Acceptable Here, 603 Decline (§21.4.26,
   * §21.6.2). A 488 may carry an SDP body saying what this phone would accept, and `warning` a
   * reason for people (Warning: 399, §20.43).
   */
  reject(callId: string, status: number, sdp = '', warning?: string): UaAction[] {
    if (!Number.isInteger(status) || status < 300 || status > 699) throw new RangeError(`a rejection needs a 3xx-6xx status, not ${status}`);
    const ctx = this.ctx;
    const call = ctx.calls.get(callId);
    if (call === undefined || call.direction !== 'incoming' || (call.state !== 'calling' && call.state !== 'early')) return [];
    ctx.calls.delete(callId);
    const headers = sdp ? [{ name: 'Content-Type', value: 'application/sdp' }] : [];
    const { address, port } = ctx.config.local;
    if (warning !== undefined) headers.push({ name: 'Warning', value: `399 ${address}:${port} "${warning.replace(/["\\]/g, '')}"` });
    return ctx.table.respondServer(call.serverKey!, ctx.response(call.invite, status, reasonPhrase(status), headers, sdp, call.localTag));
  }
}
