// Writes SIP messages as IPv4/UDP datagrams into a pcap file (libpcap format, LINKTYPE_RAW = 101),
// so tshark can dissect SIP → SDP → a=key-mgmt → MIKEY exactly as it would from a capture.
import { writeFileSync } from 'node:fs';

function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) sum += (bytes[i] << 8) | (bytes[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** One IPv4 packet (RFC 791) carrying one UDP datagram (RFC 768) from 127.0.0.1:sport to 127.0.0.1:dport. */
function ipv4Udp(payload: Uint8Array, sport: number, dport: number): Uint8Array {
  const packet = new Uint8Array(20 + 8 + payload.length);
  const view = new DataView(packet.buffer);
  view.setUint8(0, 0x45);
  view.setUint16(2, packet.length);
  view.setUint8(8, 64);
  view.setUint8(9, 17);
  packet.set([127, 0, 0, 1], 12);
  packet.set([127, 0, 0, 1], 16);
  view.setUint16(10, checksum(packet.subarray(0, 20)));
  view.setUint16(20, sport);
  view.setUint16(22, dport);
  view.setUint16(24, 8 + payload.length);
  packet.set(payload, 28);
  // UDP checksum over the IPv4 pseudo-header, header and payload (RFC 768).
  const pseudo = new Uint8Array(12 + 8 + payload.length);
  pseudo.set([127, 0, 0, 1, 127, 0, 0, 1, 0, 17, (8 + payload.length) >> 8, (8 + payload.length) & 255], 0);
  pseudo.set(packet.subarray(20), 12);
  view.setUint16(26, checksum(pseudo) || 0xffff);
  return packet;
}

/** Writes each SIP message as one UDP datagram 127.0.0.1:5061 → 127.0.0.1:5060. */
export function writeSipPcap(path: string, messages: readonly string[]): void {
  const header = new Uint8Array(24);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, 0xa1b2c3d4, true);
  hv.setUint16(4, 2, true);
  hv.setUint16(6, 4, true);
  hv.setUint32(16, 65535, true);
  hv.setUint32(20, 101, true);
  const records: Uint8Array[] = [header];
  messages.forEach((text, i) => {
    const packet = ipv4Udp(new TextEncoder().encode(text), 5061, 5060);
    const record = new Uint8Array(16 + packet.length);
    const rv = new DataView(record.buffer);
    rv.setUint32(0, 1_700_000_000 + i, true);
    rv.setUint32(8, packet.length, true);
    rv.setUint32(12, packet.length, true);
    record.set(packet, 16);
    records.push(record);
  });
  writeFileSync(path, Buffer.concat(records));
}
