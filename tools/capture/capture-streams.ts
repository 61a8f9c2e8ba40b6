// Finds the SRTP streams a key log names in a capture (docs/key-log.md): a `tx` line's packets are UDP
// from <local> to <remote>, an `rx` line's UDP to <local> from any source, as the phone takes them (a
// peer may send from another address than its SDP gave: baresip announces one it does not send from);
// an SSRC, when a line of that call and direction gives one, keeps only that SSRC. Each (call, direction, SSRC) is decrypted by an
// SrtpStream under the keys of its lines in file order. RTCP on a muxed port (RFC 5761 §4: packet
// types 200..204) and anything not RTP version 2 is counted, not decrypted.
import type { KeyLogEntry } from '../../modules/phone/key-log.js';
import { decodeUdp, type SkipReason } from './packet-decoding.js';
import { readCapture } from './pcap-reader.js';
import { SrtpStream } from './srtp-stream.js';

export interface CaptureSummary {
  frames: number;
  udp: number;
  /** UDP datagrams that belong to a stream of the key log. */
  srtp: number;
  /** Datagrams on a stream's addresses that are not SRTP (RTCP, not RTP version 2, another SSRC). */
  notSrtp: number;
  skipped: Partial<Record<SkipReason, number>>;
}

interface KeyGroup {
  readonly keys: KeyLogEntry[];
  readonly ssrcs: Set<number>;
  readonly streams: Map<number, SrtpStream>;
}

/** The (source, destination) of a line's packets; "*" for any source. */
const flow = (e: KeyLogEntry) => (e.direction === 'tx' ? `${e.local}>${e.remote}` : `*>${e.local}`);

export interface DecryptedCapture {
  /** The streams found, in the order their first packet came. */
  readonly streams: SrtpStream[];
  /** The first line of each call and direction of the key log that no packet in the capture matched. */
  readonly notFound: KeyLogEntry[];
  readonly summary: CaptureSummary;
}

export function decryptCapture(capture: Uint8Array, entries: readonly KeyLogEntry[]): DecryptedCapture {
  const groups = new Map<string, KeyGroup>();
  for (const e of entries) {
    const id = `${e.callId} ${e.direction}`;
    const group: KeyGroup = groups.get(id) ?? { keys: [], ssrcs: new Set<number>(), streams: new Map() };
    group.keys.push(e);
    if (e.ssrc !== undefined) group.ssrcs.add(e.ssrc);
    groups.set(id, group);
  }
  const byFlow = new Map<string, KeyGroup[]>();
  for (const group of groups.values()) {
    for (const f of new Set(group.keys.map(flow))) byFlow.set(f, [...(byFlow.get(f) ?? []), group]);
  }
  const order: SrtpStream[] = [];
  const summary: CaptureSummary = { frames: 0, udp: 0, srtp: 0, notSrtp: 0, skipped: {} };
  for (const frame of readCapture(capture)) {
    summary.frames++;
    const d = decodeUdp(frame.linkType, frame.data);
    if (d.kind === 'skipped') {
      summary.skipped[d.reason] = (summary.skipped[d.reason] ?? 0) + 1;
      continue;
    }
    summary.udp++;
    const to = `${d.destination}:${d.destinationPort}`;
    const candidates = byFlow.get(`${d.source}:${d.sourcePort}>${to}`) ?? byFlow.get(`*>${to}`);
    if (!candidates) continue;
    const p = d.payload;
    const rtcp = p.length >= 2 && (p[1] & 0x7f) >= 72 && (p[1] & 0x7f) <= 76;
    if (p.length < 12 || p[0] >> 6 !== 2 || rtcp) {
      summary.notSrtp++;
      continue;
    }
    const ssrc = ((p[8] << 24) | (p[9] << 16) | (p[10] << 8) | p[11]) >>> 0;
    const group = candidates.find((g) => g.ssrcs.size === 0 || g.ssrcs.has(ssrc));
    if (!group) {
      summary.notSrtp++;
      continue;
    }
    let stream = group.streams.get(ssrc);
    if (!stream) {
      stream = new SrtpStream(group.keys, ssrc);
      group.streams.set(ssrc, stream);
      order.push(stream);
    }
    summary.srtp++;
    stream.push(p);
  }
  const notFound = [...groups.values()].filter((g) => g.streams.size === 0).map((g) => g.keys[0]);
  return { streams: order, notFound, summary };
}
