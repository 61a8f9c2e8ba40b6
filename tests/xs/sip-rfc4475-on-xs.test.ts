// RFC 4475's 49 torture messages through the user agent inside the XS engine (xsnap-worker), the
// engine the phone runs on: each gets the outcome RFC 4475 §3 gives it (tests/support/rfc4475.ts),
// the same statuses, events and drop count as on Node, and leaves no call, transaction or timer.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toBase64 } from '../../modules/util/bytes.js';
import { bundleSourceForXs } from '../../sim/bundle.js';
import { XsWorker } from '../../sim/xsnap-worker.js';
import { CASES, meets, summarize, type Summary } from '../support/rfc4475.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(HERE, '..', 'fixtures', 'rfc4475', `${name}.dat`)));

describe('RFC 4475 torture messages on the XS engine', () => {
  it('each gets the outcome RFC 4475 §3 gives it, as on Node', async () => {
    const fixtures = Object.fromEntries(CASES.map(([name]) => [name, toBase64(fixture(name))]));
    const script = await bundleSourceForXs(
      [
        `import { summarize } from ${JSON.stringify(resolve(HERE, '../support/rfc4475.ts'))};`,
        `import { fromBase64 } from ${JSON.stringify(resolve(HERE, '../../modules/util/bytes.ts'))};`,
        `const fixtures: Record<string, string> = ${JSON.stringify(fixtures)};`,
        'const out: Record<string, unknown> = {};',
        'for (const name of Object.keys(fixtures)) out[name] = summarize(fromBase64(fixtures[name]));',
        '(globalThis as Record<string, unknown>).__rfc4475 = JSON.stringify(out);',
      ].join('\n'),
      process.cwd(),
    );
    const worker = new XsWorker();
    try {
      await worker.evaluate(script);
      const reply = await worker.evaluate('new TextEncoder().encode(globalThis.__rfc4475).buffer');
      const onXs = JSON.parse(new TextDecoder().decode(reply.reply)) as Record<string, Summary>;
      for (const [name, , outcome] of CASES) {
        expect({ name, outcome, met: meets(onXs[name], outcome) }).toEqual({ name, outcome, met: true });
        expect({ name, ...onXs[name] }).toEqual({ name, ...summarize(fixture(name)) });
      }
    } finally {
      await worker.close();
    }
  });
});
