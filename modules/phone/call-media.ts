// A call's media, started when it connects and stopped when it ends: G.711 in RTP, or SRTP
// (RFC 3711) with the keys its exchange gave, over the call's RTP socket (media.ts), and its DTMF
// (RFC 4733, call-dtmf.ts) on the telephone-event payload types of both sides (RFC 3264 §6.1).
import type { Hal, UdpSocket } from '../../hal/contracts.js';
import { TELEPHONE_EVENT } from '../sdp/offer-answer.js';
import { CallDtmf } from './call-dtmf.js';
import { NOT_HELD } from './call-hold.js';
import type { MediaTarget } from './call-sdp.js';
import type { Call, Connected, Keyed } from './call-state.js';
import { MediaSession, type MediaKeys } from './media.js';

/**
 * The connected state of call `callId` (was `prior`, which it replaces), its media session started
 * on `rtp` toward `remote`, keyed by `keyed` (plain RTP when undefined).
 */
export function connectedCall(
  hal: Hal,
  prior: Call | undefined,
  callId: string,
  peer: string,
  rtp: UdpSocket,
  remote: MediaTarget,
  keyed: (Keyed & Pick<MediaKeys, 'send' | 'receive'>) | undefined,
  onChange: () => void,
): Connected {
  const mediaKeys: MediaKeys | undefined = keyed && { profile: keyed.suite, send: keyed.send, receive: keyed.receive };
  // The RTP socket's datagrams go to the media session from now on (see Calls.onRtp).
  const receivePayloadTypes = remote.telephoneEvent === undefined ? [TELEPHONE_EVENT] : [TELEPHONE_EVENT, remote.telephoneEvent];
  const dtmf = new CallDtmf({ sendPayloadType: remote.telephoneEvent, receivePayloadTypes, onChange });
  const media = new MediaSession(hal, rtp, remote, mediaKeys, 'PCMU', dtmf);
  // The m= lines of the exchange, when the offer had more than one (the one taken in `taken`).
  const lines = prior && prior.kind !== 'connected' ? prior.lines : undefined;
  return { kind: 'connected', callId, peer, media, ...(keyed ? { keyed } : {}), rtpPort: rtp.port, hold: NOT_HELD, placed: prior?.kind === 'outgoing', dtmf, ...(remote.telephoneEvent !== undefined ? { events: remote.telephoneEvent } : {}), ...(lines ? { lines } : {}) };
}

/**
 * Frees what an ended call holds: a connected call's re-INVITE timers and media session (its
 * figures logged), another call's RTP socket.
 */
export function stopCall(hal: Pick<Hal, 'log' | 'timers'>, call: Call): void {
  if (call.kind === 'connected') {
    if (call.retry !== undefined) hal.timers.clear(call.retry);
    if (call.rekeyed !== undefined) hal.timers.clear(call.rekeyed);
    const s = call.media.stats();
    const d = call.dtmf.stats();
    hal.log(`call ${call.callId} ended: sent ${s.sent}, received ${s.received}, dropped ${s.dropped}, played ${s.played}, concealed ${s.concealed}, dtmf sent ${d.digitsSent}, dtmf received ${d.digitsReceived}`);
    call.media.stop();
  } else call.rtp.close();
}
