// hal/esp32/es8311.ts against a register model of the chip (tests/support/es8311-model.ts), and
// its wiring in hal/esp32/i2s-audio.ts with Moddable's "embedded:io/*" and "timer" modules faked.
// Expected register values are written out here from the sources the driver cites, not computed
// by it: the ES8311 user guide's register map, esp-bsp components/es8311/es8311.c (es8311_init and
// the "8k" rows of coeff_div[]), esp-adf esp_codec_dev/device/es8311/es8311.c (es8311_open,
// es8311_suspend), and, as a second opinion on the BCLK clock mode, the ES8311 init in the
// Moddable SDK's build/devices/esp32/targets/m5atom_s3_echo_base/setup-target.js.
import fc from 'fast-check';
import type { Audio } from '../../hal/contracts.js';
import { Es8311, Es8311Error, dacVolumeRegister, micScaleRegister } from '../../hal/esp32/es8311.js';
import { Es8311Model, hex } from '../support/es8311-model.js';

/** What the device's other modules did, in order, for the wiring tests. */
const device = {
  codec: new Es8311Model(),
  events: [] as string[],
  i2cOptions: undefined as Record<string, unknown> | undefined,
  onReadable: undefined as undefined | ((this: { read(n: number): ArrayBuffer }, n: number) => void),
};

jest.mock(
  'embedded:io/i2c',
  () => ({
    __esModule: true,
    default: class {
      constructor(options: Record<string, unknown>) {
        device.i2cOptions = options;
      }
      write(buffer: Uint8Array, stop?: boolean) {
        device.codec.write(buffer, stop);
      }
      read(byteLength: number) {
        return device.codec.read(byteLength);
      }
    },
  }),
  { virtual: true },
);
jest.mock('timer', () => ({ __esModule: true, default: { delay: (ms: number) => device.events.push(`delay ${ms}`) } }), { virtual: true });
jest.mock(
  'embedded:io/digital',
  () => ({
    __esModule: true,
    default: class {
      static readonly Output = 8;
      constructor(private readonly options: { pin: number; mode: number }) {
        device.events.push(`gpio ${options.pin} output`);
      }
      write(value: number) {
        device.events.push(`gpio ${this.options.pin} = ${value}`);
      }
    },
  }),
  { virtual: true },
);
jest.mock(
  'embedded:io/audio/out',
  () => ({
    __esModule: true,
    default: class {
      constructor(options: Record<string, unknown>) {
        device.events.push(`audio out ${options.sampleRate} Hz ${options.bitsPerSample} bit`);
      }
      start() {
        device.events.push('audio out start');
      }
      write(buffer: ArrayBuffer) {
        device.events.push(`audio out ${buffer.byteLength} bytes`);
      }
      close() {
        device.events.push('audio out close');
      }
    },
  }),
  { virtual: true },
);
jest.mock(
  'embedded:io/audio/in',
  () => ({
    __esModule: true,
    default: class {
      constructor(options: Record<string, unknown> & { onReadable: typeof device.onReadable }) {
        device.events.push(`audio in ${options.sampleRate} Hz ${options.bitsPerSample} bit`);
        device.onReadable = options.onReadable;
      }
      start() {
        device.events.push('audio in start');
      }
      read(byteLength: number) {
        return new ArrayBuffer(byteLength);
      }
      close() {
        device.events.push('audio in close');
      }
    },
  }),
  { virtual: true },
);

// Loaded after the mocks (a path in a variable keeps the Moddable-only imports out of this type-check).
const WIRING = '../../hal/esp32/i2s-audio.js';
type CodecConfig = { data: number; clock: number; address?: number; mclk: 'pin' | 'bclk'; mclkHz?: number; amplifier?: number; volume?: number; micGain?: number };
const { createI2sAudio } = require(WIRING) as { createI2sAudio: (config: CodecConfig, log: (m: string) => void) => Audio };

/** Registers as "RR=VV" after the last write to each, for the registers listed. */
function finalValues(model: Es8311Model, registers: number[]): string[] {
  return registers.map((r) => `${hex(r)}=${hex(model.registers[r])}`);
}

const CLOCK_REGISTERS = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08];

