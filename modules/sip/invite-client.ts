// The INVITE client of the user agent core (RFC 3261 §13.2): placing a call, its provisional and
// final responses, digest authentication (§22.2), the ACK for a 2xx and for its retransmissions
// (§13.2.2.4), and CANCEL (§9.1) while it rings.

import { endCall, failCall, inDialog, sendBye, type Call } from './call.js';
import { reissue, takeChallenge } from './challenge.js';
import { Dialog } from './dialog.js';
import { SipParseError } from './errors.js';
import { fieldsOf } from './fields.js';
import { formatNameAddr } from './headers.js';
import { headerValue, headerValues, type SipRequest, type SipResponse } from './message.js';
import { clientKey } from './transaction.js';
import { builtTransport, type Hop, type SipSource } from './transport.js';
import type { UaContext } from './ua-context.js';
import type { UaAction } from './ua-types.js';
import { parseUri } from './uri.js';

export class InviteClient {
  constructor(private readonly ctx: UaContext) {}

  /** Calls `target` (a SIP URI) with an SDP offer. Returns the call's Call-ID and the actions. */
  invite(target: string, sdp: string): { callId: string; actions: UaAction[] } {
    const ctx = this.ctx;
    parseUri(target);
    const callId = ctx.newCallId();
    const localTag = ctx.hex(6);
    const { user, domain, displayName } = ctx.config.account;
    const from = formatNameAddr({ ...(displayName === undefined ? {} : { displayName }), uri: `sip:${user}@${domain}`, params: { tag: localTag } });
    const hop = ctx.outOfDialogHop(target);
    const transport = builtTransport(hop);
    const request: SipRequest = {
      kind: 'request', method: 'INVITE', uri: target, body: sdp,
      headers: [
        ctx.via(transport),
        { name: 'From', value: from },
        { name: 'To', value: `<${target}>` },
        { name: 'Call-ID', value: callId },
        { name: 'CSeq', value: '1 INVITE' },
        { name: 'Max-Forwards', value: '70' },
        { name: 'Contact', value: ctx.contact(transport, hop.secure) },
        { name: 'Content-Type', value: 'application/sdp' },
        ...ctx.commonHeaders(),
      ],
    };
    const call: Call = { callId, direction: 'outgoing', state: 'calling', invite: request, localTag, provisional: false, cancelPending: false, byeAfterAck: false, authTries: 0 };
    ctx.calls.set(callId, call);
    return { callId, actions: this.send(call, hop) };
  }

  /**
   * Gives up on an outgoing call still ringing: CANCEL (§9.1), deferred until a provisional
   * response shows the INVITE arrived.
   */
  cancel(call: Call): UaAction[] {
    if (call.cancelPending) return [];
    call.cancelPending = true;
    return call.provisional ? this.sendCancel(call) : [];
  }

  /** A 2xx retransmission after its transaction ended: re-send the ACK (§13.2.2.4). */
  onStray2xx(response: SipResponse): UaAction[] {
    const fields = fieldsOf(response);
    const call = this.ctx.calls.get(fields.callId);
    if (call?.ack === undefined || fields.cseq.method !== 'INVITE') return [];
    if (fieldsOf(call.ack.request).cseq.seq !== fields.cseq.seq) return [];
    return [this.ctx.sendTo(call.ack.request, call.ack.dest)];
  }

  /** Sends the call's INVITE on `hop`: over TCP in 'auto' when it is too large for UDP (§18.1.1). */
  private send(call: Call, hop: Hop): UaAction[] {
    const ctx = this.ctx;
    const { request, dest } = ctx.place(call.invite, hop);
    call.invite = request;
    call.inviteDest = dest;
    return ctx.table.startClient(request, dest, (r, source) => this.onResponse(call, hop, r, source), (status, reason, transport) => failCall(ctx, call, status, reason, '', transport));
  }

  private onResponse(call: Call, hop: Hop, response: SipResponse, source: SipSource | undefined): UaAction[] {
    const ctx = this.ctx;
    // A response to an INVITE this call replaced (sent again with credentials) is ignored.
    if (!ctx.calls.has(call.callId) || clientKey(response) !== clientKey(call.invite)) return [];
    if (response.status < 200) {
      call.provisional = true;
      if (response.status > 100) call.state = 'early';
      const actions: UaAction[] = call.cancelPending ? this.sendCancel(call) : [];
      if (response.status > 100) actions.push(ctx.event({ type: 'progress', callId: call.callId, status: response.status, sdp: response.body }));
      return actions;
    }
    if (response.status < 300) return this.on2xx(call, response, source);
    if ((response.status === 401 || response.status === 407) && call.authTries < 2 && !call.cancelPending) {
      const challenge = takeChallenge(response);
      if (challenge !== undefined) {
        call.authTries++;
        call.invite = ctx.withVia(reissue(ctx, call.invite, challenge), builtTransport(hop));
        return this.send(call, hop);
      }
    }
    if (response.status === 487 && call.cancelPending) return endCall(ctx, call, 'cancelled');
    return failCall(ctx, call, response.status, response.reason, response.body);
  }

  /** A 2xx creates the dialog (§12.1.2) and is acknowledged end to end (§13.2.2.4). */
  private on2xx(call: Call, response: SipResponse, source: SipSource | undefined): UaAction[] {
    const ctx = this.ctx;
    let dialog: Dialog;
    try {
      dialog = Dialog.asUac(call.invite, response);
    } catch (e) {
      // A 2xx whose Contact or Record-Route does not parse cannot be ACKed: the call fails.
      if (!(e instanceof SipParseError)) throw e;
      return failCall(ctx, call, 502, 'Bad Gateway');
    }
    call.dialog = dialog;
    if (source?.connection !== undefined) call.stream = { address: source.address, port: source.port, transport: source.transport ?? 'udp', connection: source.connection };
    const ack = inDialog(ctx, call, dialog.createRequest('ACK', [], '', fieldsOf(call.invite).cseq.seq));
    call.ack = ack;
    call.state = 'confirmed';
    const actions = [ctx.sendTo(ack.request, ack.dest)];
    if (call.cancelPending) {
      // Our CANCEL crossed the 2xx: the call exists, so end it with BYE (§9.1, §15).
      return [...actions, ...sendBye(ctx, call)];
    }
    return [...actions, ctx.event({ type: 'answered', callId: call.callId, sdp: response.body })];
  }

  private sendCancel(call: Call): UaAction[] {
    const ctx = this.ctx;
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
        { name: 'CSeq', value: `${fieldsOf(inv).cseq.seq} CANCEL` },
        { name: 'Max-Forwards', value: '70' },
        ...ctx.commonHeaders(),
      ],
    };
    // The INVITE transaction's 487 (or a 2xx) decides the outcome; CANCEL's own result is moot.
    return ctx.table.startClient(cancel, call.inviteDest!, () => [], () => []);
  }
}
