// A call: the INVITE dialog's state that the INVITE client (§13.2), the INVITE server (§13.3) and
// re-INVITE (§14) share, and how a call ends: BYE (§15.1), the 2xx retransmitted until its ACK
// (§13.3.1.4), and the events that tell the layer above.

import type { Dialog } from './dialog.js';
import { fieldsOf } from './fields.js';
import type { SipRequest, SipResponse } from './message.js';
import { builtTransport, type Destination } from './transport.js';
import { serverRef } from './transaction-table.js';
import type { UaContext } from './ua-context.js';
import type { UaAction } from './ua-types.js';

/** A 2xx to an INVITE that we retransmit until its ACK arrives (§13.3.1.4). */
export interface Pending2xx {
  readonly response: SipResponse;
  readonly dest: Destination;
  /** The server transaction key of the INVITE it answers, to recognise that INVITE's retransmissions. */
  readonly serverKey: string;
  interval: number;
  delay: number;
  elapsed: number;
}

export type EndReason = 'remote-bye' | 'local-bye' | 'cancelled' | 'ack-timeout' | 'transport-error';

export interface Call {
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
  /** UAC: where the INVITE went (its CANCEL goes there too, §9.1). */
  inviteDest?: Destination;
  /** UAC: the ACK for the latest 2xx, re-sent on each retransmitted 2xx (§13.2.2.4). */
  ack?: { readonly request: SipRequest; readonly dest: Destination };
  /** UAS: the INVITE server transaction and where responses go (§18.2.2). */
  serverKey?: string;
  source?: Destination;
  /**
   * The stream the dialog was set up on (the INVITE's for the UAS, the 2xx's for the UAC): the
   * dialog's own requests to that peer over that transport go on it while it is open.
   */
  stream?: Destination;
  pending2xx?: Pending2xx;
  byeAfterAck: boolean;
  /** A re-INVITE in progress; `ackSeq` once the 2xx to ours without an offer waits for our answer in the ACK. */
  reinvite?: { readonly direction: 'out'; readonly ackSeq?: number } | { readonly direction: 'in'; readonly request: SipRequest; readonly serverKey: string; readonly source: Destination };
  authTries: number;
}

/** The timer key of a call's 2xx retransmission. */
export function retransmitKey(call: Call): string {
  return `2xx:${call.callId}`;
}

/** Ends a call that existed: its 2xx retransmission stops, a pending incoming re-INVITE gets 487. */
export function endCall(ctx: UaContext, call: Call, reason: EndReason): UaAction[] {
  if (!ctx.calls.has(call.callId)) return [];
  ctx.calls.delete(call.callId);
  const actions = ctx.table.clearTimer(retransmitKey(call));
  const re = call.reinvite;
  if (re?.direction === 'in') {
    // A re-INVITE still waiting for the user's answer ends with the call (§15.1.2).
    actions.push(...ctx.table.respondServer(re.serverKey, ctx.response(re.request, 487, 'Request Terminated')));
  }
  call.reinvite = undefined;
  actions.push(ctx.event({ type: 'ended', callId: call.callId, reason }));
  return actions;
}

/** An outgoing call that never came to be: failed with the final status, or ended if we cancelled it. */
export function failCall(ctx: UaContext, call: Call, status: number, reason: string, sdp = '', transport?: string): UaAction[] {
  if (!ctx.calls.has(call.callId)) return [];
  ctx.calls.delete(call.callId);
  if (call.cancelPending) return [ctx.event({ type: 'ended', callId: call.callId, reason: 'cancelled' })];
  return [ctx.event({ type: 'failed', callId: call.callId, status, reason, sdp, ...(transport === undefined ? {} : { transport }) })];
}

/**
 * A request inside the call's dialog (§12.2.1.1) with its Via, and where it goes: to the dialog's
 * next hop over the transport its URI asks for (transport.ts), on the dialog's stream if it reaches there.
 */
export function inDialog(ctx: UaContext, call: Call, request: SipRequest): { request: SipRequest; dest: Destination } {
  const hop = ctx.hop(call.dialog!.nextHop());
  return ctx.place(ctx.withVia(request, builtTransport(hop)), hop, call.stream);
}

/** Our Contact for a request or response of the call's dialog: for the transport of its next hop. */
export function dialogContact(ctx: UaContext, call: Call): string {
  const hop = ctx.hop(call.dialog!.nextHop());
  return ctx.contact(builtTransport(hop), hop.secure);
}

/** BYE (§15.1.1): the call ends when its final response arrives or its transaction times out. */
export function sendBye(ctx: UaContext, call: Call): UaAction[] {
  call.state = 'ending';
  const bye = inDialog(ctx, call, call.dialog!.createRequest('BYE', ctx.commonHeaders()));
  const actions = ctx.table.clearTimer(retransmitKey(call));
  call.pending2xx = undefined;
  const done = (): UaAction[] => endCall(ctx, call, 'local-bye');
  return [...actions, ...ctx.table.startClient(bye.request, bye.dest, (r) => (r.status >= 200 ? done() : []), () => done())];
}

/**
 * Retransmits our 2xx to an INVITE or re-INVITE at T1, 2*T1, ... capped at T2 until its ACK arrives;
 * without an ACK for 64*T1 the call is confirmed, then ended with BYE (§13.3.1.4).
 */
export function start2xx(ctx: UaContext, call: Call, response: SipResponse, dest: Destination, serverKey: string): UaAction[] {
  const { T1, T2 } = ctx.timerValues;
  const pending: Pending2xx = { response, dest, serverKey, interval: T1, delay: T1, elapsed: 0 };
  call.pending2xx = pending;
  const key = retransmitKey(call);
  const fire = (): UaAction[] => {
    pending.elapsed += pending.delay;
    if (pending.elapsed >= 64 * T1) {
      call.pending2xx = undefined;
      if (call.state !== 'answered') return [];
      call.state = 'confirmed';
      const bye = sendBye(ctx, call);
      return [...bye, ...endCall(ctx, call, 'ack-timeout')];
    }
    pending.interval = Math.min(2 * pending.interval, T2);
    pending.delay = Math.min(pending.interval, 64 * T1 - pending.elapsed);
    return [ctx.sendTo(response, dest, serverRef(serverKey)), ...ctx.table.setTimer(key, pending.delay, fire)];
  };
  return ctx.table.setTimer(key, pending.delay, fire);
}

/** The ACK for our 2xx (its own transaction, §13.3.1.4, §17.1.1.3): stops the retransmission. */
export function onAck2xx(ctx: UaContext, ack: SipRequest): UaAction[] {
  const call = ctx.calls.get(fieldsOf(ack).callId);
  if (call?.pending2xx === undefined) return [];
  if (fieldsOf(call.pending2xx.response).cseq.seq !== fieldsOf(ack).cseq.seq) return [];
  call.pending2xx = undefined;
  const actions = ctx.table.clearTimer(retransmitKey(call));
  if (call.state === 'confirmed') return [...actions, ctx.event({ type: 'reinviteConfirmed', callId: call.callId, sdp: ack.body })];
  if (call.state !== 'answered') return actions;
  call.state = 'confirmed';
  actions.push(ctx.event({ type: 'confirmed', callId: call.callId, sdp: ack.body }));
  if (call.byeAfterAck) actions.push(...sendBye(ctx, call));
  return actions;
}
