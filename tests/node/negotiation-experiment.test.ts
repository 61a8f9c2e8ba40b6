// The negotiation experiment is reproducible from its seed, the committed table is what the seed
// gives, and the figures obey what the policies promise.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { figuresTable, simulate } from '../../scripts/negotiation-simulation.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('negotiation experiment', () => {
  it('gives the same figures for the same seed, and other figures for another seed', () => {
    expect(simulate(7, 2000)).toEqual(simulate(7, 2000));
    expect(simulate(8, 2000)).not.toEqual(simulate(7, 2000));
  });

  it('committed docs/negotiation-experiment.md is what its seed produces', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'negotiation-experiment.md'), 'utf8');
    const [, seed, pairs] = /--seed (\d+) --pairs (\d+)/.exec(doc)!;
    expect(figuresTable(Number(seed), simulate(Number(seed), Number(pairs)))).toBe(doc);
  });

  it('priority secures every call automatic secures, more than static, and meets favourites best', () => {
    const [priority, fixed, automatic] = ['priority', 'static', 'automatic'].map((p) => simulate(2026, 5000).find((f) => f.policy === p)!);
    expect(priority.secure).toBe(automatic.secure);
    expect(priority.secure).toBeGreaterThan(fixed.secure);
    // Static succeeds exactly when both favourites coincide; priority then picks them too (rank sum 0).
    expect(priority.bothFavourites).toBe(fixed.secure);
    expect(priority.meanRankSum).toBeLessThan(automatic.meanRankSum);
    expect(priority.meanRoundTripsRepeat).toBe(1);
  });
});
