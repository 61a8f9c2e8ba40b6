// The phone's character display: an HD44780-compatible 20x4 LCD behind a PCF8574 I2C port
// expander (the common "I2C backpack"), driven through ECMA-419 I2C ("embedded:io/i2c").
// The PCF8574's 8 outputs carry, from bit 0: RS, RW, E, backlight, then D4-D7: the LCD runs in
// 4-bit mode, each byte sent as two nibbles, high first, each latched by a pulse on E (HD44780
// datasheet, "Interfacing to a 4-bit MPU" and Figure 24).
//
// The PCF8574 puts each byte of a write on its outputs in turn, so one I2C write carries a whole
// line: three port states per nibble (RS and data with E low, then E high, then E low again, so RS
// and data are set up before E rises and held after it falls). At 100 kHz a port state lasts about
// 90 us: more than the 40 ns set-up, the 450 ns E pulse and the 37 us most instructions take.
// Clear display (1.52 ms) gets its own write followed by a delay. The padlock of a secure call is
// user-defined character 0, written into CGRAM at start-up (datasheet, Table 5 and "CGRAM").
import I2C from 'embedded:io/i2c';
import Timer from 'timer';
import { PADLOCK, type Display } from '../contracts.js';

export interface CharDisplayConfig {
  /** GPIO of SDA and SCL. */
  readonly data: number;
  readonly clock: number;
  /** 7-bit I2C address of the PCF8574 (0x27 = 39 on most backpacks, 0x3F = 63 on PCF8574A ones). */
  readonly address?: number;
  /** Bus speed, default 100 kHz (the PCF8574's maximum). */
  readonly hz?: number;
}

const ROWS = 4;
const COLUMNS = 20;
const RS = 0x01;
const E = 0x04;
const BACKLIGHT = 0x08;
/** DDRAM address of each line's first character on a 20x4 module (lines 2 and 3 continue 0 and 1). */
const LINE_ADDRESS = [0x00, 0x40, 0x14, 0x54];
const SET_DDRAM_ADDRESS = 0x80;
/** Function set: 4-bit interface, 2 display lines (what a 4-line module is internally), 5x8 font. */
const FUNCTION_SET_4BIT_2LINE = 0x28;
const DISPLAY_ON_CURSOR_OFF = 0x0c;
const CLEAR_DISPLAY = 0x01;
const ENTRY_MODE_INCREMENT = 0x06;
/** Set CGRAM address: data bytes that follow define user characters, eight rows each. */
const SET_CGRAM_ADDRESS = 0x40;
/** The character code of user character 0, where the padlock is defined. */
const PADLOCK_CODE = 0x00;
/** The padlock, 5x8 dots, top row first, the leftmost dot in bit 4: a shackle over a body with a keyhole. */
const PADLOCK_ROWS = [0b01110, 0b10001, 0b10001, 0b11111, 0b11011, 0b11011, 0b11111, 0b00000];

/**
 * The character code for one character: PADLOCK is user character 0; otherwise the ROM's ASCII
 * 0x20-0x7D except "\" (0x5C is a yen sign in the common A00 ROM); anything else shows as "?".
 */
function romCode(code: number): number {
  if (code === PADLOCK.charCodeAt(0)) return PADLOCK_CODE;
  return code >= 0x20 && code <= 0x7d && code !== 0x5c ? code : 0x3f;
}

export function createCharDisplay(config: CharDisplayConfig): Display {
  const address = config.address ?? 0x27;
  if (!Number.isInteger(address) || address < 0 || address > 0x7f) throw new RangeError(`display config: I2C address ${address} is not 7-bit`);
  const i2c = new I2C({ data: config.data, clock: config.clock, hz: config.hz ?? 100000, address });

  /** Port states for LCD bytes: each byte as two nibbles, high first, each strobed by E. */
  const portStates = (bytes: readonly number[], rs: number): Uint8Array => {
    const out = new Uint8Array(bytes.length * 6);
    bytes.forEach((byte, i) => {
      const high = (byte & 0xf0) | rs | BACKLIGHT;
      const low = ((byte << 4) & 0xf0) | rs | BACKLIGHT;
      out.set([high, high | E, high, low, low | E, low], i * 6);
    });
    return out;
  };
  const nibble = (value: number) => {
    const bits = (value << 4) | BACKLIGHT;
    i2c.write(Uint8Array.of(bits, bits | E, bits));
  };

  // Initialisation by instruction (HD44780 datasheet, Figure 24): wait over 40 ms after power-up,
  // "8-bit function set" three times (over 4.1 ms, then over 100 us apart), then 4-bit mode.
  Timer.delay(50);
  for (const wait of [5, 1, 1]) {
    nibble(0x03);
    Timer.delay(wait);
  }
  nibble(0x02);
  i2c.write(portStates([FUNCTION_SET_4BIT_2LINE, DISPLAY_ON_CURSOR_OFF], 0));
  i2c.write(portStates([CLEAR_DISPLAY], 0));
  Timer.delay(2);
  i2c.write(portStates([ENTRY_MODE_INCREMENT], 0));
  const cgram = portStates([SET_CGRAM_ADDRESS | (PADLOCK_CODE * 8)], 0);
  const glyph = portStates(PADLOCK_ROWS, RS);
  const define = new Uint8Array(cgram.length + glyph.length);
  define.set(cgram);
  define.set(glyph, cgram.length);
  i2c.write(define);

  const shown: string[] = new Array<string>(ROWS).fill(' '.repeat(COLUMNS));
  return {
    rows: ROWS,
    columns: COLUMNS,
    show(lines) {
      for (let row = 0; row < ROWS; row++) {
        const text = (lines[row] ?? '').slice(0, COLUMNS).padEnd(COLUMNS);
        if (shown[row] === text) continue;
        const codes: number[] = [];
        for (let i = 0; i < COLUMNS; i++) codes.push(romCode(text.charCodeAt(i)));
        const command = portStates([SET_DDRAM_ADDRESS | LINE_ADDRESS[row]], 0);
        const data = portStates(codes, RS);
        const write = new Uint8Array(command.length + data.length);
        write.set(command);
        write.set(data, command.length);
        i2c.write(write);
        shown[row] = text;
      }
    },
  };
}
