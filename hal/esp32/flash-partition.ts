// The settings flash on the device: a raw partition through Moddable's legacy "flash" module
// (modules/files/flash: new Flash(partition), erase(sector), read(offset, byteLength),
// write(offset, byteLength, buffer), blockSize, byteLength). Not Preference: on ESP32 its set()
// erases the key before writing the new value, so a power cut in between loses it; the settings
// store (modules/settings/store.ts) does its own power-cut-safe writing on top of this.
import Flash from 'flash';
import type { Flash as FlashContract } from '../contracts.js';

export function openFlashPartition(partition: string): FlashContract {
  const flash = new Flash(partition);
  const sectorSize = flash.blockSize;
  const sectorCount = Math.floor(flash.byteLength / sectorSize);
  const check = (offset: number, length: number) => {
    if (offset < 0 || length < 0 || offset + length > sectorSize * sectorCount) {
      throw new RangeError(`flash range ${offset}+${length} is outside the partition`);
    }
  };
  return {
    sectorSize,
    sectorCount,
    read(offset, length) {
      check(offset, length);
      return new Uint8Array(flash.read(offset, length) as ArrayBuffer);
    },
    eraseSector(sector) {
      if (sector < 0 || sector >= sectorCount) throw new RangeError(`no flash sector ${sector}`);
      flash.erase(sector);
    },
    write(offset, data) {
      check(offset, data.length);
      flash.write(offset, data.length, data);
    },
  };
}
