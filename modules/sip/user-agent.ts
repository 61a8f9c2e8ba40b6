// The SIP user agent (RFC 3261 §8): the one object the phone drives. Pure: the host feeds it
// datagrams, fired timers and the user's decisions, and carries out the actions it returns. SDP
// bodies are opaque strings here; the layer above makes and checks offers and answers.
//
// The layers of §5, bottom up: message syntax (message.ts, header-list.ts, headers.ts, fields.ts;
// a message is parsed once, in receive), transaction (transaction.ts, transaction-table.ts), dialog
// (dialog.ts), and the core: registration (registration.ts), the INVITE client (invite-client.ts)
// and server (invite-server.ts), re-INVITE (reinvite.ts), OPTIONS (options.ts) and the UAS core that
// takes new requests (uas-core.ts), over what they share (ua-context.ts, call.ts).

import { sendBye } from './call.js';
import { SipParseError, SipRequestError } from './errors.js';
import { InviteClient } from './invite-client.js';
import { InviteServer } from './invite-server.js';
import { parseMessage, type SipRequest, type SipResponse } from './message.js';
import { sendOptions } from './options.js';
import { Registration } from './registration.js';
import { Reinvite } from './reinvite.js';
import { UasCore } from './uas-core.js';
import { UaContext } from './ua-context.js';
import type { SipSource } from './transport.js';
import type { UaAction, UaConfig } from './ua-types.js';

export { MAX_SERVER_TRANSACTIONS } from './transaction-table.js';
export type { SipSource, SipTransport, TransportSetting } from './transport.js';
export type { HostPort, UaAction, UaConfig, UaEvent } from './ua-types.js';

export class UserAgent {
  private readonly ctx: UaContext;
  private readonly registration: Registration;
  private readonly inviteClient: InviteClient;
  private readonly inviteServer: InviteServer;
  private readonly reinvites: Reinvite;
  private readonly uas: UasCore;
  /** Datagrams dropped unanswered: not SIP, a bad response, or a bad request that cannot be answered. */
  droppedMessages = 0;

  constructor(config: UaConfig) {
    this.ctx = new UaContext(config, (request, key, source) => this.uas.onNewRequest(request, key, source), (key) => this.inviteServer.onTransportError(key));
    this.registration = new Registration(this.ctx);
    this.inviteClient = new InviteClient(this.ctx);
    this.inviteServer = new InviteServer(this.ctx);
    this.reinvites = new Reinvite(this.ctx);
    this.uas = new UasCore(this.ctx, this.inviteServer, this.reinvites);
  }

  /** Requests the parser refused that were answered (400, 501, 505) without any state. */
  get refusedRequests(): number {
    return this.uas.refusedRequests;
  }

  /** Completed server transactions let go early to keep the table bounded (transaction-table.ts). */
  get evictedServerTransactions(): number {
    return this.ctx.table.evictedServerTransactions;
  }

  /** Live state, for leak checks: everything returns to 0 once calls end and timers run out. */
  stats(): { calls: number; clientTransactions: number; serverTransactions: number; timers: number } {
    return { calls: this.ctx.calls.size, ...this.ctx.table.sizes };
  }

  // ---- host events ------------------------------------------------------------------------

