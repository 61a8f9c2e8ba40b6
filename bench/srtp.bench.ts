// SRTP benchmark (`npm run bench`): protect + unprotect of 172-byte G.711 packets per second, in
// Node and on the XS engine (xsnap-worker), each with its ratio to a naive use of @noble measured in
// the same run (bench/srtp-workload.ts); in Node also against werift-rtp's SrtpSession and libsrtp2
// through the interop helper. On XS the engine runs with each provider: "engine" on the default
// @noble one, "engine-xs-tuned" on the desktop XS host's (hal/host/xs-crypto.ts). One JSON line per figure.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RtpHeader, SrtpSession } from 'werift-rtp';
import { nobleCrypto } from '../hal/noble-crypto.js';
import { bundleForXs } from '../sim/bundle.js';
import { XsWorker } from '../sim/xsnap-worker.js';
import { buildLibsrtpHelper } from '../tests/support/srtp-libsrtp.js';
import { bestOf, engineAndNaive, PACKET_BYTES, timed, type Figure, type Workload } from './srtp-workload.js';

const here = dirname(fileURLToPath(import.meta.url));
// Interleaved rounds, best of each (see bestOf): robust against a machine busy with other work.
const NODE_ROUNDS = 5;
const NODE_ROUND_MS = 400;
const XS_ROUNDS = 3;
const XS_ROUND_MS = 1000;
const LIBSRTP_PACKETS = 200_000;

function weriftWorkload(): Workload {
  const key = Buffer.alloc(16, 7);
  const salt = Buffer.alloc(14, 9);
  const session = new SrtpSession({
    keys: { localMasterKey: key, localMasterSalt: salt, remoteMasterKey: key, remoteMasterSalt: salt },
    profile: 1, // ProtectionProfileAes128CmHmacSha1_80
  });
  const header = new RtpHeader({ payloadType: 0, ssrc: 0x12345678, sequenceNumber: 0, timestamp: 0 });
  const payload = Buffer.alloc(PACKET_BYTES - 12, 0xd5);
  let seq = 0;
  return (count: number) => {
    for (let n = 0; n < count; n++) {
      header.sequenceNumber = seq;
      seq = (seq + 1) & 0xffff;
      const srtp = session.encrypt(payload, header);
      if (session.decrypt(srtp).length !== PACKET_BYTES) throw new Error('werift round trip failed');
    }
  };
}

/** libsrtp2 in C: one round is LIBSRTP_PACKETS round trips, timed by the helper itself. */
function libsrtpPacketsPerSecond(helper: string): number {
  const key = '07'.repeat(16) + '09'.repeat(14);
  const seconds = Number(execFileSync(helper, ['bench', 'AES_CM_128_HMAC_SHA1_80', key, String(LIBSRTP_PACKETS)], { encoding: 'utf8' }));
  return LIBSRTP_PACKETS / seconds;
}

async function onXs(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'srtp-bench-'));
  const entry = join(dir, 'entry.ts');
  const workload = join(here, 'srtp-workload.ts');
  const noble = join(here, '..', 'hal', 'noble-crypto.ts');
  const tuned = join(here, '..', 'hal', 'host', 'xs-crypto.ts');
  writeFileSync(
    entry,
    `import { bestOf, engineAndNaive, engineOn } from ${JSON.stringify(workload)};\n` +
      `import { nobleCrypto } from ${JSON.stringify(noble)};\n` +
      `import { xsTunedCrypto } from ${JSON.stringify(tuned)};\n` +
      `const now = () => performance.now();\n` +
      `print(JSON.stringify(bestOf([...engineAndNaive(nobleCrypto, now, ${XS_ROUND_MS}), ...engineOn('engine-xs-tuned', xsTunedCrypto, now, ${XS_ROUND_MS})], ${XS_ROUNDS})));\n`,
  );
  const worker = new XsWorker();
  try {
    await worker.evaluate(await bundleForXs(entry));
    return JSON.parse(worker.stdout.join('')) as Figure[];
  } finally {
    await worker.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function print(engine: string, figures: Figure[], extra: Figure[] = []): void {
  for (const f of [...figures, ...extra]) {
    const naive = figures.find((g) => g.impl === 'naive-noble' && g.suite === f.suite);
    const line: Record<string, unknown> = { bench: 'srtp', engine, impl: f.impl, suite: f.suite, packetBytes: PACKET_BYTES, packetsPerSecond: Math.round(f.packetsPerSecond) };
    if (naive && f.impl !== 'naive-noble') line.ratioToNaive = +(f.packetsPerSecond / naive.packetsPerSecond).toFixed(2);
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
}

export default async function srtpBench(): Promise<void> {
  const suite = 'AES_CM_128_HMAC_SHA1_80';
  const now = () => performance.now();
  const helper = buildLibsrtpHelper();
  let measured: Figure[];
  try {
    measured = bestOf(
      [
        ...engineAndNaive(nobleCrypto, now, NODE_ROUND_MS),
        timed({ impl: 'werift-rtp', suite }, weriftWorkload(), now, NODE_ROUND_MS),
        { figure: { impl: 'libsrtp2-c', suite }, round: () => libsrtpPacketsPerSecond(helper) },
      ],
      NODE_ROUNDS,
    );
  } finally {
    rmSync(dirname(helper), { recursive: true, force: true });
  }
  const node = measured.filter((f) => f.impl === 'engine' || f.impl === 'naive-noble');
  const werift = measured.find((f) => f.impl === 'werift-rtp')!;
  const libsrtp = measured.find((f) => f.impl === 'libsrtp2-c')!;
  print('node', node, [werift, libsrtp]);
  const engine = node.find((f) => f.impl === 'engine' && f.suite === suite)!;
  process.stdout.write(
    `${JSON.stringify({ bench: 'srtp', engine: 'node', suite, engineToWerift: +(engine.packetsPerSecond / werift.packetsPerSecond).toFixed(2), engineToLibsrtp: +(engine.packetsPerSecond / libsrtp.packetsPerSecond).toFixed(3) })}\n`,
  );
  print('xs', await onXs());
}