function initialised(options: { mclk: 'pin' | 'bclk'; mclkHz?: number }) {
  const model = new Es8311Model();
  const delays: number[] = [];
  const codec = new Es8311(model, { ...options, delay: (ms) => delays.push(ms) });
  codec.probe();
  codec.init();
  return { model, codec, delays };
}

describe('ES8311 probe', () => {
  it('reads the chip ID registers 0xFD and 0xFE', () => {
    const model = new Es8311Model();
    new Es8311(model, { mclk: 'pin', delay: () => {} }).probe();
    expect(model.reads).toEqual([0xfd, 0xfe]);
    expect(model.writes).toEqual([]);
  });

  it('refuses another chip, naming the ID it read', () => {
    const codec = new Es8311(new Es8311Model([0x83, 0x88]), { mclk: 'pin', delay: () => {} });
    expect(() => codec.probe()).toThrow(Es8311Error);
    expect(() => codec.probe()).toThrow('chip ID 0x83 0x88, expected 0x83 0x11');
  });

  it('reports an absent chip (no acknowledge) as a typed error', () => {
    const model = new Es8311Model();
    model.present = false;
    const codec = new Es8311(model, { mclk: 'pin', delay: () => {} });
    expect(() => codec.probe()).toThrow(Es8311Error);
    expect(() => codec.probe()).toThrow(/no answer on I2C/);
  });

  it('refuses an MCLK frequency with no 8 kHz coefficient row', () => {
    expect(() => new Es8311(new Es8311Model(), { mclk: 'pin', mclkHz: 2_000_000, delay: () => {} })).toThrow(RangeError);
  });
});

describe('ES8311 init for 8 kHz, 16-bit, I2S slave', () => {
  it('resets the chip first: REG00 = 0x1F, 20 ms, 0x00, then 0x80 (power on, slave) (esp-bsp es8311_init)', () => {
    const { model, delays } = initialised({ mclk: 'pin' });
    const log = model.log();
    const reset = log.indexOf('00=1F');
    expect(reset).toBeGreaterThan(-1);
    expect(log.slice(reset, reset + 3)).toEqual(['00=1F', '00=00', '00=80']);
    expect(delays).toEqual([20]);
    // Every clock, format and power write comes after the reset.
    expect(log.slice(0, reset).every((w) => w.startsWith('44='))).toBe(true);
    // Slave mode: REG00 bit 6 (MSC) stays 0.
    expect(model.registers[0x00]).toBe(0x80);
  });

  it('MCLK pin at 2.048 MHz (256 x 8 kHz): coefficient row {2048000, 8000, 1, 0, 1, 1, 0, 0, 0xff, 4, 0x10, 0x10}', () => {
    const { model } = initialised({ mclk: 'pin' });
    // REG01 0x3F: all clocks on, MCLK from the MCLK pin (bit 7 = 0), not inverted.
    // REG02 (pre_div - 1) << 5 | pre_multi << 3 = 0; REG03 fs_mode << 6 | adc_osr = 0x10; REG04 dac_osr;
    // REG05 (adc_div - 1) << 4 | (dac_div - 1) = 0; REG06 bclk_div - 1 = 3; REG07 lrck_h; REG08 lrck_l.
    expect(finalValues(model, CLOCK_REGISTERS)).toEqual(['01=3F', '02=00', '03=10', '04=10', '05=00', '06=03', '07=00', '08=FF']);
  });

  it('MCLK pin at 12.288 MHz: pre_div 6 puts 5 << 5 in REG02 (coefficient row {12288000, 8000, 0x06, 0x00, ...})', () => {
    const { model } = initialised({ mclk: 'pin', mclkHz: 12_288_000 });
    expect(finalValues(model, CLOCK_REGISTERS)).toEqual(['01=3F', '02=A0', '03=10', '04=10', '05=00', '06=03', '07=00', '08=FF']);
  });

  it('MCLK pin at 18.432 MHz: pre_div 3, x2, ADC/DAC dividers 3, lrck_h 5, bclk_div 0x18 written as is (>= 19)', () => {
    const { model } = initialised({ mclk: 'pin', mclkHz: 18_432_000 });
    expect(finalValues(model, CLOCK_REGISTERS)).toEqual(['01=3F', '02=48', '03=10', '04=10', '05=22', '06=18', '07=05', '08=FF']);
  });

  it('MCLK from BCLK: REG01 bit 7 set, pre-multiplier x4 (the values of the Moddable SDK\'s M5 Atom S3 echo base set-up)', () => {
    const { model } = initialised({ mclk: 'bclk' });
    expect(finalValues(model, CLOCK_REGISTERS)).toEqual(['01=BF', '02=10', '03=10', '04=10', '05=00', '06=03', '07=00', '08=FF']);
  });

  it('serial ports: 16-bit words (bits 4:2 = 3), I2S format (bits 1:0 = 0), not muted, DAC from the left slot', () => {
    const { model } = initialised({ mclk: 'pin' });
    expect(finalValues(model, [0x09, 0x0a])).toEqual(['09=0C', '0A=0C']);
  });

  it('powers up the analog, ADC and DAC paths (esp-bsp es8311_init, es8311_microphone_config; esp_codec_dev es8311_open)', () => {
    const { model } = initialised({ mclk: 'pin' });
    expect(finalValues(model, [0x0d, 0x0e, 0x12, 0x13, 0x14, 0x17, 0x1b, 0x1c, 0x37, 0x44])).toEqual([
      '0D=01', // analog circuits powered up
      '0E=02', // PGA and ADC modulator on
      '12=00', // DAC powered up
      '13=10', // output to the headphone/line driver
      '14=1A', // analog mic input, PGA gain
      '17=BF', // ADC digital volume 0 dB
      '1B=0A', // ADC high-pass filter
      '1C=6A', // ADC equalizer bypass, DC offset cancel
      '37=08', // DAC equalizer bypass
      '44=08', // I2C noise immunity
    ]);
  });

  it('applies the volume, mic gain and unmute it was given before init', () => {
    const model = new Es8311Model();
    const codec = new Es8311(model, { mclk: 'pin', delay: () => {} });
    codec.setVolume(100);
    codec.setMicGain(100);
    expect(model.writes).toEqual([]); // nothing written while powered down
    codec.init();
    expect(finalValues(model, [0x16, 0x31, 0x32])).toEqual(['16=07', '31=00', '32=BF']);
  });
});

