// What the user agent core (RFC 3261 §8) takes and gives: its configuration, the events it reports
// to the layer above, and the actions the host carries out (send a message, set or clear a timer).

import type { Random } from '../../hal/contracts.js';
import type { TimerValues } from './transaction.js';
import type { LocalPorts, SipTransport, TransportSetting } from './transport.js';

export interface HostPort {
  readonly address: string;
  readonly port: number;
}

export interface UaConfig {
  /** The account: AOR sip:user@domain, digest username (defaults to user) and password. */
  readonly account: { readonly user: string; readonly domain: string; readonly password: string; readonly authUser?: string; readonly displayName?: string };
  /** Where REGISTER goes; defaults to the outbound proxy, then the domain on port 5060. */
  readonly registrar?: HostPort;
  /** Every request outside a dialog goes here when set (§8.1.2). */
  readonly outboundProxy?: HostPort;
  /** This UA's own address, its SIP port (UDP and TCP) and TLS port (Via sent-by and Contact). */
  readonly local: LocalPorts;
  /** The account's transport (transport.ts); 'auto' by default: UDP, TCP for a request over 1,300 bytes. */
  readonly transport?: TransportSetting;
  /** Requested registration lifetime in seconds (§10.2.1.1); 3600 by default. */
  readonly registerExpires?: number;
  readonly timers?: TimerValues;
  readonly random: Random;
  readonly userAgent?: string;
}

export type UaEvent =
  | { readonly type: 'registered'; readonly expires: number }
  | { readonly type: 'unregistered' }
  /** `transport`: the request could not be sent (503, RFC 3261 §8.1.3.1, §18.4): what failed. */
  | { readonly type: 'registrationFailed'; readonly status: number; readonly reason: string; readonly transport?: string }
  | { readonly type: 'incomingCall'; readonly callId: string; readonly from: string; readonly displayName?: string; readonly sdp: string }
  /** A provisional response to our INVITE: 180 is ringing, 183 session progress. */
  | { readonly type: 'progress'; readonly callId: string; readonly status: number; readonly sdp: string }
  /** Our INVITE was answered with a 2xx (already acknowledged). */
  | { readonly type: 'answered'; readonly callId: string; readonly sdp: string }
  /** The ACK to our 2xx arrived: the incoming call is confirmed. `sdp` is the ACK body ('' usually). */
  | { readonly type: 'confirmed'; readonly callId: string; readonly sdp: string }
  /** Our INVITE ended without a call: 486 busy, 488 not acceptable, 603 declined, 408 timeout... */
  /** `sdp` is the failure response's body, if any: a 488 may carry what the callee accepts (RFC 3261 §21.4.26). */
  /** `transport`: the INVITE could not be sent, or its connection failed (503, §8.1.3.1, §18.4): what failed. */
  | { readonly type: 'failed'; readonly callId: string; readonly status: number; readonly reason: string; readonly sdp: string; readonly transport?: string }
  /** `transport-error`: an incoming call's response (its 1xx or 2xx) could not be sent (§17.2.4). */
  | { readonly type: 'ended'; readonly callId: string; readonly reason: 'remote-bye' | 'local-bye' | 'cancelled' | 'ack-timeout' | 'transport-error' }
  /** The peer sent a re-INVITE: answer with acceptReinvite or rejectReinvite. */
  | { readonly type: 'reinvite'; readonly callId: string; readonly sdp: string }
  | { readonly type: 'reinviteAnswered'; readonly callId: string; readonly sdp: string }
  /** Our re-INVITE without an offer got a 2xx with the peer's offer: answer it with ackReinvite (RFC 3261 §14.1). */
  | { readonly type: 'reinviteOffered'; readonly callId: string; readonly sdp: string }
  /**
   * The ACK to our 2xx for the peer's re-INVITE arrived: the new session is in force on both sides.
   * `sdp` is the ACK body: the answer when the re-INVITE had no offer and our 2xx made one (§14.2).
   */
  | { readonly type: 'reinviteConfirmed'; readonly callId: string; readonly sdp: string }
  | { readonly type: 'reinviteFailed'; readonly callId: string; readonly status: number; readonly reason: string }
  | { readonly type: 'optionsResult'; readonly uri: string; readonly status: number }
  /** Handling a message threw (what it started is ended, see receive): for the log. */
  | { readonly type: 'error'; readonly message: string };

export type UaAction =
  /**
   * A message to send over `transport`; `connection` is the stream to use while it is open (a
   * response goes back on its request's, §18.2.2), else one to address:port; for TLS, `serverName`
   * is the name the peer's certificate must carry. `transaction` names the transaction the message
   * belongs to: when the transport cannot send it, or its connection fails, the host reports that
   * name to UserAgent.transportError (RFC 3261 §18.4).
   */
  | { readonly type: 'send'; readonly data: Uint8Array; readonly address: string; readonly port: number; readonly transport: SipTransport; readonly connection?: number; readonly serverName?: string; readonly transaction?: string }
  | { readonly type: 'setTimer'; readonly key: string; readonly delayMs: number }
  | { readonly type: 'clearTimer'; readonly key: string }
  | { readonly type: 'event'; readonly event: UaEvent };
