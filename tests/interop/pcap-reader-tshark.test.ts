// The capture reader and packet decoder (tools/capture) against tshark's own reading of the same
// files: UDP and TCP traffic on loopback captured by dumpcap (pcapng, two interfaces: lo as Ethernet
// and "any" as Linux cooked v2; pcap over "any" as Linux cooked v1) and tshark (pcapng on lo), then
// the same frames as nanosecond pcap (editcap), big-endian pcap and pcapng, Simple Packet Blocks, and
// raw IPv4 (101, 228) and loopback/null (0) pcap files. For each file, the frame numbers, addresses,
// ports and UDP lengths the reader finds are those tshark prints, and it counts the same frames.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createServer, connect } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeUdp } from '../../tools/capture/packet-decoding.js';
import { readCapture } from '../../tools/capture/pcap-reader.js';
import { simplePacketBlocks, swapPcap, swapPcapng, writePcap } from '../support/capture-files.js';
import { until } from '../support/desktop-phones.js';

const FIELDS = ['frame.number', 'ip.src', 'udp.srcport', 'ip.dst', 'udp.dstport', 'udp.length'];

/** tshark's reading: one line per frame with a UDP length, and the number of frames. */
function tsharkReads(file: string): { udp: string[]; frames: number } {
  const r = spawnSync('tshark', ['-r', file, '-T', 'fields', ...FIELDS.flatMap((f) => ['-e', f])], { encoding: 'utf8' });
  expect({ file, status: r.status }).toEqual({ file, status: 0 });
  const lines = r.stdout.split('\n').filter(Boolean);
  return { udp: lines.filter((l) => l.split('\t')[5] !== ''), frames: lines.length };
}

function ourReading(file: string): { udp: string[]; frames: number } {
  const udp: string[] = [];
  let frames = 0;
  for (const f of readCapture(readFileSync(file))) {
    frames++;
    const d = decodeUdp(f.linkType, f.data);
    if (d.kind === 'udp') udp.push([f.number, d.source, d.sourcePort, d.destination, d.destinationPort, d.udpLength].join('\t'));
  }
  return { udp, frames };
}

interface Capture {
  readonly process: ChildProcess;
  /** dumpcap's progress ("Packets: N") shows that it really captures; "Capturing on" comes earlier. */
  readonly live: () => boolean;
}

async function dumpcap(args: string[]): Promise<Capture> {
  const p = spawn('dumpcap', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  p.stderr!.on('data', (d) => (log += d));
  await until(() => log.includes('Capturing on'), `dumpcap to start\n${log}`, 15000);
  return { process: p, live: () => /Packets: [1-9]/.test(log) };
}

/** Probe datagrams until every capture has counted a packet, so none misses the traffic under test. */
async function untilCapturing(captures: readonly Capture[]): Promise<void> {
  const probe = createSocket('udp4');
  try {
    await until(
      () => {
        probe.send(Buffer.from('probe'), 9, '127.0.0.1');
        return captures.every((c) => c.live());
      },
      'every dumpcap to count a packet',
      15000,
    );
  } finally {
    probe.close();
  }
}

async function stop(p: ChildProcess): Promise<void> {
  const exited = new Promise((r) => p.once('exit', r));
  p.kill('SIGINT');
  await exited;
}

/** UDP datagrams of several sizes (an empty one too) to a bound port, and a TCP exchange. */
async function traffic(): Promise<void> {
  const receiver = createSocket('udp4');
  await new Promise<void>((r) => receiver.bind(0, '127.0.0.1', r));
  const sender = createSocket('udp4');
  const port = receiver.address().port;
  for (const size of [0, 1, 12, 172, 1400, 9000, 100]) {
    await new Promise<void>((r, j) => sender.send(Buffer.alloc(size, size & 0xff), port, '127.0.0.1', (e) => (e ? j(e) : r())));
  }
  const server = createServer((s) => s.end('bye'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address() as { port: number };
  await new Promise<void>((r) => connect(address.port, '127.0.0.1').on('data', () => undefined).on('end', r));
  await new Promise((r) => setTimeout(r, 500));
  server.close();
  sender.close();
  receiver.close();
}

describe('the capture reader against tshark', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pcap-reader-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string) => join(dir, name);
  const filter = 'host 127.0.0.1 and (udp or tcp)';

  beforeAll(async () => {
    const captures = [
      await dumpcap(['-i', 'lo', '-f', filter, '-i', 'any', '-y', 'LINUX_SLL2', '-f', filter, '-w', file('two.pcapng')]),
      await dumpcap(['-P', '-i', 'any', '-y', 'LINUX_SLL', '-f', filter, '-w', file('sll.pcap')]),
      await dumpcap(['-i', 'lo', '-f', filter, '-w', file('lo.pcapng')]),
    ];
    await untilCapturing(captures);
    await traffic();
    for (const c of captures) await stop(c.process);
    expect(spawnSync('editcap', ['-F', 'nsecpcap', file('sll.pcap'), file('sll-nsec.pcap')]).status).toBe(0);
    expect(spawnSync('editcap', ['-F', 'pcap', file('lo.pcapng'), file('lo.pcap')]).status).toBe(0);
    writeFileSync(file('sll-be.pcap'), swapPcap(readFileSync(file('sll.pcap'))));
    writeFileSync(file('two-be.pcapng'), swapPcapng(readFileSync(file('two.pcapng'))));
    writeFileSync(file('lo-spb.pcapng'), simplePacketBlocks(readFileSync(file('lo.pcapng'))));
    // Raw IPv4 and loopback/null frames: the IPv4 packets of the Ethernet capture (14-byte header off).
    const ip = [...readCapture(readFileSync(file('lo.pcap')))].map((f) => f.data.subarray(14));
    writeFileSync(file('raw101.pcap'), writePcap(101, ip));
    writeFileSync(file('raw228.pcap'), writePcap(228, ip));
    const family = (le: boolean) => Buffer.from(le ? [2, 0, 0, 0] : [0, 0, 0, 2]);
    writeFileSync(file('null.pcap'), writePcap(0, ip.map((p, i) => Buffer.concat([family(i % 2 === 0), p]))));
  });

  it.each(['two.pcapng', 'two-be.pcapng', 'lo.pcapng', 'lo-spb.pcapng', 'lo.pcap', 'sll.pcap', 'sll-nsec.pcap', 'sll-be.pcap', 'raw101.pcap', 'raw228.pcap', 'null.pcap'])(
    'reads %s as tshark does',
    (name) => {
      const theirs = tsharkReads(file(name));
      expect(theirs.udp.length).toBeGreaterThanOrEqual(7);
      expect(theirs.frames).toBeGreaterThan(theirs.udp.length);
      expect(ourReading(file(name))).toEqual(theirs);
    },
  );

  it('finds the two interfaces\' link types in one pcapng file', () => {
    expect(new Set([...readCapture(readFileSync(file('two.pcapng')))].map((f) => f.linkType))).toEqual(new Set([1, 276]));
    expect(new Set([...readCapture(readFileSync(file('sll.pcap')))].map((f) => f.linkType))).toEqual(new Set([113]));
  });
});