  /**
   * A message arrived: a datagram on the SIP port, or one framed from a stream (`source.transport`
   * and `.connection`; UDP when absent). It is parsed once, here: a malformed request that carries
   * what a response copies is answered statelessly (§8.2.7), anything else malformed is dropped.
   */
  receive(data: Uint8Array, source: SipSource): UaAction[] {
    let message;
    try {
      message = parseMessage(data);
    } catch (e) {
      if (!(e instanceof SipParseError)) throw e;
      if (e instanceof SipRequestError) return this.uas.answerMalformed(e, source);
      this.droppedMessages++;
      return [];
    }
    try {
      return message.kind === 'response' ? this.receiveResponse(message, source) : this.uas.receive(message, source);
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
    const report = this.ctx.event({ type: 'error', message: text });
    if (message.kind === 'response' || message.method === 'ACK') return [report];
    return [...this.uas.failed(message), report];
  }

  /** A response goes to its client transaction; a 2xx retransmission after it ended is ACKed again (§13.2.2.4). */
  private receiveResponse(response: SipResponse, source: SipSource): UaAction[] {
    const matched = this.ctx.table.receiveResponse(response, source);
    if (matched !== undefined) return matched;
    return response.status >= 200 && response.status < 300 ? this.inviteClient.onStray2xx(response) : [];
  }

  /**
   * The transport could not send a message of `transaction` (a 'send' action's field): the stream
   * could not be opened, the TLS handshake or the peer's certificate failed, or the connection broke
   * (RFC 3261 §18.4). A client transaction still waiting for its final response ends at once as
   * if answered 503 (§8.1.3.1, §17.1.4), `reason` telling the user what failed; a server
   * transaction ends and an incoming call it answers is over (§17.2.4). Transactions already over
   * are left alone.
   */
  transportError(transaction: string, reason: string): UaAction[] {
    return this.ctx.table.transportError(transaction, reason);
  }

  /** A timer the UA asked for has fired. Unknown (already cleared) keys are ignored. */
  timerFired(key: string): UaAction[] {
    return this.ctx.table.timerFired(key);
  }

  // ---- registration (§10) -------------------------------------------------------------------

  /** Sends REGISTER (or a refresh); `expires` 0 removes the binding. */
  register(expires?: number): UaAction[] {
    return this.registration.register(expires);
  }

  unregister(): UaAction[] {
    return this.registration.unregister();
  }

  // ---- calls (§13, §15) ------------------------------------------------------------------------

  /** Calls `target` (a SIP URI) with an SDP offer. Returns the call's Call-ID and the actions. */
  invite(target: string, sdp: string): { callId: string; actions: UaAction[] } {
    return this.inviteClient.invite(target, sdp);
  }

  /**
   * Ends a call: CANCEL while it is ringing (§9.1; deferred until a provisional response arrives),
   * BYE once confirmed (§15.1), 603 Decline for an incoming call not yet answered.
   */
  hangup(callId: string): UaAction[] {
    const call = this.ctx.calls.get(callId);
    if (call === undefined) return [];
    if (call.direction === 'incoming' && (call.state === 'calling' || call.state === 'early')) return this.reject(callId, 603);
    if (call.state === 'calling' || call.state === 'early') return this.inviteClient.cancel(call);
    if (call.state === 'answered') {
      // The callee waits for the ACK (or its timeout) before BYE (§15).
      call.byeAfterAck = true;
      return [];
    }
    if (call.state === 'confirmed') return sendBye(this.ctx, call);
    return [];
  }

  /** Sends 180 Ringing for an incoming call. */
  ringing(callId: string): UaAction[] {
    return this.inviteServer.ringing(callId);
  }

  /** Answers an incoming call with an SDP answer: 200 OK, retransmitted until the ACK (§13.3.1.4). */
  answer(callId: string, sdp: string): UaAction[] {
    return this.inviteServer.answer(callId, sdp);
  }

  /** Refuses an incoming call: 486, 488 (with the SDP this phone would accept), 603; see InviteServer.reject. */
  reject(callId: string, status: 486 | 488 | 603 | number, sdp = '', warning?: string): UaAction[] {
    return this.inviteServer.reject(callId, status, sdp, warning);
  }

  // ---- re-INVITE (§14) -------------------------------------------------------------------------

  /** A re-INVITE with a new offer, or none when `sdp` is '' (see Reinvite.send). */
  reinvite(callId: string, sdp: string): UaAction[] {
    return this.reinvites.send(callId, sdp);
  }

  /** The ACK with our answer to the offer in the 2xx to our offerless re-INVITE (§14.1). */
  ackReinvite(callId: string, sdp: string): UaAction[] {
    return this.reinvites.ack(callId, sdp);
  }

  /** Accepts the peer's re-INVITE with an SDP answer (200, retransmitted until ACK). */
  acceptReinvite(callId: string, sdp: string): UaAction[] {
    return this.reinvites.accept(callId, sdp);
  }

  /** Refuses the peer's re-INVITE (488 by default); the call goes on unchanged (§14.2). */
  rejectReinvite(callId: string, status = 488): UaAction[] {
    return this.reinvites.reject(callId, status);
  }

  // ---- OPTIONS (§11) -------------------------------------------------------------------------------

  /** Queries a peer's capabilities; the result arrives as an optionsResult event. */
  options(target: string): UaAction[] {
    return sendOptions(this.ctx, target);
  }
}
