// hal/esp32/keypad-matrix.ts against a simulated switch matrix: Moddable's "embedded:io/digital"
// and "timer" are replaced by fakes. A column pin reads 0 when a pressed switch joins it to a row
// pin driven low (open drain), else 1 (pull-up); the test runs the scan timer by hand.
import type { KeyEvent, Keypad } from '../../hal/contracts.js';

const OUTPUT_OPEN_DRAIN = 6;
const INPUT_PULL_UP = 1;
const matrix = {
  pins: new Map<number, { mode: number; level: 0 | 1 }>(),
  /** Pressed switches as "rowPin,columnPin". */
  closed: new Set<string>(),
  scan: undefined as undefined | (() => void),
  intervalMs: 0,
};

jest.mock(
  'embedded:io/digital',
  () => ({
    __esModule: true,
    default: class Digital {
      static readonly Input = 0;
      static readonly InputPullUp = INPUT_PULL_UP;
      static readonly OutputOpenDrain = OUTPUT_OPEN_DRAIN;
      private readonly pin: number;
      constructor(options: { pin: number; mode: number }) {
        this.pin = options.pin;
        matrix.pins.set(options.pin, { mode: options.mode, level: 1 });
      }
      write(value: 0 | 1) {
        matrix.pins.get(this.pin)!.level = value;
      }
      read(): 0 | 1 {
        for (const [pin, state] of matrix.pins) {
          if (state.mode === OUTPUT_OPEN_DRAIN && state.level === 0 && matrix.closed.has(`${pin},${this.pin}`)) return 0;
        }
        return 1;
      }
    },
  }),
  { virtual: true },
);
jest.mock(
  'timer',
  () => ({
    __esModule: true,
    default: {
      repeat: (callback: () => void, ms: number) => {
        matrix.scan = callback;
        matrix.intervalMs = ms;
      },
    },
  }),
  { virtual: true },
);

// Loaded after the mocks (a path in a variable keeps the Moddable-only imports out of this type-check).
const MODULE = '../../hal/esp32/keypad-matrix.js';
type Config = { rows: number[]; columns: number[]; keys: string[][]; scanMs?: number };
const { createKeypadMatrix, DEBOUNCE_SCANS } = require(MODULE) as { createKeypadMatrix: (config: Config) => Keypad; DEBOUNCE_SCANS: number };

const CONFIG: Config = {
  rows: [4, 5, 6, 7],
  columns: [17, 18, 21],
  keys: [
    ['1', '2', '3'],
    ['4', '5', '6'],
    ['7', '8', '9'],
    ['*', '0', ''],
  ],
};

function start(config: Config = CONFIG): KeyEvent[] {
  matrix.pins.clear();
  matrix.closed.clear();
  const events: KeyEvent[] = [];
  createKeypadMatrix(config).onKey((e) => events.push(e));
  return events;
}
const scans = (n: number) => {
  for (let i = 0; i < n; i++) matrix.scan!();
};

describe('keypad matrix', () => {
  it('drives rows open-drain, reads columns with pull-ups, scans every scanMs (default 10 ms)', () => {
    start();
    expect([4, 5, 6, 7].map((p) => matrix.pins.get(p)!.mode)).toEqual([OUTPUT_OPEN_DRAIN, OUTPUT_OPEN_DRAIN, OUTPUT_OPEN_DRAIN, OUTPUT_OPEN_DRAIN]);
    expect([17, 18, 21].map((p) => matrix.pins.get(p)!.mode)).toEqual([INPUT_PULL_UP, INPUT_PULL_UP, INPUT_PULL_UP]);
    expect(matrix.intervalMs).toBe(10);
    start({ ...CONFIG, scanMs: 5 });
    expect(matrix.intervalMs).toBe(5);
  });

  it('reports a key down once it reads pressed for the debounce scans, and up once released as long', () => {
    const events = start();
    matrix.closed.add('5,18'); // row 1, column 1: "5"
    scans(DEBOUNCE_SCANS - 1);
    expect(events).toEqual([]);
    scans(1);
    expect(events).toEqual([{ key: '5', down: true }]);
    scans(20);
    expect(events).toHaveLength(1);
    matrix.closed.delete('5,18');
    scans(DEBOUNCE_SCANS);
    expect(events).toEqual([{ key: '5', down: true }, { key: '5', down: false }]);
  });

  it('ignores contact bounce shorter than the debounce', () => {
    const events = start();
    for (let i = 0; i < 10; i++) {
      matrix.closed.add('7,17');
      scans(DEBOUNCE_SCANS - 1);
      matrix.closed.delete('7,17');
      scans(1);
    }
    expect(events).toEqual([]);
  });

  it('tells apart keys held together on different rows and columns', () => {
    const events = start();
    matrix.closed.add('4,17'); // "1"
    matrix.closed.add('7,18'); // "0"
    scans(DEBOUNCE_SCANS);
    expect(events).toContainEqual({ key: '1', down: true });
    expect(events).toContainEqual({ key: '0', down: true });
    expect(events).toHaveLength(2);
  });

  it('refuses a config whose key map does not match the pins or names an unknown key', () => {
    expect(() => start({ ...CONFIG, keys: CONFIG.keys.slice(1) })).toThrow(RangeError);
    expect(() => start({ ...CONFIG, keys: CONFIG.keys.map((r) => r.slice(1)) })).toThrow(RangeError);
    expect(() => start({ ...CONFIG, keys: [['1', '2', 'Enter'], ...CONFIG.keys.slice(1)] })).toThrow('unknown key "Enter"');
  });
});
