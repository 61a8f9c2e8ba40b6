// The settings flash on the device: a raw data partition through Moddable's legacy "flash" module
// (modules/files/flash: new Flash(partition), erase(sector), read(offset, byteLength),
// write(offset, byteLength, buffer), blockSize, byteLength). Not Preference: on ESP32 its set()
// erases the key before writing the new value, so a power cut in between loses it; the settings
// store (modules/settings/store.ts) does its own power-cut-safe writing on top of this.
//
// Where the SDK (modules/files/flash/esp32/flash.c) differs from @moddable/typings 5.6.0 flash.d.ts,
// this follows the SDK:
//   - the constructor takes only a partition name on ESP32 (a data partition, or "xs", "running",
//     "nextota"); the typings' (offset, byteLength) form is not implemented there;
//   - read(offset, byteLength) always returns a fresh ArrayBuffer; there is no useHostBuffer argument;
//   - write(offset, byteLength, buffer) throws "invalid" when byteLength <= 0, so an empty write is
//     not passed on;
//   - erase(sector) erases SPI_FLASH_SEC_SIZE (4096) bytes at sector * 4096, which is what blockSize
//     reports.
import Flash from 'flash';
import type { Flash as FlashContract } from '../contracts.js';

export function openFlashPartition(partition: string): FlashContract {
  const flash = new Flash(partition);
  const sectorSize = flash.blockSize;
  const sectorCount = Math.floor(flash.byteLength / sectorSize);
  const check = (offset: number, length: number) => {
    if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > sectorSize * sectorCount) {
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
      if (!Number.isInteger(sector) || sector < 0 || sector >= sectorCount) throw new RangeError(`no flash sector ${sector}`);
      flash.erase(sector);
    },
    write(offset, data) {
      check(offset, data.length);
      if (data.length > 0) flash.write(offset, data.length, data);
    },
  };
}
