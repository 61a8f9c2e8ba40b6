// A model of an ES8311 on an I2C bus, as hal/esp32/es8311.ts sees it through its I2cDevice
// interface: 256 byte registers, a register write is [register, value], a read is [register]
// written without a stop then one byte read (ES8311 user guide, I2C section). Chip ID registers
// 0xFD/0xFE hold 0x83/0x11 unless the test says otherwise. An absent chip NACKs, which Moddable's
// I2C reports by throwing (tests/modules/io/i2c/readwrite-missing-peripheral.js in the SDK).

export class Es8311Model {
  readonly registers = new Uint8Array(256);
  /** Every completed register write, in order, as [register, value]. */
  readonly writes: [number, number][] = [];
  /** Register reads, in order. */
  readonly reads: number[] = [];
  present = true;
  private pointer: number | undefined;

  constructor(chipId: readonly [number, number] = [0x83, 0x11]) {
    this.registers[0xfd] = chipId[0];
    this.registers[0xfe] = chipId[1];
  }

  write(buffer: Uint8Array, stop = true): void {
    if (!this.present) throw new Error('write failed: no acknowledge');
    if (buffer.length === 1 && !stop) {
      this.pointer = buffer[0];
      return;
    }
    if (buffer.length !== 2 || !stop) throw new Error(`model: unexpected write of ${buffer.length} byte(s), stop ${stop}`);
    this.registers[buffer[0]] = buffer[1];
    this.writes.push([buffer[0], buffer[1]]);
  }

  read(byteLength: number): ArrayBuffer {
    if (!this.present) throw new Error('read failed: no acknowledge');
    if (this.pointer === undefined || byteLength !== 1) throw new Error('model: read without a register address');
    this.reads.push(this.pointer);
    const value = Uint8Array.of(this.registers[this.pointer]);
    this.pointer = undefined;
    return value.buffer;
  }

  /** The writes since index `from`, as "RR=VV" hex strings (readable test failures). */
  log(from = 0): string[] {
    return this.writes.slice(from).map(([r, v]) => `${hex(r)}=${hex(v)}`);
  }
}

export const hex = (n: number): string => n.toString(16).toUpperCase().padStart(2, '0');
