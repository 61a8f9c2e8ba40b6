// The desk-phone keypad: a row/column switch matrix scanned through ECMA-419 digital pins
// ("embedded:io/digital"). Rows are driven low one at a time; columns are inputs with pull-ups, so
// a pressed key reads 0 on its column while its row is low. A key must read the same for
// DEBOUNCE_SCANS consecutive scans before its down or up event is sent.
import Digital from 'embedded:io/digital';
import Timer from 'timer';
import type { Key, KeyEvent, Keypad } from '../contracts.js';

export interface KeypadMatrixConfig {
  /** GPIO numbers of the rows (outputs). */
  readonly rows: readonly number[];
  /** GPIO numbers of the columns (inputs with pull-up). */
  readonly columns: readonly number[];
  /** keys[row][column]: which key sits at each crossing ("" for none). */
  readonly keys: readonly (readonly string[])[];
  /** Milliseconds between scans. */
  readonly scanMs?: number;
}

export const DEBOUNCE_SCANS = 3;

export function createKeypadMatrix(config: KeypadMatrixConfig): Keypad {
  const rows = config.rows.map((pin) => new Digital({ pin, mode: Digital.OutputOpenDrain }));
  const columns = config.columns.map((pin) => new Digital({ pin, mode: Digital.InputPullUp }));
  const listeners: ((event: KeyEvent) => void)[] = [];
  const stable = new Map<Key, boolean>();
  const counts = new Map<Key, number>();

  rows.forEach((r) => r.write(1));
  Timer.repeat(() => {
    rows.forEach((row, r) => {
      row.write(0);
      columns.forEach((column, c) => {
        const key = config.keys[r]?.[c] as Key | '';
        if (!key) return;
        const down = column.read() === 0;
        if (down === (stable.get(key) ?? false)) {
          counts.set(key, 0);
          return;
        }
        const n = (counts.get(key) ?? 0) + 1;
        counts.set(key, n);
        if (n >= DEBOUNCE_SCANS) {
          stable.set(key, down);
          counts.set(key, 0);
          for (const l of listeners) l({ key, down });
        }
      });
      row.write(1);
    });
  }, config.scanMs ?? 10);

  return { onKey: (listener) => void listeners.push(listener) };
}
