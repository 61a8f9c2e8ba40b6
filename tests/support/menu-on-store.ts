// The settings menu joined to the settings store the way the phone joins them
// (modules/phone/phone.ts): each change the menu hands out is saved at once, and a save the store
// refuses is shown on the screen. Pure, so the unit tests that use it also run on XS.
import type { Key } from '../../hal/contracts.js';
import { Menu } from '../../modules/menu/menu.js';
import { openSettingsStore } from '../../modules/settings/store.js';
import type { SimFlash } from './sim-flash.js';

/** Boots a phone's settings from `flash` and presses `keys` (space-separated) in its menu; returns the last screen. */
export function useMenu(flash: SimFlash, keys: string): string[] {
  const store = openSettingsStore(flash);
  const menu = new Menu(store.settings);
  let lines = menu.render();
  for (const key of keys.split(' ').filter(Boolean)) {
    const out = menu.press(key as Key);
    lines = out.lines;
    if (out.save) {
      try {
        store.save(out.save);
      } catch (e) {
        lines = menu.saveFailed(store.settings, (e as Error).message);
      }
    }
  }
  return lines;
}
