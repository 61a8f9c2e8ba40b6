// manifest.json stays a valid Moddable manifest for the firmware as it grows: every firmware module
// is listed under its own path (so relative imports resolve the same on XS), every local path in it
// exists, and every bare import is either a Moddable module or an npm package the manifest maps.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const readJson = (path: string) => JSON.parse(readFileSync(join(ROOT, path), 'utf8'));
const manifest = readJson('manifest.json');
/** The firmware's shared manifest (modules, preloads, creation limits), included by the device build and tests/device. */
const firmware = readJson('manifest_firmware.json');
/** The board the firmware is wired for (docs/device.md). */
const BOARD = 'esp32/esp32s3';
const board = manifest.platforms[BOARD];

/** Moddable SDK modules the device HAL may import (see docs/architecture.md). */
const MODDABLE_MODULES = [/^embedded:/, /^timer$/, /^time$/, /^net$/, /^flash$/, /^mc\/config$/, /^crypt$/];

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

const firmwareFiles = [
  ...walk(join(ROOT, 'modules')),
  ...walk(join(ROOT, 'audio')),
  ...walk(join(ROOT, 'hal')).filter((f) => !relative(ROOT, f).startsWith('hal/host/')),
  join(ROOT, 'main.ts'),
]
  .filter((f) => existsSync(f) && /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts'))
  .map((f) => relative(ROOT, f));

const moduleMaps: Record<string, string | string[]>[] = [manifest.modules, firmware.modules, board?.modules ?? {}];
const entries = moduleMaps.flatMap((m) => Object.entries(m)).filter(([key]) => key !== '~');

function matches(pattern: string, path: string): string | undefined {
  const [before, after = ''] = pattern.split('*');
  if (!pattern.includes('*')) return pattern === path ? '' : undefined;
  if (!path.startsWith(before) || !path.endsWith(after)) return undefined;
  const middle = path.slice(before.length, path.length - after.length);
  return middle.includes('/') ? undefined : middle;
}

describe('manifest.json', () => {
  it('is a Moddable app manifest for the ESP32-S3 board, including the firmware manifest', () => {
    expect(manifest.include).toContain('$(MODDABLE)/examples/manifest_base.json');
    expect(manifest.include).toContain('./manifest_firmware.json');
    expect(manifest.modules.main).toBe('./main');
    expect(typeof board).toBe('object');
    // Any other ESP32 (the original has no GPIO 45, 47, 48) and any other platform refuse to build.
    expect(typeof manifest.platforms.esp32.error).toBe('string');
    expect(typeof manifest.platforms['...'].error).toBe('string');
    expect(typeof firmware.typescript.tsconfig.compilerOptions).toBe('object');
  });

  it('gives the device check the same XS creation limits as the device (both include manifest_firmware.json)', () => {
    const deviceCheck = readJson('tests/device/manifest.json');
    expect(deviceCheck.include).toContain('../../manifest_firmware.json');
    expect(deviceCheck.creation).toBeUndefined();
    expect(manifest.creation).toBeUndefined();
    expect(board.creation).toBeUndefined();
    expect(firmware.creation.stack).toBeGreaterThan(0);
  });

  it('maps no folder holding files that are not modules (mcconfig would compile a .json as a module)', () => {
    const strays = entries
      .flatMap(([, value]) => [value].flat())
      .filter((v) => v.startsWith('./') && v.endsWith('/*'))
      .flatMap((v) => readdirSync(join(ROOT, v.slice(0, -2))).filter((f) => !/\.(ts|js|c|h)$/.test(f) && !statSync(join(ROOT, v.slice(0, -2), f)).isDirectory()).map((f) => `${v.slice(2, -2)}/${f}`));
    expect(strays).toEqual([]);
  });

  it('uses only GPIOs an ESP32-S3 module has free: not its SPI flash and PSRAM pins (26-37), not USB (19, 20)', () => {
    const { keypad, display, codec } = manifest.config.hal;
    const { audioIn, audioOut } = board.defines;
    const pins = [...keypad.rows, ...keypad.columns, display.data, display.clock, codec.data, codec.clock, codec.amplifier, audioIn.i2s.bck_pin, audioIn.i2s.lr_pin, audioIn.i2s.datain, audioIn.i2s.mck_pin, audioOut.i2s.dataout_pin];
    const usable = (p: number) => Number.isInteger(p) && ((p >= 0 && p <= 18) || p === 21 || (p >= 38 && p <= 48));
    expect(pins.filter((p) => !usable(p))).toEqual([]);
    // Pins shared on purpose: the one I2C bus (display and codec), the I2S clocks (in and out).
    const shared = new Set([display.data, display.clock, audioIn.i2s.bck_pin, audioIn.i2s.lr_pin, audioIn.i2s.mck_pin]);
    const own = pins.filter((p) => !shared.has(p));
    expect(new Set(own).size).toBe(own.length);
  });

  it('lists every firmware module under its own path, without extension', () => {
    const unlisted = firmwareFiles.filter((file) => {
      const path = `./${file.replace(/\.(ts|js)$/, '')}`;
      return !entries.some(([key, value]) =>
        [value].flat().some((v) => {
          const middle = matches(v, path);
          return middle !== undefined && key.replace('*', middle) === path.slice(2);
        }),
      );
    });
    expect(unlisted).toEqual([]);
  });

  it('points only at paths that exist', () => {
    const missing = entries
      .flatMap(([, value]) => [value].flat())
      .filter((v) => v.startsWith('./'))
      .filter((v) => {
        if (!v.includes('*')) return !['.ts', '.js', '.d.ts'].some((ext) => existsSync(join(ROOT, v + ext)));
        const dir = join(ROOT, dirname(v));
        return !existsSync(dir) || !readdirSync(dir).some((f) => matches(v, `./${relative(ROOT, join(dir, f)).replace(/\.(ts|js|c|d\.ts)$/, '')}`) !== undefined);
      });
    expect(missing).toEqual([]);
  });

  it('configures the ES8311 codec to match the I2S defines (docs/device.md)', () => {
    const codec = manifest.config.hal.codec;
    const { audioIn, audioOut } = board.defines;
    // 7-bit address 0x18 (CE low) or 0x19 (CE high); not the display's if they share the bus.
    expect([0x18, 0x19]).toContain(codec.address);
    const display = manifest.config.hal.display;
    if (display.data === codec.data && display.clock === codec.clock) expect(codec.address).not.toBe(display.address);
    // One I2S bus: input and output share BCLK and LRCK.
    expect(audioIn.i2s.bck_pin).toBe(audioOut.i2s.bck_pin);
    expect(audioIn.i2s.lr_pin).toBe(audioOut.i2s.lr_pin);
    // The codec's serial ports are set to Philips I2S with the DAC on the left slot.
    for (const i2s of [audioIn.i2s, audioOut.i2s]) {
      expect(i2s.format_i2s).toBe(1);
      expect(i2s.slot).toBe('I2S_STD_SLOT_LEFT');
    }
    if (codec.mclk === 'pin') {
      // The ESP32 drives MCLK at 256 x the sample rate (I2S_MCLK_MULTIPLE_256 in modules/io/audio*).
      expect(audioIn.i2s.mck_pin).toBe(audioOut.i2s.mck_pin);
      expect(typeof audioOut.i2s.mck_pin).toBe('number');
      expect(codec.mclkHz ?? 256 * 8000).toBe(256 * audioIn.sampleRate);
    } else {
      // MCLK from BCLK needs 64 BCLK per frame: 32-bit slots.
      expect(codec.mclk).toBe('bclk');
      expect(audioOut.i2s.bitsPerSample).toBe(32);
    }
  });

  it('maps every npm package the firmware imports, and nothing else is bare but Moddable modules', () => {
    const bare = new Set<string>();
    for (const file of firmwareFiles) {
      const source = readFileSync(join(ROOT, file), 'utf8');
      for (const m of source.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
        if (!m[1].startsWith('.')) bare.add(m[1]);
      }
    }
    const unresolved = [...bare].filter(
      (spec) =>
        !MODDABLE_MODULES.some((re) => re.test(spec)) &&
        !entries.some(([key, value]) => [value].flat().some(() => matches(key, spec.replace(/\.js$/, '')) !== undefined)),
    );
    expect(unresolved).toEqual([]);
    expect(bare.has('@noble/ciphers/aes.js')).toBe(true);
  });
});