describe('volume, gain and mute', () => {
  it('DAC volume: 0 % is the register floor (0x00, -95.5 dB), 100 % is 0 dB (0xBF), 1 % is -50 dB (0xBF - 100 half-dB steps)', () => {
    expect(dacVolumeRegister(0)).toBe(0x00);
    expect(dacVolumeRegister(100)).toBe(0xbf);
    expect(dacVolumeRegister(1)).toBe(0x5b);
    expect(dacVolumeRegister(150)).toBe(0xbf);
    expect(dacVolumeRegister(-3)).toBe(0x00);
  });

  it('DAC volume never decreases as the percentage grows and stays within 0x00-0xBF (no digital boost)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99 }), (p) => {
        const a = dacVolumeRegister(p);
        const b = dacVolumeRegister(p + 1);
        return b > a && a >= 0 && b <= 0xbf;
      }),
    );
  });

  it('mic gain: 0 % is ADC_SCALE 0 (0 dB), 100 % is 7 (42 dB), in 6 dB steps between', () => {
    expect(micScaleRegister(0)).toBe(0);
    expect(micScaleRegister(100)).toBe(7);
    expect(micScaleRegister(50)).toBe(4);
    fc.assert(fc.property(fc.integer({ min: 0, max: 99 }), (p) => micScaleRegister(p + 1) >= micScaleRegister(p)));
  });

  it('refuses a volume that is not a number', () => {
    expect(() => dacVolumeRegister(Number.NaN)).toThrow(RangeError);
  });

  it('writes volume, gain and mute straight to REG32, REG16 and REG31 bits 6:5 while running', () => {
    const { model, codec } = initialised({ mclk: 'pin' });
    const from = model.writes.length;
    codec.setVolume(0);
    codec.setMicGain(0);
    codec.setMuted(true);
    codec.setMuted(false);
    expect(model.log(from)).toEqual(['32=00', '16=00', '31=60', '31=00']);
  });
});

