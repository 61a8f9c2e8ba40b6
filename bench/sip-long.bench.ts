// Long SIP elements on XS (issue 13): the time a user agent takes to handle one datagram whose one
// element (a display name, a Via, a Require list...) is 6 KB and 60 KB long, side by side in one
// run. Linear handling gives a ratio near 10; indexing the long string char by char (quadratic on
// XS, whose strings are UTF-8) gave about 100. One JSON line per element.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleSourceForXs } from '../sim/bundle.js';
import { XsWorker } from '../sim/xsnap-worker.js';
import { LONG_CASES } from '../tests/support/sip-long-values.js';

const SUPPORT = join(dirname(fileURLToPath(import.meta.url)), '..', 'tests', 'support', 'sip-long-values.ts');
const SHORT = 6000;
const LONG = 60000;

export default async function sipLongBench(): Promise<void> {
  const worker = new XsWorker();
  try {
    await worker.evaluate(await bundleSourceForXs(`import * as m from ${JSON.stringify(SUPPORT)};\nglobalThis.longValues = m;\n`, process.cwd()));
    const timed = async (expression: string): Promise<number> => {
      const t0 = performance.now();
      await worker.evaluate(expression);
      return performance.now() - t0;
    };
    const cases: [string, (n: number) => string][] = [
      ...Object.keys(LONG_CASES).map((name): [string, (n: number) => string] => [name, (n) => `longValues.receiveLong(longValues.longRequest(${JSON.stringify(name)}, ${n}))`]),
      ['base64', (n) => `longValues.decodeLongBase64(${n})`],
      ['sdpAttribute', (n) => `longValues.parseLongSdp(${n})`],
    ];
    for (const [name, expression] of cases) {
      await timed(expression(SHORT)); // warm up
      const short = await timed(expression(SHORT));
      const long = await timed(expression(LONG));
      process.stdout.write(`${JSON.stringify({ bench: 'sip-long-element', engine: 'xs', element: name, shortChars: SHORT, longChars: LONG, shortMs: +short.toFixed(1), longMs: +long.toFixed(1), ratio: +(long / short).toFixed(1) })}\n`);
    }
  } finally {
    await worker.close();
  }
}
