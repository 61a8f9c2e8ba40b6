// The menu's lines for lists and items, each built to fit the 4x20 display (modules/display/fit-text.ts):
// the list with its cursor, a ranked entry, an account field, the Last call protection line.
import { fitUri, fitWords, SCREEN_COLUMNS } from '../display/fit-text.js';
import type { Account, Settings } from '../settings/model.js';

export const MENU_ROWS = 4;
export const MENU_COLUMNS = SCREEN_COLUMNS;

/** Columns of a list item: the first column holds the cursor mark. */
export const ITEM_COLUMNS = MENU_COLUMNS - 1;
/** What the priority lists show of an entry's state, right-aligned. */
const STATE_COLUMNS = 3;

/** Items are built to fit ITEM_COLUMNS (fitWords only guards free text). */
export function list(title: string, items: readonly string[], cursor: number): string[] {
  const first = Math.max(0, Math.min(cursor - 1, items.length - (MENU_ROWS - 1)));
  const rows = items.slice(first, first + MENU_ROWS - 1).map((item, i) => `${first + i === cursor ? '>' : ' '}${fitWords(item, ITEM_COLUMNS)}`);
  while (rows.length < MENU_ROWS - 1) rows.push('');
  return [title, ...rows];
}

/** An account field in the list: its short label and as much of its value as fits. */
export function accountItem(label: string, field: keyof Account, value: string): string {
  const width = ITEM_COLUMNS - label.length - 2;
  const shown = field === 'password' ? '*'.repeat(Math.min(4, value.length)) : field === 'sipUri' || field === 'registrar' || field === 'outboundProxy' ? fitUri(value, width) : fitWords(value, width);
  return `${label}: ${shown}`;
}

/** A ranked entry: rank, name, and on/off right-aligned ("0 RSA-R         off"). */
export function rankedItem(rank: number, name: string, enabled: boolean): string {
  return `${rank} ${name}`.padEnd(ITEM_COLUMNS - STATE_COLUMNS) + (enabled ? 'on' : 'off').padStart(STATE_COLUMNS);
}

/** The Last call screen's protection line: the key agreement (or SDES) and how it was chosen. */
export function protectionLine(c: NonNullable<Settings['lastCall']>): string {
  if (c.protection === 'none') return 'Not encrypted';
  if (c.protection === 'sdes') return 'SDES';
  return `${c.keyAgreement ?? 'MIKEY'} ${c.protection === 'mikey-priority' ? 'MIKEY, ranked' : 'MIKEY'}`;
}
