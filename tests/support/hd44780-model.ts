// A model of an HD44780 character LCD behind a PCF8574 I2C backpack, written from the HD44780
// datasheet (instruction table, "Interfacing to a 4-bit MPU", Figure 24) and the usual backpack
// wiring (P0 RS, P1 RW, P2 E, P3 backlight, P4-P7 D4-D7), to check hal/esp32/char-display.ts
// from the bytes it puts on the bus. It latches on E's falling edge and refuses RS or data that
// are not set up before E rises (tAS) or that change while E is high.

export class Hd44780Model {
  fourBit = false;
  twoLines = false;
  displayOn = false;
  incrementing = false;
  backlight = false;
  clears = 0;
  readonly ddram = new Uint8Array(0x80).fill(0x20);
  /** User characters 0-7, eight 5-dot rows each. */
  readonly cgram = new Uint8Array(64);
  private address = 0;
  /** Data goes to CGRAM after "set CGRAM address", to DDRAM after "set DDRAM address" or a clear. */
  private toCgram = false;
  private high: number | undefined;
  private atRise: number | undefined;
  /** The PCF8574's outputs are high after power-up. */
  private previous = 0xff;

  /** One byte written to the PCF8574: its eight outputs. */
  port(state: number): void {
    if (state & 0x02) throw new Error('RW high: the driver never reads the LCD');
    this.backlight = (state & 0x08) !== 0;
    const e = (state & 0x04) !== 0;
    const previous = this.previous;
    this.previous = state;
    if (e && this.atRise === undefined) {
      if ((previous & 0xf1) !== (state & 0xf1)) throw new Error('RS or data changed as E rose (no set-up time)');
      this.atRise = state;
    }
    else if (e && (state & 0xf1) !== (this.atRise! & 0xf1)) throw new Error('data or RS changed while E was high');
    else if (!e && this.atRise !== undefined) {
      if ((state & 0xf1) !== (this.atRise & 0xf1)) throw new Error('data or RS changed as E fell');
      this.atRise = undefined;
      this.latch(state >> 4, (state & 0x01) !== 0);
    }
  }

  private latch(nibble: number, rs: boolean): void {
    if (!this.fourBit) {
      // 8-bit interface: D0-D3 are not wired on a backpack and read as 0.
      this.execute(nibble << 4, rs);
      return;
    }
    if (this.high === undefined) {
      this.high = nibble;
      return;
    }
    const byte = (this.high << 4) | nibble;
    this.high = undefined;
    this.execute(byte, rs);
  }

  private execute(byte: number, rs: boolean): void {
    if (rs && this.toCgram) {
      this.cgram[this.address] = byte & 0x1f;
      this.address = (this.address + (this.incrementing ? 1 : -1)) & 0x3f;
    } else if (rs) {
      this.ddram[this.address] = byte;
      this.address = (this.address + (this.incrementing ? 1 : -1)) & 0x7f;
    } else if (byte & 0x80) {
      this.address = byte & 0x7f;
      this.toCgram = false;
    } else if (byte & 0x40) {
      this.address = byte & 0x3f;
      this.toCgram = true;
    } else if (byte & 0x20) {
      this.fourBit = (byte & 0x10) === 0;
      this.twoLines = (byte & 0x08) !== 0;
    } else if (byte & 0x08) this.displayOn = (byte & 0x04) !== 0;
    else if (byte & 0x04) this.incrementing = (byte & 0x02) !== 0;
    else if (byte === 0x01) {
      this.ddram.fill(0x20);
      this.address = 0;
      this.toCgram = false;
      this.clears++;
    }
  }

  /** User character `code` (0-7) as eight rows of five dots, top row first. */
  userCharacter(code: number): number[] {
    return [...this.cgram.subarray(code * 8, code * 8 + 8)];
  }

  /** The text of a 20x4 module: its lines start at DDRAM 0x00, 0x40, 0x14 and 0x54. */
  screen(): string[] {
    return [0x00, 0x40, 0x14, 0x54].map((start) => String.fromCharCode(...this.ddram.subarray(start, start + 20)));
  }
}
