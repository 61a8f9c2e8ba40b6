// The desktop host's flash image behaves as NOR flash and survives a restart of the host.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlashFile } from '../../sim/flash-file.js';

describe('flash image file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flash-file-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('starts erased, clears bits on write, sets them only by erasing a sector', () => {
    const path = join(dir, 'a.flash');
    const flash = new FlashFile(path, 256, 4);
    expect(flash.read(0, 4)).toEqual(Uint8Array.of(0xff, 0xff, 0xff, 0xff));
    flash.write(10, Uint8Array.of(0xf0, 0x0f));
    flash.write(10, Uint8Array.of(0x3c, 0xff)); // NOR: the result is the AND of both writes
    expect(flash.read(10, 2)).toEqual(Uint8Array.of(0x30, 0x0f));
    flash.write(300, Uint8Array.of(0));
    flash.eraseSector(0);
    expect(flash.read(10, 2)).toEqual(Uint8Array.of(0xff, 0xff));
    expect(flash.read(300, 1)).toEqual(Uint8Array.of(0));
    flash.close();
  });

  it('keeps its content across a restart', () => {
    const path = join(dir, 'b.flash');
    const first = new FlashFile(path, 256, 4);
    first.write(700, Uint8Array.of(1, 2, 3));
    first.close();
    const second = new FlashFile(path, 256, 4);
    expect(second.read(700, 3)).toEqual(Uint8Array.of(1, 2, 3));
    second.close();
  });

  it('refuses out-of-range access and an image of the wrong size', () => {
    const flash = new FlashFile(join(dir, 'c.flash'), 256, 4);
    expect(() => flash.read(1020, 8)).toThrow(RangeError);
    expect(() => flash.write(-1, Uint8Array.of(0))).toThrow(RangeError);
    expect(() => flash.eraseSector(4)).toThrow(RangeError);
    flash.close();
    writeFileSync(join(dir, 'd.flash'), new Uint8Array(100));
    expect(() => new FlashFile(join(dir, 'd.flash'), 256, 4)).toThrow('expected 1024');
  });
});
