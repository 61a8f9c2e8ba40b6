// The phone's character display: an HD44780-compatible 20x4 LCD behind a PCF8574 I2C port
// expander (the common "I2C backpack"), driven through ECMA-419 I2C ("embedded:io/i2c").
// The PCF8574's 8 outputs carry, from bit 0: RS, RW, E, backlight, then D4-D7: the LCD runs in
// 4-bit mode, each byte sent as two nibbles latched by a pulse on E (HD44780 datasheet, Figure 24).
import I2C from 'embedded:io/i2c';
import Timer from 'timer';
import type { Display } from '../contracts.js';

export interface CharDisplayConfig {
  readonly data: number;
  readonly clock: number;
  /** 7-bit I2C address of the PCF8574 (0x27 on most backpacks, 0x3F on PCF8574A ones). */
  readonly address?: number;
  readonly hz?: number;
}

const RS = 0x01;
const E = 0x04;
const BACKLIGHT = 0x08;
/** DDRAM address of each line's first character on a 20x4 module. */
const LINE_ADDRESS = [0x00, 0x40, 0x14, 0x54];

export function createCharDisplay(config: CharDisplayConfig): Display {
  const i2c = new I2C({ data: config.data, clock: config.clock, hz: config.hz ?? 100000, address: config.address ?? 0x27 });
  const out = new Uint8Array(1);

  const expander = (bits: number) => {
    out[0] = bits | BACKLIGHT;
    i2c.write(out);
  };
  const nibble = (value: number, rs: number) => {
    const bits = (value << 4) | rs;
    expander(bits | E);
    expander(bits);
  };
  const send = (byte: number, rs: number) => {
    nibble(byte >> 4, rs);
    nibble(byte & 0x0f, rs);
  };

  // Initialisation by instruction (HD44780 datasheet, Figure 24): three 8-bit "function set"
  // nibbles, then switch to 4-bit, then 2 lines 5x8, display on, clear, entry mode increment.
  Timer.delay(50);
  for (const wait of [5, 1, 1]) {
    nibble(0x03, 0);
    Timer.delay(wait);
  }
  nibble(0x02, 0);
  for (const command of [0x28, 0x0c, 0x01, 0x06]) {
    send(command, 0);
    Timer.delay(2);
  }

  let shown: string[] = [];
  return {
    rows: 4,
    columns: 20,
    show(lines) {
      for (let row = 0; row < 4; row++) {
        const text = (lines[row] ?? '').slice(0, 20).padEnd(20);
        if (shown[row] === text) continue;
        send(0x80 | LINE_ADDRESS[row], 0);
        for (let i = 0; i < text.length; i++) {
          const code = text.charCodeAt(i);
          send(code < 0x20 || code > 0x7e ? 0x3f /* "?" */ : code, RS);
        }
      }
      shown = Array.from({ length: 4 }, (_, row) => (lines[row] ?? '').slice(0, 20).padEnd(20));
    },
  };
}
