// A datagram flood against a phone on loopback and OPTIONS probes timed through it (issue 13): used
// by tests/node/sip-flood.test.ts and bench/flood.bench.ts.
import { createSocket, type Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';

async function socket(): Promise<Socket> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  return s;
}

function request(method: string, port: number, from: number, id: string, extra: string[] = [], body = ''): Buffer {
  return Buffer.from([
    `${method} sip:phone@127.0.0.1:${port} SIP/2.0`, `Via: SIP/2.0/UDP 127.0.0.1:${from};branch=z9hG4bK${id}`, 'Max-Forwards: 70',
    `From: <sip:flood@127.0.0.1>;tag=${id}`, 'To: <sip:phone@127.0.0.1>', `Call-ID: ${id}@127.0.0.1`, `CSeq: 1 ${method}`,
    `Contact: <sip:flood@127.0.0.1:${from}>`, ...extra, `Content-Length: ${Buffer.byteLength(body)}`, '', body,
  ].join('\r\n'));
}

const SDP = ['v=0', 'o=flood 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 4000 RTP/AVP 0', ''].join('\r\n');

/** What a flood sends: INVITEs never ACKed (each one a call attempt), or junk of a given size. */
export type FloodKind = { kind: 'invite' } | { kind: 'junk'; bytes: number };

export interface Flood {
  /** Stops sending; resolves to the number of datagrams sent. */
  stop(): Promise<number>;
}

/** Sends `perSecond` datagrams a second to 127.0.0.1:`port`, in bursts every 20 ms, until stopped. */
export async function startFlood(port: number, perSecond: number, what: FloodKind): Promise<Flood> {
  const s = await socket();
  const from = s.address().port;
  let sent = 0;
  const junk = what.kind === 'junk' ? Buffer.alloc(what.bytes, 0x41) : undefined;
  const started = performance.now();
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - started) / 1000) * perSecond);
    for (; sent < due; sent++) s.send(junk ?? request('INVITE', port, from, `flood${sent}`, ['Content-Type: application/sdp'], SDP), port, '127.0.0.1');
  }, 20);
  return {
    async stop() {
      clearInterval(timer);
      await new Promise<void>((r) => s.close(() => r()));
      return sent;
    },
  };
}

/**
 * Sends `count` OPTIONS to the phone, one every `everyMs`, and returns each round trip in ms, or
 * undefined for one not answered with a 200 within `timeoutMs`.
 */
export async function probeOptions(port: number, count: number, everyMs: number, timeoutMs: number): Promise<(number | undefined)[]> {
  const s = await socket();
  const from = s.address().port;
  const sentAt = new Map<string, number>();
  const rtts = new Map<string, number>();
  const tag = Math.random().toString(36).slice(2, 8);
  s.on('message', (m) => {
    const text = m.toString('latin1');
    const id = /^Call-ID: ([^@\r]+)@/m.exec(text)?.[1];
    if (text.startsWith('SIP/2.0 200 ') && id !== undefined && sentAt.has(id) && !rtts.has(id)) rtts.set(id, performance.now() - sentAt.get(id)!);
  });
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = `probe${tag}${i}`;
    ids.push(id);
    sentAt.set(id, performance.now());
    s.send(request('OPTIONS', port, from, id), port, '127.0.0.1');
    await new Promise((r) => setTimeout(r, everyMs));
  }
  const last = sentAt.get(ids[ids.length - 1])!;
  while (rtts.size < count && performance.now() - last < timeoutMs) await new Promise((r) => setTimeout(r, 20));
  await new Promise<void>((r) => s.close(() => r()));
  return ids.map((id) => {
    const rtt = rtts.get(id);
    return rtt !== undefined && rtt <= timeoutMs ? rtt : undefined;
  });
}
