// What the desktop host holds for the phone's streams is bounded (sim/streams.ts StreamLimits): a
// flood of connections to a listener is capped at maxStreams (the rest closed as they arrive,
// counted, one log line), a stream whose bytes the engine does not take in time is closed with an
// error once more than maxUnconsumedBytes wait, one whose peer does not read once more than
// maxUnsentBytes are unsent, and a connect (or an accepted TLS handshake) that gets no answer ends
// after connectTimeoutMs. Closing frees everything: no stream, listener or socket handle is left,
// whether the phone closes or the host stops.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as tcpConnect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDevKeys } from '../../sim/dev-keys.js';
import { until } from '../support/desktop-phones.js';
import { StreamProbe, tcpHandles, type ProbeIdentity } from '../support/stream-probe.js';

const PHONE = 'sip:probe@127.0.0.1';
const dir = mkdtempSync(join(tmpdir(), 'host-streams-limits-'));
let identity: ProbeIdentity;
let n = 0;

beforeAll(() => {
  const keys = ensureDevKeys(join(dir, 'keys'), [PHONE]);
  const phone = keys.phones.get(PHONE)!;
  identity = { chain: [phone.certificate], privateKey: phone.privateKey, trustAnchors: [keys.caCertificate] };
}, 60000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const start = (limits: Parameters<typeof StreamProbe.start>[2]) => StreamProbe.start(join(dir, `p${n++}.flash`), identity, limits);

function listening(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

/** A Node client connected to `port`, with whether it has closed. */
async function client(port: number): Promise<{ socket: Socket; closed: () => boolean }> {
  const socket = tcpConnect({ host: '127.0.0.1', port });
  let closed = false;
  socket.on('error', () => {});
  socket.on('close', () => (closed = true));
  await new Promise((r) => socket.once('connect', r));
  return { socket, closed: () => closed };
}

/** Keeps the engine busy: nothing the host sends it is handled meanwhile. */
const busyEngine = (probe: StreamProbe, ms: number) => probe.host.worker.evaluate(`{ const end = Date.now() + ${ms}; while (Date.now() < end); }`);

describe('desktop host stream limits', () => {
  it('caps a flood of connections at maxStreams: the rest are closed on arrival, counted, logged once; a freed slot is used again', async () => {
    const probe = await start({ maxStreams: 4 });
    try {
      const port = await probe.listen(false);
      const clients: { socket: Socket; closed: () => boolean }[] = [];
      for (let i = 0; i < 12; i++) clients.push(await client(port));
      await until(() => clients.filter((c) => c.closed()).length === 8, 'the 8 beyond the cap to be closed');
      await until(() => probe.host.log.filter((l) => l.startsWith('accepted ')).length === 4, 'the 4 accepted');
      expect(probe.host.streams.refusedConnections).toBe(8);
      expect(probe.host.log.filter((l) => l.includes('refusing connections'))).toEqual(['host: 4 streams open, refusing connections (1 refused in all)']);
      // The accepted ones work: each echoes.
      const open = clients.filter((c) => !c.closed());
      expect(open).toHaveLength(4);
      const echo = new Promise<Buffer>((r) => open[0].socket.once('data', r));
      open[0].socket.write('still served');
      expect((await echo).toString()).toBe('still served');
      open[0].socket.end();
      await until(() => probe.host.streams.counts().streams === 3, 'the ended stream to be freed');
      const again = await client(port);
      await until(() => probe.host.log.filter((l) => l.startsWith('accepted ')).length === 5, 'a new connection in the freed slot');
      expect(again.closed()).toBe(false);
      again.socket.destroy();
      for (const c of open) c.socket.destroy();
    } finally {
      await probe.stop();
    }
  });

  it('closes a stream with an error once the engine leaves more than maxUnconsumedBytes unread', async () => {
    const probe = await start({ maxUnconsumedBytes: 16 * 1024 });
    try {
      const port = await probe.listen(false);
      const c = await client(port);
      await probe.line(/^accepted 1 /);
      const busy = busyEngine(probe, 1000);
      c.socket.write(randomBytes(200 * 1024));
      await until(c.closed, 'the host to close the flooding stream');
      await busy;
      expect(await probe.closed(1)).toBe('the phone is not reading: over 16384 bytes buffered');
      expect(probe.host.streams.counts()).toEqual({ streams: 0, listeners: 1, lingering: 0 });
    } finally {
      await probe.stop();
    }
  });

  it('closes a stream with an error once its peer leaves more than maxUnsentBytes unsent', async () => {
    const probe = await start({ maxUnsentBytes: 64 * 1024 });
    const peers: Socket[] = [];
    // A peer that never reads: the kernel's buffers fill, then the host's.
    const server = createServer((s) => void (peers.push(s), s.pause()));
    const port = await listening(server);
    try {
      const stream = await probe.connect({ port });
      await until(() => peers.length === 1, 'the connection');
      const chunk = randomBytes(256 * 1024);
      for (let i = 0; i < 64 && !probe.host.log.some((l) => l.startsWith(`closed ${stream} `)); i++) await probe.command('write', { stream }, chunk);
      expect(await probe.closed(stream)).toBe('the peer is not reading: over 65536 bytes unsent');
    } finally {
      for (const p of peers) p.destroy();
      server.close();
      await probe.stop();
    }
  });

  it('ends a connect that gets no TLS answer after connectTimeoutMs, with an error', async () => {
    const probe = await start({ connectTimeoutMs: 300 });
    const peers: Socket[] = [];
    // Accepts TCP and never answers the ClientHello.
    const server = createServer((s) => void peers.push(s));
    const port = await listening(server);
    try {
      const stream = await probe.connect({ port, serverName: '127.0.0.1' });
      expect(await probe.closed(stream)).toBe(`connect to 127.0.0.1:${port} timed out after 300 ms`);
      expect(probe.host.streams.counts().streams).toBe(0);
    } finally {
      for (const p of peers) p.destroy();
      server.close();
      await probe.stop();
    }
  });

  it('drops an accepted connection that never finishes its TLS handshake after connectTimeoutMs; the phone never hears of it', async () => {
    const probe = await start({ connectTimeoutMs: 300 });
    try {
      const port = await probe.listen(true);
      const silent = await client(port);
      await until(() => probe.host.streams.counts().streams === 1, 'the host to hold the handshaking connection');
      await until(silent.closed, 'the host to drop the silent connection', 5000);
      expect(probe.host.streams.counts().streams).toBe(0);
      expect(probe.host.log.filter((l) => l.startsWith('accepted '))).toEqual([]);
    } finally {
      await probe.stop();
    }
  });

  it('frees every stream, listener and socket handle when the phone closes them, and when the host stops', async () => {
    const baseline = tcpHandles();
    const probe = await start({});
    const echo = createServer((s) => s.pipe(s));
    const echoPort = await listening(echo);
    try {
      const tcp = await probe.listen(false);
      const tls = await probe.listen(true);
      const inbound = await client(tcp);
      const outbound = await probe.connect({ port: echoPort, text: 'x' });
      await until(() => probe.received(outbound).length === 1, 'the echo');
      await probe.line(/^accepted \d+ /);
      expect(probe.host.streams.counts()).toEqual({ streams: 2, listeners: 2, lingering: 0 });
      // The phone closes all it opened: its streams end for both sides, its listeners stop.
      const accepted = Number((await probe.line(/^accepted (\d+) /))[1]);
      await probe.command('close', { stream: accepted });
      await probe.command('close', { stream: outbound });
      await probe.command('unlisten', { listener: 1 });
      await probe.command('unlisten', { listener: 2 });
      expect(await probe.closed(accepted)).toBe('clean');
      expect(await probe.closed(outbound)).toBe('clean');
      await until(inbound.closed, 'the inbound peer to see the end');
      await until(() => probe.host.streams.counts().lingering === 0, 'the closed streams to finish');
      expect(probe.host.streams.counts()).toEqual({ streams: 0, listeners: 0, lingering: 0 });
      await expect(new Promise((resolve, reject) => tcpConnect({ host: '127.0.0.1', port: tls }).on('error', reject).on('connect', resolve))).rejects.toThrow(/ECONNREFUSED/);
      // Open again, then stop the host with everything open: nothing stays behind.
      await probe.listen(false);
      const last = await probe.connect({ port: echoPort, text: 'y' });
      await until(() => probe.received(last).length === 1, 'the second echo');
    } finally {
      await probe.stop();
      echo.close();
    }
    expect(probe.host.streams.counts()).toEqual({ streams: 0, listeners: 0, lingering: 0 });
    await until(() => tcpHandles() === baseline, `TCP handles back to ${baseline} (now ${tcpHandles()})`, 5000);
  });
});