describe('power-down', () => {
  it('writes esp_codec_dev es8311_suspend\'s standby sequence, once', () => {
    const { model, codec } = initialised({ mclk: 'pin' });
    const from = model.writes.length;
    codec.powerDown();
    codec.powerDown();
    expect(model.log(from)).toEqual([
      '32=00', '17=00', '0E=FF', '12=02', '14=00', '0D=FA', '15=00', '02=10',
      '00=00', '00=1F', '01=30', '01=00', '45=00', '0D=FC', '02=00',
    ]);
  });

  it('comes back with a full init after a power-down, keeping the volume set while down', () => {
    const { model, codec } = initialised({ mclk: 'pin' });
    codec.powerDown();
    const from = model.writes.length;
    codec.setVolume(100);
    expect(model.writes.length).toBe(from); // nothing written to a powered-down codec
    codec.init();
    expect(model.log(from)).toContain('00=1F');
    expect(model.registers[0x32]).toBe(0xbf);
    expect(model.registers[0x0d]).toBe(0x01);
  });
});

describe('device audio wiring (hal/esp32/i2s-audio.ts)', () => {
  const config: CodecConfig = { data: 1, clock: 2, mclk: 'pin', amplifier: 48, volume: 100, micGain: 0 };

  beforeEach(() => {
    device.codec = new Es8311Model();
    device.events = [];
    device.onReadable = undefined;
  });

  it('opens the codec at 0x18 on the configured I2C pins and probes it', () => {
    createI2sAudio(config, () => {});
    expect(device.i2cOptions).toEqual({ data: 1, clock: 2, hz: 100000, address: 0x18 });
    expect(device.codec.reads).toEqual([0xfd, 0xfe]);
    expect(device.events).toEqual(['gpio 48 output', 'gpio 48 = 0']);
  });

  it('configures the codec before starting I2S, enables the amplifier last, and powers down after I2S stops', () => {
    const audio = createI2sAudio(config, () => {});
    device.events = [];
    const frames: number[] = [];
    audio.start((frame) => frames.push(frame.length));
    expect(device.codec.registers[0x0d]).toBe(0x01);
    expect(device.codec.registers[0x32]).toBe(0xbf); // volume 100 %
    expect(device.codec.registers[0x16]).toBe(0x00); // mic gain 0 %
    expect(device.events).toEqual(['delay 20', 'audio out 8000 Hz 16 bit', 'audio out start', 'audio in 8000 Hz 16 bit', 'audio in start', 'gpio 48 = 1']);

    device.onReadable!.call({ read: (n: number) => new ArrayBuffer(n) }, 640);
    expect(frames).toEqual([160, 160]);

    device.events = [];
    const from = device.codec.writes.length;
    audio.stop();
    expect(device.events).toEqual(['gpio 48 = 0', 'audio in close', 'audio out close']);
    expect(device.codec.log(from)[0]).toBe('32=00');
    expect(device.codec.registers[0x0d]).toBe(0xfc);
  });

  it('keeps the phone running when no ES8311 answers: logs why, and audio captures and plays nothing', () => {
    device.codec.present = false;
    const log: string[] = [];
    const audio = createI2sAudio(config, (m) => log.push(m));
    expect(log).toEqual([expect.stringMatching(/^audio unavailable: ES8311: no answer on I2C/)]);
    audio.start(() => {
      throw new Error('no frame expected');
    });
    audio.play(new Int16Array(160));
    audio.stop();
    expect(device.events).toEqual([]);
  });

  it('a bus failure after a good probe costs the call its sound, not the phone: logged, I2S left off', () => {
    const log: string[] = [];
    const audio = createI2sAudio(config, (m) => log.push(m));
    device.codec.present = false;
    device.events = [];
    audio.start(() => {});
    audio.play(new Int16Array(160));
    audio.stop();
    expect(device.events).toEqual([]);
    expect(log).toEqual(['audio: ES8311 init failed: write failed: no acknowledge']);

    device.codec.present = true;
    audio.start(() => {});
    device.codec.present = false;
    audio.stop();
    expect(device.events).toContain('audio in close');
    expect(log[1]).toBe('audio: ES8311 power-down failed: write failed: no acknowledge');
  });

  it('logs a wrong chip ID the same way', () => {
    device.codec = new Es8311Model([0x10, 0x01]);
    const log: string[] = [];
    createI2sAudio(config, (m) => log.push(m));
    expect(log).toEqual(['audio unavailable: ES8311: chip ID 0x10 0x01, expected 0x83 0x11']);
  });

  it('refuses an I2C address that is not 7-bit', () => {
    expect(() => createI2sAudio({ ...config, address: 0x98 }, () => {})).toThrow(RangeError);
  });
});
