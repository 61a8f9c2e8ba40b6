// A run of whole sectors of a flash as a flash of its own (offsets from the run's first sector),
// so that two stores can share one partition without touching each other's sectors.
import type { Flash } from '../../hal/contracts.js';

export function flashRegion(flash: Flash, firstSector: number, sectorCount: number): Flash {
  if (!Number.isInteger(firstSector) || !Number.isInteger(sectorCount) || firstSector < 0 || sectorCount < 1 || firstSector + sectorCount > flash.sectorCount) {
    throw new RangeError(`sectors ${firstSector}+${sectorCount} are outside the flash's ${flash.sectorCount}`);
  }
  const start = firstSector * flash.sectorSize;
  const size = sectorCount * flash.sectorSize;
  const check = (offset: number, length: number) => {
    if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > size) {
      throw new RangeError(`flash range ${offset}+${length} is outside the region's ${size} bytes`);
    }
  };
  return {
    sectorSize: flash.sectorSize,
    sectorCount,
    read(offset, length) {
      check(offset, length);
      return flash.read(start + offset, length);
    },
    eraseSector(sector) {
      if (!Number.isInteger(sector) || sector < 0 || sector >= sectorCount) throw new RangeError(`no sector ${sector} in the region`);
      flash.eraseSector(firstSector + sector);
    },
    write(offset, data) {
      check(offset, data.length);
      flash.write(start + offset, data);
    },
  };
}
