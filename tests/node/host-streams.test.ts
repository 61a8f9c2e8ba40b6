// The desktop host's stream sockets (hal/host/streams.ts, sim/streams.ts) from firmware code on XS,
// against real Node peers: TCP and TLS echo both ways, listeners accept, a refused connect ends in
// onClose with an error, and a TLS server whose certificate does not chain to the phone's trust
// anchors or lacks the name asked for is refused. The phone's TLS identity is its development keys
// (sim/dev-keys.ts), checked here by Node's TLS (OpenSSL) as server and as client.
import { createPrivateKey, randomBytes, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as tcpConnect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect, createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { pkcs8RsaPrivateKey } from '../../modules/pki/rsa-keys.js';
import { packParts } from '../../hal/host/channel.js';
import { ensureDevKeys, ensureDevServerKeys, type DevKeys, type DevServerKeys } from '../../sim/dev-keys.js';
import { until } from '../support/desktop-phones.js';
import { StreamProbe } from '../support/stream-probe.js';

const PHONE = 'sip:probe@127.0.0.1';
const dir = mkdtempSync(join(tmpdir(), 'host-streams-'));
let keys: DevKeys;
let pbx: DevServerKeys;
let stranger: DevKeys;
let probe: StreamProbe;

const pemOf = (der: Uint8Array) => new X509Certificate(der).toString();

beforeAll(async () => {
  keys = ensureDevKeys(join(dir, 'keys'), [PHONE]);
  pbx = ensureDevServerKeys(join(dir, 'keys'), 'pbx', { altNames: ['DNS:pbx.test'] });
  // Another development CA: its certificates chain to nothing the phone trusts.
  stranger = ensureDevKeys(join(dir, 'stranger'), ['sip:mallory@127.0.0.1']);
  const phone = keys.phones.get(PHONE)!;
  probe = await StreamProbe.start(join(dir, 'probe.flash'), { chain: [phone.certificate], privateKey: phone.privateKey, trustAnchors: [keys.caCertificate] });
}, 60000);

afterAll(async () => {
  await probe?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Reads from `socket` until `length` bytes came, or it closed. */
function readAll(socket: Socket, length: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let got = 0;
  return new Promise((resolve) => {
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      got += d.length;
      if (got >= length) resolve(Buffer.concat(chunks));
    });
    socket.on('close', () => resolve(Buffer.concat(chunks)));
  });
}

function listening(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

describe('desktop host stream sockets, from XS', () => {
  it('TCP: a listener accepts a Node client and echoes 200 kB back in order', async () => {
    const port = await probe.listen(false);
    const client = tcpConnect({ host: '127.0.0.1', port });
    await new Promise((r) => client.once('connect', r));
    const data = randomBytes(200_000);
    const echoed = readAll(client, data.length);
    client.write(data);
    expect((await echoed).equals(data)).toBe(true);
    const [, n, from] = await probe.line(/^accepted (\d+) from (127\.0\.0\.1:\d+)$/);
    expect(from).toBe(`127.0.0.1:${client.localPort}`);
    client.end();
    expect(await probe.closed(Number(n))).toBe('clean');
  });

  it('TCP: a connect reaches a Node echo server; bytes go both ways; close() ends it cleanly for both', async () => {
    let peerEnded = false;
    const server = createServer((s) => {
      s.on('end', () => (peerEnded = true));
      s.pipe(s);
    });
    const port = await listening(server);
    try {
      const n = await probe.connect({ port, text: 'hello over TCP\r\n' });
      await until(() => probe.received(n).toString() === 'hello over TCP\r\n', 'the echo');
      await probe.command('write', { stream: n }, randomBytes(0));
      const more = randomBytes(30_000);
      await probe.command('write', { stream: n }, more);
      await until(() => probe.received(n).length === 16 + more.length, 'the 30 kB echo');
      expect(probe.received(n).subarray(16).equals(more)).toBe(true);
      await probe.command('close', { stream: n });
      expect(await probe.closed(n)).toBe('clean');
      await until(() => peerEnded, 'the peer to see the end');
    } finally {
      server.close();
    }
  });

  it('a refused connect ends in onClose with the error, for TCP and TLS', async () => {
    const server = createServer();
    const port = await listening(server);
    await new Promise((r) => server.close(r));
    const tcp = await probe.connect({ port, text: 'lost' });
    expect(await probe.closed(tcp)).toMatch(/ECONNREFUSED/);
    const tls = await probe.connect({ port, serverName: '127.0.0.1' });
    expect(await probe.closed(tls)).toMatch(/ECONNREFUSED/);
  });

  it('TLS: a listener serves the phone certificate; a Node client checking it against the dev CA and 127.0.0.1 gets the echo', async () => {
    const port = await probe.listen(true);
    const client = tlsConnect({ host: '127.0.0.1', port, ca: [pemOf(keys.caCertificate)], minVersion: 'TLSv1.2' });
    await new Promise((resolve, reject) => client.once('secureConnect', resolve).once('error', reject));
    expect(client.authorized).toBe(true);
    expect(Buffer.from(client.getPeerCertificate().raw).equals(Buffer.from(keys.phones.get(PHONE)!.certificate))).toBe(true);
    const data = randomBytes(50_000);
    const echoed = readAll(client, data.length);
    client.write(data);
    expect((await echoed).equals(data)).toBe(true);
    client.end();
  });

  describe('TLS connects', () => {
    let server: Server;
    let port: number;
    const secrets: Buffer[] = [];
    const names: (string | false | null)[] = [];
    beforeAll(async () => {
      server = createTlsServer({ cert: readFileSync(pbx.chainPemPath), key: readFileSync(pbx.privateKeyPemPath), minVersion: 'TLSv1.2' }, (s: TLSSocket) => {
        names.push(s.servername);
        s.on('data', (d: Buffer) => secrets.push(d));
        s.pipe(s);
      });
      port = await listening(server);
    });
    afterAll(() => server.close());

    it('verify the server against the anchors and the DNS name asked for (sent as SNI), then carry bytes both ways', async () => {
      const n = await probe.connect({ port, serverName: 'pbx.test', text: 'REGISTER over TLS\r\n' });
      await until(() => probe.received(n).toString() === 'REGISTER over TLS\r\n', 'the TLS echo');
      expect(names).toContain('pbx.test');
      await probe.command('close', { stream: n });
      expect(await probe.closed(n)).toBe('clean');
    });

    it('refuse a server whose certificate lacks the name: an error, and nothing sent', async () => {
      secrets.length = 0;
      const n = await probe.connect({ port, serverName: '127.0.0.1', text: 'must not leave' });
      expect(await probe.closed(n)).toMatch(/does not match certificate's altnames/);
      const other = await probe.connect({ port, serverName: 'other.test', text: 'must not leave' });
      expect(await probe.closed(other)).toMatch(/does not match certificate's altnames/);
      expect(secrets).toEqual([]);
    });

    it('connect without a certificate of its own (none is asked for); unusable credentials end the stream with the error', async () => {
      const phone = keys.phones.get(PHONE)!;
      const setCredentials = (chain: Uint8Array[], key: Uint8Array) => probe.command('credentials', { chain: chain.length }, packParts([key, ...chain, keys.caCertificate]));
      try {
        await setCredentials([], new Uint8Array(0));
        const anonymous = await probe.connect({ port, serverName: 'pbx.test', text: 'anonymous client' });
        await until(() => probe.received(anonymous).toString() === 'anonymous client', 'the echo to a client without a certificate');
        await setCredentials([Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x00)], phone.privateKey);
        const broken = await probe.connect({ port, serverName: 'pbx.test', text: 'never sent' });
        expect(await probe.closed(broken)).toBe('TLS credentials: certificate 1 of the chain is not a DER X.509 certificate');
      } finally {
        await setCredentials([phone.certificate], phone.privateKey);
      }
    });

    it('refuse a server whose certificate does not chain to the anchors', async () => {
      const mallory = stranger.phones.get('sip:mallory@127.0.0.1')!;
      const rogue = createTlsServer({ cert: pemOf(mallory.certificate), key: keyPem(mallory.privateKey), minVersion: 'TLSv1.2' }, (s) => s.on('data', (d: Buffer) => secrets.push(d)));
      const roguePort = await listening(rogue);
      try {
        secrets.length = 0;
        const n = await probe.connect({ port: roguePort, serverName: '127.0.0.1', text: 'must not leave' });
        expect(await probe.closed(n)).toMatch(/unable to verify|self.signed|unable to get local issuer/);
        expect(secrets).toEqual([]);
      } finally {
        rogue.close();
      }
    });
  });
});

/** A development key (PKCS#1 or PKCS#8 DER) as PKCS#8 PEM. */
function keyPem(der: Uint8Array): string {
  return createPrivateKey({ key: Buffer.from(pkcs8RsaPrivateKey(der)), format: 'der', type: 'pkcs8' }).export({ format: 'pem', type: 'pkcs8' }) as string;
}
