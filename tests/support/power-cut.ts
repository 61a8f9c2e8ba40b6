// Fault injection for the settings store: cuts the power at flash operations of settings saves, in
// every way an operation can be interrupted (sim-flash.ts CUT_WAYS), and checks what the next boot
// finds: always the settings of the last finished save or those of the interrupted one, never
// anything else and never nothing. Pure: runs under jest and on XS.
import type { Settings } from '../../modules/settings/model.js';
import { openSettingsStore } from '../../modules/settings/store.js';
import { CUT_WAYS, PowerCut, SimFlash, type CutPlan } from './sim-flash.js';

export interface CutCounts {
  /** Saves whose every operation was cut (cutEverySave) or random save steps (cutRandomly). */
  saves: number;
  /** Power cuts made, and in which operation they fell. */
  cuts: number;
  eraseCuts: number;
  writeCuts: number;
  /** What boot found after a cut. */
  bootedOld: number;
  bootedNew: number;
}

export const newCounts = (): CutCounts => ({ saves: 0, cuts: 0, eraseCuts: 0, writeCuts: 0, bootedOld: 0, bootedNew: 0 });

export type SameSettings = (a: Settings, b: Settings) => boolean;

/** Saves on `flash` with a cut planned; returns the interrupted operation, or undefined if the save finished. */
function saveWithCut(flash: SimFlash, next: Settings, plan: CutPlan): 'erase' | 'write' | undefined {
  const store = openSettingsStore(flash);
  flash.planCut(plan);
  try {
    store.save(next);
    return undefined;
  } catch (e) {
    if (!(e instanceof PowerCut) || e.operation === 'off') throw e;
    return e.operation;
  } finally {
    flash.planCut(undefined);
  }
}

function judge(booted: Settings, old: Settings, next: Settings, same: SameSettings, counts: CutCounts, where: string): 'old' | 'new' {
  if (same(booted, next)) {
    counts.bootedNew++;
    return 'new';
  }
  if (same(booted, old)) {
    counts.bootedOld++;
    return 'old';
  }
  throw new Error(`after a power cut ${where} boot found neither the old nor the new settings`);
}

/** How many flash operations saving `next` over `flash` takes. */
export function operationsOfSave(flash: SimFlash, next: Settings): number {
  const probe = flash.copy();
  probe.planCut(undefined);
  openSettingsStore(probe).save(next);
  return probe.operations;
}

/**
 * Saves `history` in turn on a fresh flash, then saves `next` once per (operation, way of cutting):
 * each time on a copy of that flash, with the power cut in that operation. After each cut a new
 * boot must find exactly the last of `history` (or factory settings if it is empty) or `next`.
 */
export function cutEverySave(history: readonly Settings[], next: Settings, counts: CutCounts, same: SameSettings, geometry = { sectorSize: 4096, sectorCount: 8 }): void {
  const base = new SimFlash(geometry.sectorSize, geometry.sectorCount);
  const store = openSettingsStore(base);
  history.forEach((s) => store.save(s));
  const old = store.settings;
  const operations = operationsOfSave(base, next);
  counts.saves++;
  for (let after = 0; after < operations; after++) {
    for (const way of CUT_WAYS) {
      const flash = base.copy();
      const interrupted = saveWithCut(flash, next, { after, ...way });
      if (!interrupted) throw new Error(`the save finished despite a power cut at operation ${after}`);
      counts.cuts++;
      counts[interrupted === 'erase' ? 'eraseCuts' : 'writeCuts']++;
      judge(openSettingsStore(flash).settings, old, next, same, counts, `at operation ${after} of ${operations}`);
    }
  }
}

/** One step of a long run: a save, and maybe a cut in one of its operations (an index past the last means none). */
export interface ChaosStep {
  readonly settings: Settings;
  readonly cut?: { readonly at: number; readonly way: number };
}

/**
 * One flash, one boot after every step: saves one after another with power cuts falling at random
 * operations, including cuts in the save that follows a cut. Each boot must find the settings of
 * the last save that finished, or those of the save just interrupted.
 */
export function cutRandomly(steps: readonly ChaosStep[], factory: Settings, counts: CutCounts, same: SameSettings, geometry = { sectorSize: 4096, sectorCount: 8 }): void {
  const flash = new SimFlash(geometry.sectorSize, geometry.sectorCount);
  let committed = factory;
  steps.forEach(({ settings, cut }, i) => {
    counts.saves++;
    if (!cut) {
      openSettingsStore(flash).save(settings);
      committed = settings;
      return;
    }
    const interrupted = saveWithCut(flash, settings, { after: cut.at, ...CUT_WAYS[cut.way % CUT_WAYS.length] });
    if (!interrupted) {
      committed = settings;
      return;
    }
    counts.cuts++;
    counts[interrupted === 'erase' ? 'eraseCuts' : 'writeCuts']++;
    if (judge(openSettingsStore(flash).settings, committed, settings, same, counts, `in step ${i}`) === 'new') committed = settings;
  });
  if (!same(openSettingsStore(flash).settings, committed)) throw new Error('the last boot lost the committed settings');
}
