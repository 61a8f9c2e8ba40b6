// hal/esp32/flash-partition.ts over a fake of Moddable's legacy "flash" module that behaves as the
// SDK's ESP32 code does (modules/files/flash/esp32/flash.c): 4096-byte blocks, erase(sector),
// read(offset, byteLength) → ArrayBuffer, write(offset, byteLength, buffer) that throws "invalid"
// for byteLength <= 0 and only clears bits (NOR). The settings store then runs on top of it.
import type { Flash } from '../../hal/contracts.js';
import { factorySettings } from '../../modules/settings/model.js';
import { openSettingsStore } from '../../modules/settings/store.js';

const partitions = new Map<string, Uint8Array>([['settings', new Uint8Array(64 * 1024).fill(0xff)]]);
const calls: string[] = [];

jest.mock(
  'flash',
  () => ({
    __esModule: true,
    default: class {
      private readonly bytes: Uint8Array;
      constructor(name: string) {
        const bytes = partitions.get(name);
        if (!bytes) throw new Error("can't find partition");
        this.bytes = bytes;
      }
      get blockSize() {
        return 4096;
      }
      get byteLength() {
        return this.bytes.length;
      }
      erase(sector: number) {
        calls.push(`erase ${sector}`);
        this.bytes.fill(0xff, sector * 4096, sector * 4096 + 4096);
      }
      read(offset: number, byteLength: number): ArrayBuffer {
        return this.bytes.slice(offset, offset + byteLength).buffer;
      }
      write(offset: number, byteLength: number, buffer: Uint8Array) {
        if (byteLength <= 0 || buffer.length < byteLength) throw new Error('invalid');
        calls.push(`write ${offset}+${byteLength}`);
        for (let i = 0; i < byteLength; i++) this.bytes[offset + i] &= buffer[i];
      }
    },
  }),
  { virtual: true },
);

// Loaded after the mock (a path in a variable keeps the Moddable-only import out of this type-check).
const MODULE = '../../hal/esp32/flash-partition.js';
const { openFlashPartition } = require(MODULE) as { openFlashPartition: (partition: string) => Flash };

describe('flash partition', () => {
  it('presents the partition as 4096-byte sectors', () => {
    const flash = openFlashPartition('settings');
    expect(flash.sectorSize).toBe(4096);
    expect(flash.sectorCount).toBe(16);
    expect(() => openFlashPartition('nvs')).toThrow("can't find partition");
  });

  it('keeps NOR semantics and passes a write of a subarray with its own offset', () => {
    const flash = openFlashPartition('settings');
    flash.eraseSector(1);
    const data = Uint8Array.of(9, 0xf0, 0x0f, 7).subarray(1, 3);
    flash.write(4096, data);
    flash.write(4096, Uint8Array.of(0xff, 0x3c));
    expect(flash.read(4096, 3)).toEqual(Uint8Array.of(0xf0, 0x0c, 0xff));
  });

  it('skips empty writes, which the SDK would refuse', () => {
    const flash = openFlashPartition('settings');
    calls.length = 0;
    flash.write(0, new Uint8Array(0));
    expect(calls).toEqual([]);
  });

  it('refuses ranges outside the partition with a RangeError', () => {
    const flash = openFlashPartition('settings');
    expect(() => flash.read(65535, 2)).toThrow(RangeError);
    expect(() => flash.write(-1, Uint8Array.of(0))).toThrow(RangeError);
    expect(() => flash.eraseSector(16)).toThrow(RangeError);
    expect(() => flash.eraseSector(1.5)).toThrow(RangeError);
  });

  it('carries the settings store: a save survives reopening the partition', () => {
    const store = openSettingsStore(openFlashPartition('settings'));
    store.save({ ...factorySettings(), srtpMode: 'Mandatory' });
    expect(openSettingsStore(openFlashPartition('settings')).settings.srtpMode).toBe('Mandatory');
  });
});
