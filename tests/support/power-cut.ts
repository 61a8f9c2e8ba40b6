// Cuts the power at every flash operation of one settings save, in every way an operation can be
// left (not started, torn halfway, torn with a half-written byte), and checks what boot finds.
import { openSettingsStore } from '../../modules/settings/store.js';
import type { Settings } from '../../modules/settings/model.js';
import { PowerCut, SimFlash, type CutPlan } from './sim-flash.js';

export interface CutCounts {
  cuts: number;
  bootedOld: number;
  bootedNew: number;
}

const WAYS: Omit<CutPlan, 'after'>[] = [{ fraction: 0 }, { fraction: 0.5 }, { fraction: 0.999, partialBits: 0xf0 }];

/**
 * Saves `history` in turn on a fresh flash, then for `next` cuts the power at each operation.
 * After each cut a new boot must find exactly `old` (the last of history) or `next`.
 */
export function cutEverySave(history: readonly Settings[], next: Settings, counts: CutCounts, equal: (a: Settings, b: Settings) => boolean): void {
  const base = new SimFlash(4096, 8);
  const store = openSettingsStore(base);
  history.forEach((s) => store.save(s));
  const old = store.settings;
  // How many operations one save takes.
  const probe = new SimFlash(base.sectorSize, base.sectorCount);
  probe.image.set(base.image);
  probe.planCut(undefined);
  openSettingsStore(probe).save(next);
  const operations = probe.operations;

  for (let after = 0; after < operations; after++) {
    for (const way of WAYS) {
      const flash = new SimFlash(base.sectorSize, base.sectorCount);
      flash.image.set(base.image);
      const before = openSettingsStore(flash);
      flash.planCut({ after, ...way });
      try {
        before.save(next);
        throw new Error('the save finished despite the power cut');
      } catch (e) {
        if (!(e instanceof PowerCut)) throw e;
      }
      flash.planCut(undefined);
      const booted = openSettingsStore(flash).settings;
      counts.cuts++;
      if (equal(booted, next)) counts.bootedNew++;
      else if (equal(booted, old)) counts.bootedOld++;
      else throw new Error(`after a cut at operation ${after} boot found neither the old nor the new settings`);
    }
  }
}
