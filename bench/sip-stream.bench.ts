// Stream framing on XS (issue 14, RFC 3261 §18.3): the time to frame 64 KiB of SIP — one message of
// the 64 KiB bound, and 64 messages of 1 KiB — pushed in one chunk, in 1,460-byte chunks (a TCP
// segment) and in 16-byte chunks, side by side in one run. A framer that re-joins or re-scans its
// buffer per chunk is quadratic in chunks (the 4,096 chunks of 16 bytes would copy some 128 MiB);
// a linear one only adds a per-chunk overhead, so ratio16to1460 stays far below the 91 times more
// chunks. One JSON line per case.
import { join } from 'node:path';
import { bundleSourceForXs } from '../sim/bundle.js';
import { XsWorker } from '../sim/xsnap-worker.js';

const FRAMER = join(process.cwd(), 'modules', 'sip', 'stream-framer.ts');
const TOTAL = 64 * 1024;

/** Builds `count` messages totalling TOTAL bytes and frames them in `chunk`-byte pieces; returns messages framed. */
const WORKLOAD = `
import { StreamFramer } from ${JSON.stringify(FRAMER)};
globalThis.frameRun = (count, chunk) => {
  const size = ${TOTAL} / count;
  const head = (n) => 'MESSAGE sip:a@b SIP/2.0\\r\\nContent-Length: ' + n + '\\r\\n\\r\\n';
  const stream = new Uint8Array(${TOTAL});
  let at = 0;
  for (let i = 0; i < count; i++) {
    let n = size - head(0).length;
    while (head(n).length + n > size) n--;
    const h = head(n);
    if (h.length + n !== size) throw new Error('no message of ' + size + ' bytes');
    for (let j = 0; j < h.length; j++) stream[at + j] = h.charCodeAt(j);
    stream.fill(0x61, at + h.length, at + size);
    at += size;
  }
  if (at !== ${TOTAL}) throw new Error('stream of ' + at + ' bytes');
  const framer = new StreamFramer();
  let framed = 0;
  for (let i = 0; i < stream.length; i += chunk) framed += framer.push(stream.subarray(i, i + chunk)).messages.length;
  if (framed !== count) throw new Error('framed ' + framed + ' of ' + count);
  return framed;
};
`;

export default async function sipStreamBench(): Promise<void> {
  const worker = new XsWorker();
  try {
    await worker.evaluate(await bundleSourceForXs(WORKLOAD, process.cwd()));
    const timed = async (count: number, chunk: number): Promise<number> => {
      const t0 = performance.now();
      await worker.evaluate(`frameRun(${count}, ${chunk})`);
      return performance.now() - t0;
    };
    for (const count of [1, 64]) {
      await timed(count, TOTAL); // warm up
      const whole = await timed(count, TOTAL);
      const segments = await timed(count, 1460);
      const small = await timed(count, 16);
      process.stdout.write(`${JSON.stringify({ bench: 'sip-stream-framing', engine: 'xs', bytes: TOTAL, messages: count, oneChunkMs: +whole.toFixed(1), chunks1460Ms: +segments.toFixed(1), chunks16Ms: +small.toFixed(1), ratio16to1460: +(small / segments).toFixed(1) })}\n`);
    }
  } finally {
    await worker.close();
  }
}
