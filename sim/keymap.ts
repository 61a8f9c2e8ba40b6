// Which terminal keystrokes act as which desk-phone key on the desktop host.
import type { Key } from '../hal/contracts.js';

export const KEYMAP: ReadonlyArray<readonly [string, Key, string]> = [
  ...'0123456789*#'.split('').map((k) => [k, k as Key, k] as const),
  ['m', 'Menu', 'm'],
  ['\x1b[A', 'Up', '↑ or u'],
  ['u', 'Up', ''],
  ['\x1b[B', 'Down', '↓ or d'],
  ['d', 'Down', ''],
  ['\r', 'OK', 'Enter or o'],
  ['\n', 'OK', ''],
  ['o', 'OK', ''],
  ['\x7f', 'Back', 'Backspace or b'],
  ['\b', 'Back', ''],
  ['b', 'Back', ''],
  ['c', 'Call', 'c'],
  ['h', 'Hangup', 'h'],
];

/** Splits a chunk of terminal input into keypad keys; unknown keystrokes are dropped. */
export function keysFromInput(chunk: string): Key[] {
  const keys: Key[] = [];
  let i = 0;
  while (i < chunk.length) {
    const match = KEYMAP.find(([seq]) => chunk.startsWith(seq, i));
    if (match) {
      keys.push(match[1]);
      i += match[0].length;
    } else {
      i += chunk[i] === '\x1b' && chunk[i + 1] === '[' ? 3 : 1;
    }
  }
  return keys;
}

/** The legend printed under the screen. */
export function keyLegend(): string[] {
  const shown = KEYMAP.filter(([seq, , label]) => label && !'0123456789*#'.includes(seq));
  return ['Keys: 0-9 * # dial', ...shown.map(([, key, label]) => `  ${key.padEnd(7)}${label}`), '  Quit   Ctrl-C'];
}
