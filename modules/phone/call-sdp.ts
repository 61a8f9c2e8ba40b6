// What a call reads from a peer's session description and from configured host:port text: where
// the audio goes, the telephone-event payload type, and the a=key-mgmt lines (RFC 4567), all of
// the audio stream the description enables (its first m=audio line not at port 0, RFC 3264 §6).
import { directionFor, flows, mediaDirection, type Direction } from '../sdp/direction.js';
import { parseKeyMgmt, MIKEY_PROTOCOL_ID } from '../sdp/key-mgmt.js';
import { activeAudio } from '../sdp/media-lines.js';
import { effectiveAttributes, type SessionDescription } from '../sdp/session-description.js';
import type { HostPort } from '../sip/user-agent.js';

/** "host" or "host:port" (port 5060 when left out); undefined for anything else. */
export function hostPort(text: string): HostPort | undefined {
  const m = /^([^:\s]+)(?::(\d{1,5}))?$/.exec(text.trim());
  return m ? { address: m[1], port: Number(m[2] ?? 5060) } : undefined;
}

/** Where a peer takes the call's audio, and the payload type it gave telephone-events (RFC 4733 §7.1.1). */
export interface MediaTarget extends HostPort {
  readonly telephoneEvent?: number;
}

export function mediaTarget(sdp: SessionDescription): MediaTarget {
  const m = activeAudio(sdp);
  const address = m?.connection?.address ?? sdp.connection?.address;
  if (!m || !address || m.port === 0) throw new RangeError('no audio stream in the session description');
  const events = m.attributes
    .filter((a) => a.name === 'rtpmap')
    .map((a) => /^(\d{1,3})\s+telephone-event\/8000\b/i.exec(a.value ?? '')?.[1])
    .find((pt) => pt !== undefined && m.formats.includes(pt));
  return { address, port: m.port, ...(events !== undefined ? { telephoneEvent: Number(events) } : {}) };
}

/** The peer's audio stream in a re-offer or an answer during a call. */
export interface PeerStream {
  /** RTP/AVP or RTP/SAVP (RFC 3551, RFC 3711). */
  readonly protocol: string;
  /** Where its audio goes now; undefined for c=0.0.0.0, which moves nothing. */
  readonly target?: MediaTarget;
  readonly direction: Direction;
}

/**
 * The audio stream of a peer's re-offer or answer: RangeError without one. Its address may have
 * moved (RFC 3264 §8.3.1); c=0.0.0.0 is the older way to hold (RFC 3264 §8.4, RFC 2543): the peer
 * takes nothing, whatever direction it writes.
 */
export function peerStream(sdp: SessionDescription): PeerStream {
  const target = mediaTarget(sdp);
  const audio = activeAudio(sdp)!;
  const direction = mediaDirection(sdp, audio);
  if (target.address !== '0.0.0.0') return { protocol: audio.protocol, target, direction };
  return { protocol: audio.protocol, direction: directionFor(flows(direction).send, false) };
}

/** The protocol ids of the a=key-mgmt lines the audio stream has (RFC 4567 §3.1). */
export function keyMgmtProtocols(sdp: SessionDescription): string[] {
  const m = activeAudio(sdp);
  if (!m) return [];
  return effectiveAttributes(sdp, m, 'key-mgmt').flatMap((a) => {
    try {
      return [parseKeyMgmt(a).protocol];
    } catch {
      return [];
    }
  });
}

/** The MIKEY message of the audio stream's first a=key-mgmt line, if it is MIKEY (RFC 4567 §3.1). */
export function mikeyIn(sdp: SessionDescription): Uint8Array | undefined {
  const m = activeAudio(sdp);
  const a = m ? effectiveAttributes(sdp, m, 'key-mgmt')[0] : undefined;
  if (!a) return undefined;
  const km = parseKeyMgmt(a);
  return km.protocol === MIKEY_PROTOCOL_ID ? km.data : undefined;
}
