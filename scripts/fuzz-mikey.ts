// Long MIKEY decoder fuzz, run by hand: `npx tsx scripts/fuzz-mikey.ts [runs] [seed]` (default
// 2,000,000 random inputs plus as many mutations of public messages). Any exception other than
// MikeyError is printed with its counterexample and exits 1.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { decodeMessage, encodeMessage } from '../modules/mikey/codec.js';
import { decodeKeyData } from '../modules/mikey/key-data.js';
import { MikeyError } from '../modules/mikey/mikey-error.js';
import { fromHex } from '../modules/util/bytes.js';
import { mutationArb } from '../tests/support/mikey-arbitraries.js';

const runs = Number(process.argv[2] ?? 2_000_000);
const seed = Number(process.argv[3] ?? Date.now() & 0x7fffffff);
const vectors = JSON.parse(readFileSync(new URL('../tests/fixtures/mikey-vectors.json', import.meta.url), 'utf8')) as Record<string, { hex?: string }>;
const seeds = Object.values(vectors).flatMap((v) => (v.hex ? [fromHex(v.hex)] : []));

function check(b: Uint8Array): void {
  try {
    const m = decodeMessage(b);
    const again = decodeMessage(encodeMessage(m));
    if (JSON.stringify(again, (_k, v) => (v instanceof Uint8Array ? Array.from(v) : v)) !== JSON.stringify(m, (_k, v) => (v instanceof Uint8Array ? Array.from(v) : v))) throw new Error('re-encoding changed the message');
    for (const p of m.payloads) if (p.type === 'KEMAC') decodeKeyData(p.encrData);
  } catch (e) {
    if (!(e instanceof MikeyError)) throw e;
  }
}

const started = Date.now();
fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), check), { numRuns: runs, seed });
fc.assert(fc.property(mutationArb(seeds), check), { numRuns: runs, seed });
process.stdout.write(`${JSON.stringify({ fuzz: 'mikey', runs: 2 * runs, seed, seconds: (Date.now() - started) / 1000 })}\n`);
