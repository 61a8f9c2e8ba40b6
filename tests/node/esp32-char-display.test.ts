// hal/esp32/char-display.ts against a datasheet model of the HD44780 + PCF8574 backpack
// (tests/support/hd44780-model.ts): Moddable's "embedded:io/i2c" and "timer" are replaced by fakes
// that feed every byte written on the bus to the model.
import { PADLOCK, type Display } from '../../hal/contracts.js';
import { Hd44780Model } from '../support/hd44780-model.js';

const bus: { options?: Record<string, unknown>; writes: number; lcd: Hd44780Model; delays: number[] } = { writes: 0, lcd: new Hd44780Model(), delays: [] };

jest.mock(
  'embedded:io/i2c',
  () => ({
    __esModule: true,
    default: class {
      constructor(options: Record<string, unknown>) {
        bus.options = options;
      }
      write(buffer: Uint8Array) {
        bus.writes++;
        for (const b of buffer) bus.lcd.port(b);
      }
    },
  }),
  { virtual: true },
);
jest.mock('timer', () => ({ __esModule: true, default: { delay: (ms: number) => bus.delays.push(ms) } }), { virtual: true });

// Loaded after the mocks (a path in a variable keeps the Moddable-only imports out of this type-check).
const MODULE = '../../hal/esp32/char-display.js';
type CreateCharDisplay = (config: { data: number; clock: number; address?: number; hz?: number }) => Display;
const { createCharDisplay } = require(MODULE) as { createCharDisplay: CreateCharDisplay };

beforeEach(() => {
  bus.lcd = new Hd44780Model();
  bus.writes = 0;
  bus.delays = [];
});

describe('HD44780 over a PCF8574 backpack', () => {
  it('initialises the LCD: 4-bit interface, two display lines, display on, cleared, incrementing', () => {
    const display = createCharDisplay({ data: 21, clock: 22 });
    expect(bus.options).toEqual({ data: 21, clock: 22, hz: 100000, address: 0x27 });
    expect(display.rows).toBe(4);
    expect(display.columns).toBe(20);
    expect(bus.lcd).toMatchObject({ fourBit: true, twoLines: true, displayOn: true, incrementing: true, backlight: true, clears: 1 });
    // Over 40 ms after power-up before the first instruction, over 4.1 ms after the first (Figure 24).
    expect(bus.delays[0]).toBeGreaterThanOrEqual(41);
    expect(bus.delays[1]).toBeGreaterThanOrEqual(5);
    expect(bus.lcd.screen()).toEqual(['', '', '', ''].map(() => ' '.repeat(20)));
  });

  it('shows four lines at their DDRAM addresses, cut to 20 columns and padded', () => {
    const display = createCharDisplay({ data: 21, clock: 22, address: 0x3f });
    expect(bus.options!.address).toBe(0x3f);
    display.show(['Menu', '>1 Key agreements', ' 2 SRTP suites and more', ' 3 SRTP mode']);
    expect(bus.lcd.screen()).toEqual(['Menu'.padEnd(20), '>1 Key agreements'.padEnd(20), ' 2 SRTP suites and m', ' 3 SRTP mode'.padEnd(20)]);
  });

  it('rewrites only the lines that changed, one bus write per line', () => {
    const display = createCharDisplay({ data: 21, clock: 22 });
    display.show(['a', 'b', 'c', 'd']);
    const before = bus.writes;
    display.show(['a', 'B', 'c']);
    expect(bus.writes - before).toBe(2); // line 1 changed, line 3 became blank
    expect(bus.lcd.screen().map((l) => l.trimEnd())).toEqual(['a', 'B', 'c', '']);
  });

  it('shows characters outside the LCD ROM\'s ASCII as "?"', () => {
    const display = createCharDisplay({ data: 21, clock: 22 });
    display.show(['café\\~', '', '', '']);
    expect(bus.lcd.screen()[0].trimEnd()).toBe('caf???');
  });

  it('shows the padlock as user character 0, defined in CGRAM at start-up as a shackle over a body', () => {
    const display = createCharDisplay({ data: 21, clock: 22 });
    const rows = bus.lcd.userCharacter(0);
    // A shackle: the top row's middle three dots, then its two sides; a solid body below, with a keyhole.
    expect(rows.map((r) => r.toString(2).padStart(5, '0'))).toEqual(['01110', '10001', '10001', '11111', '11011', '11011', '11111', '00000']);
    display.show(['Connected', '1002@127.0.0.1', `${PADLOCK} DH CM128/32`, '']);
    const line = bus.lcd.screen()[2];
    expect([line.charCodeAt(0), line.slice(1).trimEnd()]).toEqual([0, ' DH CM128/32']);
    // The other lines are unchanged text: defining the glyph left the DDRAM address mode behind it.
    expect(bus.lcd.screen()[1].trimEnd()).toBe('1002@127.0.0.1');
  });

  it('refuses an I2C address that is not 7-bit', () => {
    expect(() => createCharDisplay({ data: 21, clock: 22, address: 0x80 })).toThrow(RangeError);
  });
});
