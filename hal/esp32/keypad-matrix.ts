// The desk-phone keypad: a row/column switch matrix scanned through ECMA-419 digital pins
// ("embedded:io/digital"). Rows are driven low one at a time; columns are inputs with pull-ups, so
// a pressed key reads 0 on its column while its row is low. A key must read the same for
// DEBOUNCE_SCANS consecutive scans before its down or up event is sent.
import Digital from 'embedded:io/digital';
import Timer from 'timer';
import { KEYS, type Key, type KeyEvent, type Keypad } from '../contracts.js';

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

/** The key at each crossing, checked against the keypad's key names; a wrong config is a RangeError at start-up. */
function keyMap(config: KeypadMatrixConfig): (Key | undefined)[][] {
  if (config.keys.length !== config.rows.length) throw new RangeError('keypad config: keys needs one list per row');
  return config.keys.map((row, r) => {
    if (row.length !== config.columns.length) throw new RangeError(`keypad config: keys[${r}] needs one name per column`);
    return row.map((name) => {
      if (name === '') return undefined;
      if (!(KEYS as readonly string[]).includes(name)) throw new RangeError(`keypad config: unknown key "${name}"`);
      return name as Key;
    });
  });
}

export function createKeypadMatrix(config: KeypadMatrixConfig): Keypad {
  const keys = keyMap(config);
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
        const key = keys[r][c];
        if (key === undefined) return;
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
