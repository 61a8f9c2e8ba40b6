// The audio session descriptions the phone offers and answers (RFC 3264): one m=audio line with
// PCMU (0), PCMA (8) and telephone-event (RFC 4733) on 101, keyed on the rung the ladder chose:
// MIKEY in a=key-mgmt (RFC 4567), SDES a=crypto lines (RFC 4568), or nothing (plain RTP).
import { cryptoAttribute, type CryptoAttribute } from './crypto-attr.js';
import { keyMgmtAttribute, MIKEY_PROTOCOL_ID } from './key-mgmt.js';
import type { Attribute, SessionDescription } from './session-description.js';

export const PCMU = 0;
export const PCMA = 8;
export const TELEPHONE_EVENT = 101;

export type MediaKeying =
  | { readonly kind: 'mikey'; readonly message: Uint8Array }
  | { readonly kind: 'sdes'; readonly lines: readonly CryptoAttribute[] }
  | { readonly kind: 'none' }
  /**
   * RTP/SAVP keyed by the exchange already in force: a re-offer or answer that changes no keys
   * (hold, resume) carries no a=key-mgmt, since one there starts a new exchange (RFC 3830 §4.5).
   */
  | { readonly kind: 'established' };

export interface AudioDescription {
  readonly address: string;
  readonly rtpPort: number;
  /** o= session id and version (RFC 4566 §5.2): the version goes up with each new offer. */
  readonly sessionId: string;
  readonly sessionVersion: number;
  readonly keying: MediaKeying;
  /** sendrecv, or sendonly / recvonly / inactive for hold (RFC 3264 §8.4). */
  readonly direction?: 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
  /** Payload types in preference order; an answer lists the one it took first. */
  readonly formats?: readonly number[];
  /** The payload type of telephone-event/8000 (RFC 4733 §7.1.1), 101 unless an offer chose another. */
  readonly telephoneEvent?: number;
}

const RTPMAP: Readonly<Record<number, string>> = { [PCMU]: 'PCMU/8000', [PCMA]: 'PCMA/8000' };

/** A description for an offer or an answer. MIKEY goes at session level (as minisip does). */
export function audioDescription(d: AudioDescription): SessionDescription {
  const events = d.telephoneEvent ?? TELEPHONE_EVENT;
  const formats = d.formats ?? [PCMU, PCMA, events];
  const rtpmap = (f: number) => (f === events ? 'telephone-event/8000' : RTPMAP[f]);
  const media: Attribute[] = [
    ...formats.filter((f) => rtpmap(f)).map((f) => ({ name: 'rtpmap', value: `${f} ${rtpmap(f)}` })),
    ...(formats.includes(events) ? [{ name: 'fmtp', value: `${events} 0-15` }] : []),
    { name: 'ptime', value: '20' },
    ...(d.keying.kind === 'sdes' ? d.keying.lines.map(cryptoAttribute) : []),
    { name: d.direction ?? 'sendrecv' },
  ];
  const addrType = d.address.includes(':') ? 'IP6' : 'IP4';
  return {
    origin: { username: '-', sessionId: d.sessionId, sessionVersion: String(d.sessionVersion), netType: 'IN', addrType, address: d.address },
    sessionName: '-',
    connection: { netType: 'IN', addrType, address: d.address },
    bandwidths: [],
    timing: [{ start: '0', stop: '0' }],
    attributes: d.keying.kind === 'mikey' ? [keyMgmtAttribute(MIKEY_PROTOCOL_ID, d.keying.message)] : [],
    other: [],
    media: [
      {
        media: 'audio',
        port: d.rtpPort,
        protocol: d.keying.kind === 'none' ? 'RTP/AVP' : 'RTP/SAVP',
        formats: formats.map(String),
        bandwidths: [],
        attributes: media,
        other: [],
      },
    ],
  };
}
