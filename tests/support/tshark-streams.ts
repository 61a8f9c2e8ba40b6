// What tshark sees of the TCP streams on some ports in a loopback capture: the frames that carry
// bytes, how many of them dissect as TLS records, and whether SIP, SDP or MIKEY shows anywhere —
// dissected, or as plain text in the bytes (RFC 3261 §26.2: TLS hides the headers and the bodies).
import { spawnSync } from 'node:child_process';

function tshark(args: string[]): string {
  const r = spawnSync('tshark', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new Error(`tshark: ${r.error.message} (apt-get install tshark)`);
  if (r.status !== 0) throw new Error(`tshark ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Frames of `pcap` that match the display filter, counted; `decodeAs` as tshark's -d. */
export function countFrames(pcap: string, filter: string, decodeAs: readonly string[] = []): number {
  return tshark(['-r', pcap, ...decodeAs.flatMap((d) => ['-d', d]), '-Y', filter, '-T', 'fields', '-e', 'frame.number']).split('\n').filter(Boolean).length;
}

/** SIP, SDP or MIKEY as text in the bytes, whatever the dissector made of them. */
export const CLEAR_SIGNALLING = 'frame matches "(?i)(SIP/2\\\\.0|INVITE sip|a=key-mgmt|mikey|a=crypto|Call-ID)"';

export interface StreamView {
  /** TCP segments with bytes. */
  readonly payloadFrames: number;
  /** Of those, the ones that are not (part of) a TLS record. */
  readonly notTls: number;
  /** TLS ClientHello messages: each connection's handshake, in clear up to the ServerHello. */
  readonly clientHellos: number;
  /** TLS records carrying application data (the SIP messages, encrypted). */
  readonly tlsAppData: number;
  /** Frames dissected as SIP, SDP or MIKEY. */
  readonly dissectedSip: number;
  /** Frames with SIP, SDP or MIKEY text in them. */
  readonly clearText: number;
}

/** The TCP streams on `ports` of `pcap`, each port decoded as TLS. */
export function tlsStreamView(pcap: string, ports: readonly number[]): StreamView {
  const on = `(${ports.map((p) => `tcp.port == ${p}`).join(' || ')})`;
  const decodeAs = ports.map((p) => `tcp.port==${p},tls`);
  return {
    payloadFrames: countFrames(pcap, `${on} && tcp.len > 0`, decodeAs),
    notTls: countFrames(pcap, `${on} && tcp.len > 0 && !tls`, decodeAs),
    clientHellos: countFrames(pcap, `${on} && tls.handshake.type == 1`, decodeAs),
    tlsAppData: countFrames(pcap, `${on} && tls.app_data`, decodeAs),
    dissectedSip: countFrames(pcap, `${on} && (sip || sdp || mikey)`, decodeAs),
    clearText: countFrames(pcap, `${on} && ${CLEAR_SIGNALLING}`, decodeAs),
  };
}
