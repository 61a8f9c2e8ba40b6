// The desktop host around the engine (issue 13): its queue of datagrams to XS is bounded in number
// and bytes, drops beyond it are counted and reported in two lines per episode, and when the XS
// engine dies the host stops feeding it and says so once, never once per datagram.
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_SIP_MESSAGE } from '../../modules/sip/message.js';
import { DesktopHost, MAX_QUEUED_AUDIO_FRAMES, MAX_QUEUED_BYTES, MAX_QUEUED_DATAGRAMS } from '../../sim/host.js';
import { until } from '../support/desktop-phones.js';

const dir = mkdtempSync(join(tmpdir(), 'host-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function client(): Promise<Socket> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  return s;
}

function options(port: number, from: number, id: string): Buffer {
  return Buffer.from([
    `OPTIONS sip:phone@127.0.0.1:${port} SIP/2.0`, `Via: SIP/2.0/UDP 127.0.0.1:${from};branch=z9hG4bK${id}`, 'Max-Forwards: 70',
    `From: <sip:probe@127.0.0.1>;tag=${id}`, 'To: <sip:phone@127.0.0.1>', `Call-ID: ${id}@127.0.0.1`, 'CSeq: 1 OPTIONS', 'Content-Length: 0', '', '',
  ].join('\r\n'));
}

/** Keeps the engine busy for a while: the host must queue (or drop) what arrives meanwhile. */
const busyEngine = (host: DesktopHost) => host.worker.evaluate('{ const end = Date.now() + 1500; while (Date.now() < end); }');

describe('desktop host limits', () => {
  let n = 0;
  async function phone(extra: Partial<Parameters<typeof DesktopHost.start>[0]> = {}): Promise<{ host: DesktopHost; port: number }> {
    const host = await DesktopHost.start({ identity: { displayName: 'P', user: 'phone', sipPort: 0, tlsPort: 0 }, flashPath: join(dir, `p${n++}.flash`), ...extra });
    const port = Number(host.log.map((l) => /listening for SIP on 127\.0\.0\.1:(\d+)/.exec(l)?.[1]).find(Boolean));
    return { host, port };
  }

  it('bounds the queue to the engine by count: the excess is dropped, counted and reported once, and the phone answers after', async () => {
    const { host, port } = await phone();
    const c = await client();
    const answers: string[] = [];
    c.on('message', (m) => answers.push(m.toString()));
    try {
      const busy = busyEngine(host);
      for (let i = 0; i < MAX_QUEUED_DATAGRAMS + 100; i++) c.send(Buffer.alloc(200, 0x41), port, '127.0.0.1');
      await until(() => host.droppedDatagrams >= 100, 'the excess datagrams to be dropped', 10000);
      await busy;
      await until(() => host.log.some((l) => l.startsWith('host: dropped ')), 'the summary line', 10000);
      expect(host.droppedDatagrams).toBe(100);
      expect(host.log.filter((l) => l.startsWith('host: the phone is behind, dropping datagrams'))).toHaveLength(1);
      expect(host.log.filter((l) => l.startsWith('host: dropped '))).toEqual(['host: dropped 100 datagrams while the phone was behind (100 in all)']);
      c.send(options(port, c.address().port, 'after'), port, '127.0.0.1');
      await until(() => answers.some((a) => a.startsWith('SIP/2.0 200') && a.includes('Call-ID: after@')), 'the OPTIONS answer');
    } finally {
      c.close();
      await host.stop();
    }
  });

  it('bounds the queue by bytes: large datagrams are dropped while a small OPTIONS still gets through', async () => {
    const { host, port } = await phone();
    const c = await client();
    const answers: string[] = [];
    c.on('message', (m) => answers.push(m.toString()));
    try {
      const busy = busyEngine(host);
      const big = Buffer.alloc(60000, 0x41);
      const fit = Math.floor(MAX_QUEUED_BYTES / big.length);
      // One at a time: the kernel's socket buffer holds only a few datagrams this large.
      for (let i = 0; i < fit + 3; i++) {
        c.send(big, port, '127.0.0.1');
        await new Promise((r) => setTimeout(r, 30));
      }
      await until(() => host.droppedDatagrams === 3, 'three large datagrams to be dropped', 10000);
      c.send(options(port, c.address().port, 'small'), port, '127.0.0.1');
      await busy;
      await until(() => answers.some((a) => a.startsWith('SIP/2.0 200') && a.includes('Call-ID: small@')), 'the OPTIONS answer');
      expect(host.droppedDatagrams).toBe(3);
    } finally {
      c.close();
      await host.stop();
    }
  });

  // UDP over IPv4 carries at most 65,507 bytes, so these datagrams are handed to the phone's SIP
  // socket (id 1) directly, as the host does with what it receives.
  it('drops a datagram over 64 KiB unread and counts it in the log; answers an OPTIONS of exactly 64 KiB', async () => {
    const { host, port } = await phone();
    const c = await client();
    const answers: string[] = [];
    c.on('message', (m) => answers.push(m.toString()));
    try {
      const from = c.address().port;
      // An OPTIONS whose SDP body (RFC 3261 §11.2) is padded with one long attribute to `size` bytes.
      const head = options(port, from, 'huge').toString().replace('Content-Length: 0\r\n\r\n', 'Content-Type: application/sdp\r\n');
      const sdp = 'v=0\r\no=probe 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=x-pad:';
      const sized = (size: number) => {
        for (let digits = 1; digits < 7; digits++) {
          const length = size - (head.length + `Content-Length: ${'0'.repeat(digits)}\r\n\r\n`.length);
          const body = sdp + 'x'.repeat(length - sdp.length - 2) + '\r\n';
          if (String(length).length === digits) return Buffer.from(`${head}Content-Length: ${length}\r\n\r\n${body}`);
        }
        throw new Error('no size');
      };
      for (const _ of [1, 2]) await host.send({ type: 'udp', id: 1, address: '127.0.0.1', port: from }, sized(MAX_SIP_MESSAGE + 1));
      expect(host.log.filter((l) => l.includes(`${MAX_SIP_MESSAGE + 1} bytes: over the ${MAX_SIP_MESSAGE}-byte limit, dropped unread`))).toEqual([
        `SIP datagram 1 from 127.0.0.1:${from}, ${MAX_SIP_MESSAGE + 1} bytes: over the ${MAX_SIP_MESSAGE}-byte limit, dropped unread (1 so far)`,
        `SIP datagram 2 from 127.0.0.1:${from}, ${MAX_SIP_MESSAGE + 1} bytes: over the ${MAX_SIP_MESSAGE}-byte limit, dropped unread (2 so far)`,
      ]);
      await new Promise((r) => setTimeout(r, 200));
      expect(answers).toEqual([]);
      const largest = sized(MAX_SIP_MESSAGE);
      expect(largest.length).toBe(MAX_SIP_MESSAGE);
      await host.send({ type: 'udp', id: 1, address: '127.0.0.1', port: from }, largest);
      await until(() => answers.some((a) => a.startsWith('SIP/2.0 200') && a.includes('Call-ID: huge@')), 'the answer to the 64 KiB OPTIONS');
    } finally {
      c.close();
      await host.stop();
    }
  });

  it('bounds the captured audio frames waiting for a busy engine: the rest are lost, not queued', async () => {
    const { host } = await phone();
    try {
      // A digit starts dialing: the dial tone starts the audio device, 50 frames a second.
      await host.pressKey('5');
      expect(host.screen[0]).toBe('Dial:');
      const before = host.droppedAudioFrames;
      await busyEngine(host);
      // 1.5 s busy is 75 frames: all but MAX_QUEUED_AUDIO_FRAMES (and a few delivered around it) are lost.
      expect(host.droppedAudioFrames - before).toBeGreaterThan(75 - MAX_QUEUED_AUDIO_FRAMES - 10);
    } finally {
      await host.stop();
    }
  });

  it('stops and says so in one line when the engine dies; datagrams after that are not logged', async () => {
    const lines: string[] = [];
    const { host, port } = await phone({ onEngineExit: (line) => lines.push(line) });
    const c = await client();
    try {
      process.kill(host.worker.pid!, 'SIGKILL');
      await until(() => lines.length > 0, 'the engine exit to be reported');
      expect(lines).toEqual(['the XS engine died (xsnap-worker exited (code null, signal SIGKILL)): the phone has stopped']);
      const logged = host.log.length;
      for (let i = 0; i < 20; i++) c.send(options(port, c.address().port, `dead${i}`), port, '127.0.0.1');
      await new Promise((r) => setTimeout(r, 300));
      expect(host.log.slice(logged)).toEqual([]);
      expect(host.log.filter((l) => l.includes('xsnap-worker exited'))).toHaveLength(1);
      expect(lines).toHaveLength(1);
    } finally {
      c.close();
      await host.stop();
    }
  });
});
