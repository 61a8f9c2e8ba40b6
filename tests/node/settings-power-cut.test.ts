// Fault injection at scale: many random settings, the power cut at every flash operation of a save
// in three ways each. Boot must always find the old settings or the new ones. Prints the counts.
import fc from 'fast-check';
import { settingsToJson, type Settings } from '../../modules/settings/model.js';
import { cutEverySave, type CutCounts } from '../support/power-cut.js';
import { settingsArb } from '../support/settings-arbitrary.js';

const same = (a: Settings, b: Settings) => JSON.stringify(settingsToJson(a)) === JSON.stringify(settingsToJson(b));

describe('settings store under power cuts', () => {
  it('always boots the old or the new settings', () => {
    const counts: CutCounts = { cuts: 0, bootedOld: 0, bootedNew: 0 };
    let saves = 0;
    fc.assert(
      fc.property(fc.array(settingsArb, { maxLength: 12 }), settingsArb, (history, next) => {
        saves++;
        cutEverySave(history, next, counts, same);
      }),
      { numRuns: 500 },
    );
    process.stdout.write(`power cuts: ${JSON.stringify({ saves, ...counts })}\n`);
    expect(counts.bootedOld + counts.bootedNew).toBe(counts.cuts);
    expect(counts.cuts).toBeGreaterThanOrEqual(saves * 12);
    expect(counts.bootedOld).toBeGreaterThan(0);
  });
});
