// RTP and RFC 4733 packets as Wireshark's dissectors read them: the test writes what RtpSender and
// DtmfSender produce into a pcap file (raw IPv4/UDP) and checks tshark's reading of every header
// field and telephone-event field against the plan the packets were made from.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DtmfSender } from '../../audio/dtmf.js';
import { encodeG711 } from '../../audio/g711.js';
import { RtpSender } from '../../audio/rtp.js';
import { ToneGenerator } from '../../audio/tones.js';

const TSHARK = '/usr/bin/tshark';
const PORT = 40000;
const EVENT_PT = 101;

/** A pcap file (LINKTYPE_RAW: each record an IPv4 packet) of UDP datagrams 127.0.0.1:40002 → :40000. */
function pcap(payloads: Uint8Array[]): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(101, 20);
  const records = payloads.map((p, i) => {
    const ip = Buffer.alloc(28 + p.length);
    ip.writeUInt8(0x45, 0);
    ip.writeUInt16BE(ip.length, 2);
    ip.writeUInt8(64, 8);
    ip.writeUInt8(17, 9);
    ip.set([127, 0, 0, 1], 12);
    ip.set([127, 0, 0, 1], 16);
    let sum = 0;
    for (let j = 0; j < 20; j += 2) sum += ip.readUInt16BE(j);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
    ip.writeUInt16BE(~sum & 0xffff, 10);
    ip.writeUInt16BE(PORT + 2, 20);
    ip.writeUInt16BE(PORT, 22);
    ip.writeUInt16BE(8 + p.length, 24);
    ip.set(p, 28);
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(1_700_000_000, 0);
    rec.writeUInt32LE(i * 20_000, 4);
    rec.writeUInt32LE(ip.length, 8);
    rec.writeUInt32LE(ip.length, 12);
    return Buffer.concat([rec, ip]);
  });
  return Buffer.concat([header, ...records]);
}

describe('RTP and telephone-events read by tshark', () => {
  it('shows the sequence, timestamps, SSRC, payload types, marker and RFC 4733 fields we sent', () => {
    if (!existsSync(TSHARK)) throw new Error(`tshark is missing: install the tshark package (${TSHARK})`);
    const ssrc = 0x5eed1234;
    const tx = new RtpSender({ ssrc, payloadType: 0, sequenceNumber: 65533, timestamp: 4294967000 });
    const tone = ToneGenerator.of('dial');
    const dtmf = new DtmfSender();
    const packets: Uint8Array[] = [];
    // Three audio frames, then digit 5 held for three frames (its three end packets), then audio.
    for (let i = 0; i < 3; i++) packets.push(tx.audio(encodeG711('PCMU', tone.nextFrame()), 160, i === 0));
    dtmf.start('5', tx.timestamp);
    for (let i = 0; i < 3; i++) for (const p of dtmf.frame()) packets.push(tx.packet(p.payload, EVENT_PT, p.timestamp, p.marker));
    for (const p of dtmf.stop()) packets.push(tx.packet(p.payload, EVENT_PT, p.timestamp, p.marker));
    tx.skip(3 * 160);
    packets.push(tx.audio(encodeG711('PCMU', tone.nextFrame()), 160));

    const dir = mkdtempSync(join(tmpdir(), 'rtp-tshark-'));
    try {
      const file = join(dir, 'rtp.pcap');
      writeFileSync(file, pcap(packets));
      const out = execFileSync(TSHARK, [
        '-r', file, '-d', `udp.port==${PORT},rtp`, '-o', `rtpevent.event_payload_type_value:${EVENT_PT}`, '-T', 'fields', '-E', 'separator=,',
        '-e', 'rtp.seq', '-e', 'rtp.timestamp', '-e', 'rtp.ssrc', '-e', 'rtp.p_type', '-e', 'rtp.marker', '-e', 'rtpevent.event_id', '-e', 'rtpevent.end_of_event', '-e', 'rtpevent.duration',
      ]).toString().trim().split('\n');
      const ts0 = 4294967000;
      const eventTs = (ts0 + 3 * 160) % 2 ** 32;
      const ssrcHex = '0x5eed1234';
      const audio = (seq: number, ts: number, marker: number) => `${seq},${ts},${ssrcHex},0,${marker},,,`;
      const event = (seq: number, marker: number, end: number, duration: number) => `${seq},${eventTs},${ssrcHex},${EVENT_PT},${marker},5,${end},${duration}`;
      expect(out).toEqual([
        audio(65533, ts0, 1), audio(65534, ts0 + 160, 0), audio(65535, (ts0 + 320) % 2 ** 32, 0),
        event(0, 1, 0, 160), event(1, 0, 0, 320), event(2, 0, 0, 480),
        event(3, 0, 1, 480), event(4, 0, 1, 480), event(5, 0, 1, 480),
        audio(6, (ts0 + 6 * 160) % 2 ** 32, 0),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
