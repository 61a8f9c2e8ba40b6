// Fault injection at scale (Node only; tests/unit/settings-store.test.ts runs a small version on
// XS too). Many random settings; the power cut at every flash operation of a save (each erase,
// each write) in every way sim-flash.ts models (not started, torn, torn with a half-programmed
// byte, scattered bits), then long runs of saves with cuts falling at random, back to back. Boot
// must always find the old settings or the new ones. Prints the counts.
import fc from 'fast-check';
import { factorySettings, settingsToJson, type Settings } from '../../modules/settings/model.js';
import { cutEverySave, cutRandomly, newCounts } from '../support/power-cut.js';
import { chaosStepsArb, settingsArb } from '../support/settings-arbitrary.js';
import { CUT_WAYS } from '../support/sim-flash.js';

const same = (a: Settings, b: Settings) => JSON.stringify(settingsToJson(a)) === JSON.stringify(settingsToJson(b));

describe('settings store under power cuts', () => {
  it('boots the old or the new settings after a cut at every operation of a save', () => {
    const counts = newCounts();
    fc.assert(
      fc.property(fc.array(settingsArb, { maxLength: 12 }), settingsArb, (history, next) => cutEverySave(history, next, counts, same)),
      { numRuns: 500 },
    );
    process.stdout.write(`power cuts, every operation of a save: ${JSON.stringify(counts)}\n`);
    expect(counts.saves).toBe(500);
    expect(counts.bootedOld + counts.bootedNew).toBe(counts.cuts);
    // Each save is at least two erases and two writes, each cut in every way.
    expect(counts.eraseCuts).toBeGreaterThanOrEqual(500 * 2 * CUT_WAYS.length);
    expect(counts.writeCuts).toBeGreaterThanOrEqual(500 * 2 * CUT_WAYS.length);
  });

  it('boots the last finished or the interrupted settings through long runs of saves cut at random', () => {
    const counts = newCounts();
    fc.assert(fc.property(chaosStepsArb(40), (steps) => cutRandomly(steps, factorySettings(), counts, same)), { numRuns: 300 });
    process.stdout.write(`power cuts, random runs of saves: ${JSON.stringify(counts)}\n`);
    expect(counts.bootedOld + counts.bootedNew).toBe(counts.cuts);
    expect(counts.eraseCuts).toBeGreaterThan(0);
    expect(counts.writeCuts).toBeGreaterThan(0);
  });
});
