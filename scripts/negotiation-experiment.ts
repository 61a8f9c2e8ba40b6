// Writes docs/negotiation-experiment.md: `npx tsx scripts/negotiation-experiment.ts [--seed N] [--pairs N] [--out PATH]`.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { figuresTable, simulate } from './negotiation-simulation.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '20261125' },
    pairs: { type: 'string', default: '100000' },
    out: { type: 'string', default: join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'negotiation-experiment.md') },
  },
});
const seed = Number(values.seed);
const pairs = Number(values.pairs);
if (!Number.isInteger(seed) || !Number.isInteger(pairs) || pairs < 1) throw new Error('--seed and --pairs must be whole numbers');
writeFileSync(values.out!, figuresTable(seed, simulate(seed, pairs)));
process.stdout.write(`wrote ${values.out}\n`);
