// What a call reads from a peer's session description and from configured host:port text: where
// the audio goes, the telephone-event payload type, and the a=key-mgmt lines (RFC 4567).
import { parseKeyMgmt, MIKEY_PROTOCOL_ID } from '../sdp/key-mgmt.js';
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
  const m = sdp.media.find((x) => x.media === 'audio');
  const address = m?.connection?.address ?? sdp.connection?.address;
  if (!m || !address || m.port === 0) throw new RangeError('no audio stream in the session description');
  const events = m.attributes
    .filter((a) => a.name === 'rtpmap')
    .map((a) => /^(\d{1,3})\s+telephone-event\/8000\b/i.exec(a.value ?? '')?.[1])
    .find((pt) => pt !== undefined && m.formats.includes(pt));
  return { address, port: m.port, ...(events !== undefined ? { telephoneEvent: Number(events) } : {}) };
}

/** The protocol ids of the a=key-mgmt lines the audio stream has (RFC 4567 §3.1). */
export function keyMgmtProtocols(sdp: SessionDescription): string[] {
  const m = sdp.media.find((x) => x.media === 'audio');
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
  const m = sdp.media.find((x) => x.media === 'audio');
  const a = m ? effectiveAttributes(sdp, m, 'key-mgmt')[0] : undefined;
  if (!a) return undefined;
  const km = parseKeyMgmt(a);
  return km.protocol === MIKEY_PROTOCOL_ID ? km.data : undefined;
}
