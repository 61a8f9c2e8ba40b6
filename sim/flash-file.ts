// The desktop host's flash: an image file with the semantics of NOR/SPI flash (erase sets a sector
// to 0xFF; a write can only clear bits), so that the settings store is exercised as on the device.
// The image survives restarts; every change is written through to the file at once.
import { closeSync, existsSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';

export const DEFAULT_SECTOR_SIZE = 4096;
export const DEFAULT_SECTOR_COUNT = 16;

export class FlashFile {
  readonly image: Uint8Array;
  private readonly fd: number;

  constructor(
    readonly path: string,
    readonly sectorSize = DEFAULT_SECTOR_SIZE,
    readonly sectorCount = DEFAULT_SECTOR_COUNT,
  ) {
    const size = sectorSize * sectorCount;
    const fresh = !existsSync(path);
    this.fd = openSync(path, fresh ? 'w+' : 'r+');
    this.image = new Uint8Array(size).fill(0xff);
    if (fresh) {
      writeSync(this.fd, this.image, 0, size, 0);
    } else {
      const actual = fstatSync(this.fd).size;
      if (actual !== size) {
        closeSync(this.fd);
        throw new Error(`flash image ${path} is ${actual} bytes, expected ${size}`);
      }
      readSync(this.fd, this.image, 0, size, 0);
    }
  }

  read(offset: number, length: number): Uint8Array {
    this.check(offset, length);
    return this.image.slice(offset, offset + length);
  }

  eraseSector(sector: number): void {
    if (!Number.isInteger(sector) || sector < 0 || sector >= this.sectorCount) throw new RangeError(`no flash sector ${sector}`);
    const start = sector * this.sectorSize;
    this.image.fill(0xff, start, start + this.sectorSize);
    writeSync(this.fd, this.image, start, this.sectorSize, start);
  }

  write(offset: number, data: Uint8Array): void {
    this.check(offset, data.length);
    for (let i = 0; i < data.length; i++) this.image[offset + i] &= data[i];
    writeSync(this.fd, this.image, offset, data.length, offset);
  }

  close(): void {
    closeSync(this.fd);
  }

  private check(offset: number, length: number): void {
    if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > this.image.length) {
      throw new RangeError(`flash range ${offset}+${length} is outside 0..${this.image.length}`);
    }
  }
}
