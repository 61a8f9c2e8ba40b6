// The Everest Semiconductor ES8311 mono audio codec (microphone ADC + speaker DAC) set up over I2C
// for the phone's audio: 8 kHz, 16-bit words, Philips I2S format, codec as I2S slave (the ESP32
// drives BCLK and LRCK). Register numbers and values follow the ES8311 user guide's register map
// and Espressif's drivers: esp-bsp components/es8311/es8311.c (es8311_init, the coefficient
// table, es8311_voice_mute) and esp-adf components/esp_codec_dev/device/es8311/es8311.c
// (es8311_open, es8311_start, es8311_config_sample, es8311_suspend); bit fields as named in Linux's
// sound/soc/codecs/es8311.h. Each write below names the function it follows.
//
// A register write is one I2C write of [register, value]; a read is a write of [register] without
// a stop condition, then a one-byte read (the "random read" of the user guide's I2C section).

/** The part of an ECMA-419 I2C instance ("embedded:io/i2c") the driver uses. */
export interface I2cDevice {
  write(buffer: Uint8Array, stop?: boolean): void;
  read(byteLength: number, stop?: boolean): ArrayBuffer;
}

/** Where the codec's internal master clock comes from (REG01 bit 7). */
export type MclkSource = 'pin' | 'bclk';

export interface Es8311Options {
  /** 'pin': the ESP32 drives the MCLK pin; 'bclk': MCLK is derived from BCLK (no MCLK wire). */
  readonly mclk: MclkSource;
  /** MCLK frequency on the MCLK pin, one of MCLK_RATES_8K (Moddable's I2S drives 256 x 8 kHz). */
  readonly mclkHz?: number;
  /** Blocking delay, for the reset pulse (Moddable's Timer.delay on the device). */
  readonly delay: (ms: number) => void;
}

/** 7-bit I2C address with CE tied low (0x19 with CE high). */
export const ES8311_ADDRESS_CE_LOW = 0x18;
/** Chip ID registers and their values (user guide, REG FD "CHIP ID1" = 0x83, REG FE "CHIP ID2" = 0x11). */
const CHIP_ID1 = 0xfd;
const CHIP_ID2 = 0xfe;
const EXPECTED_ID = [0x83, 0x11] as const;

/** Register addresses (user guide register map; names as esp-bsp es8311_reg.h). */
const REG = {
  RESET: 0x00,
  CLK_MANAGER_01: 0x01,
  CLK_MANAGER_02: 0x02,
  CLK_MANAGER_03: 0x03,
  CLK_MANAGER_04: 0x04,
  CLK_MANAGER_05: 0x05,
  CLK_MANAGER_06: 0x06,
  CLK_MANAGER_07: 0x07,
  CLK_MANAGER_08: 0x08,
  SDP_IN: 0x09,
  SDP_OUT: 0x0a,
  SYSTEM_0D: 0x0d,
  SYSTEM_0E: 0x0e,
  SYSTEM_12: 0x12,
  SYSTEM_13: 0x13,
  SYSTEM_14: 0x14,
  ADC_15: 0x15,
  ADC_SCALE: 0x16,
  ADC_VOLUME: 0x17,
  ADC_1B: 0x1b,
  ADC_1C: 0x1c,
  DAC_MUTE: 0x31,
  DAC_VOLUME: 0x32,
  DAC_37: 0x37,
  GPIO_44: 0x44,
  GP_45: 0x45,
} as const;

/**
 * One row of the clock manager's coefficient table: how to divide MCLK down to the 8 kHz ADC and
 * DAC clocks (fields as esp-bsp es8311.c struct _coeff_div).
 */
interface ClockCoefficients {
  readonly preDiv: number; // 1-8
  readonly preMultiCode: number; // 0: x1, 1: x2, 2: x4, 3: x8
  readonly adcDiv: number;
  readonly dacDiv: number;
  readonly fsMode: number; // 0 single speed, 1 double speed
  readonly lrckH: number;
  readonly lrckL: number;
  readonly bclkDiv: number;
  readonly adcOsr: number;
  readonly dacOsr: number;
}

const row = (preDiv: number, preMultiCode: number, adcDiv: number, dacDiv: number, lrckH: number, bclkDiv: number): ClockCoefficients => ({
  preDiv,
  preMultiCode,
  adcDiv,
  dacDiv,
  fsMode: 0,
  lrckH,
  lrckL: 0xff,
  bclkDiv,
  adcOsr: 0x10,
  dacOsr: 0x10,
});

/** The "8k" rows of esp-bsp components/es8311/es8311.c coeff_div[], keyed by MCLK in Hz. */
const COEFFICIENTS_8K: ReadonlyMap<number, ClockCoefficients> = new Map([
  [12288000, row(0x06, 0x00, 0x01, 0x01, 0x00, 0x04)],
  [18432000, row(0x03, 0x01, 0x03, 0x03, 0x05, 0x18)],
  [16384000, row(0x08, 0x00, 0x01, 0x01, 0x00, 0x04)],
  [8192000, row(0x04, 0x00, 0x01, 0x01, 0x00, 0x04)],
  [6144000, row(0x03, 0x00, 0x01, 0x01, 0x00, 0x04)],
  [4096000, row(0x02, 0x00, 0x01, 0x01, 0x00, 0x04)],
  [3072000, row(0x01, 0x00, 0x01, 0x01, 0x00, 0x04)],
  [2048000, row(0x01, 0x00, 0x01, 0x01, 0x00, 0x04)],
  [1536000, row(0x03, 0x02, 0x01, 0x01, 0x00, 0x04)],
  [1024000, row(0x01, 0x01, 0x01, 0x01, 0x00, 0x04)],
]);

/** MCLK frequencies the driver can divide down to 8 kHz. */
const MCLK_RATES_8K: readonly number[] = [...COEFFICIENTS_8K.keys()];
/** What Moddable's ESP32 I2S drivers put on the MCLK pin: I2S_MCLK_MULTIPLE_256 x 8 kHz. */
const DEFAULT_MCLK_HZ = 256 * 8000;

/** REG32 (DAC volume) and REG17 (ADC volume): 0x00 = -95.5 dB, 0xBF = 0 dB, 0.5 dB steps. */
const VOLUME_0DB = 0xbf;
/** Half-dB steps from the quietest non-zero volume (1 %, -50 dB) up to 100 % (0 dB). */
const VOLUME_RANGE_STEPS = 100;
/** REG16 ADC_SCALE (microphone gain): 0-7 = 0-42 dB in 6 dB steps (esp-bsp es8311_mic_gain_t). */
const MIC_SCALE_MAX = 7;

/** The ES8311 is absent, answers with another chip ID, or the bus failed. */
export class Es8311Error extends Error {
  // Defined, not assigned: XS on the device freezes Error.prototype, so `this.name = ...` throws.
  override name = 'Es8311Error';
}

const clampPercent = (percent: number): number => {
  if (!Number.isFinite(percent)) throw new RangeError(`ES8311: ${percent} is not a percentage`);
  return Math.min(100, Math.max(0, Math.round(percent)));
};

/**
 * DAC volume register value for 0-100 %: 0 % is the register's floor (-95.5 dB, silent); 1-100 %
 * go up in equal dB steps from -50 dB to 0 dB, so 100 % plays full-scale samples unclipped.
 */
export function dacVolumeRegister(percent: number): number {
  const p = clampPercent(percent);
  if (p === 0) return 0x00;
  return VOLUME_0DB - Math.round(((100 - p) * VOLUME_RANGE_STEPS) / 99);
}

/** REG16 ADC_SCALE value for a microphone gain of 0-100 % (0 dB to 42 dB). */
export function micScaleRegister(percent: number): number {
  return Math.round((clampPercent(percent) * MIC_SCALE_MAX) / 100);
}

export class Es8311 {
  private readonly coefficients: ClockCoefficients;
  private readonly mclkFromBclk: boolean;
  private volume = 80;
  private micGain = 30;
  private running = false;

  constructor(
    private readonly bus: I2cDevice,
    private readonly options: Es8311Options,
  ) {
    this.mclkFromBclk = options.mclk === 'bclk';
    // From BCLK, the 2.048 MHz row applies with the pre-multiplier forced to x4: BCLK is 64 x 8 kHz
    // (two 32-bit slots) and 512 kHz x 4 = 256 x 8 kHz (esp_codec_dev es8311_config_sample).
    const mclkHz = this.mclkFromBclk ? DEFAULT_MCLK_HZ : (options.mclkHz ?? DEFAULT_MCLK_HZ);
    const coefficients = COEFFICIENTS_8K.get(mclkHz);
    if (!coefficients) throw new RangeError(`ES8311: no 8 kHz clock coefficients for MCLK ${mclkHz} Hz (use one of ${MCLK_RATES_8K.join(', ')})`);
    this.coefficients = this.mclkFromBclk ? { ...coefficients, preMultiCode: 2 } : coefficients;
  }

  private writeRegister(register: number, value: number): void {
    this.bus.write(Uint8Array.of(register, value));
  }

  private readRegister(register: number): number {
    this.bus.write(Uint8Array.of(register), false);
    return new Uint8Array(this.bus.read(1))[0];
  }

  /** Reads the chip ID (REG FD, FE); throws Es8311Error if no ES8311 answers. */
  probe(): void {
    let id: number[];
    try {
      id = [this.readRegister(CHIP_ID1), this.readRegister(CHIP_ID2)];
    } catch (e) {
      throw new Es8311Error(`ES8311: no answer on I2C (${(e as Error).message})`);
    }
    if (id[0] !== EXPECTED_ID[0] || id[1] !== EXPECTED_ID[1]) {
      const hex = (n: number) => `0x${n.toString(16).padStart(2, '0')}`;
      throw new Es8311Error(`ES8311: chip ID ${id.map(hex).join(' ')}, expected ${EXPECTED_ID.map(hex).join(' ')}`);
    }
  }

  /** Resets the codec, sets its clocks and serial port for 8 kHz 16-bit I2S slave, powers up ADC and DAC. */
  init(): void {
    const c = this.coefficients;
    // I2C noise immunity (esp_codec_dev es8311_open: REG44 = 0x08); ADCDAT_SEL, bits 6:4 = 0, puts
    // the ADC on both I2S slots.
    this.writeRegister(REG.GPIO_44, 0x08);
    // Reset all blocks, release, then power on the state machine in slave mode, bit 6 = 0 (esp-bsp es8311_init).
    this.writeRegister(REG.RESET, 0x1f);
    this.options.delay(20);
    this.writeRegister(REG.RESET, 0x00);
    this.writeRegister(REG.RESET, 0x80);
    // Clock manager: all clocks on, MCLK from the MCLK pin or from BCLK (bit 7) (esp-bsp es8311_clock_config).
    this.writeRegister(REG.CLK_MANAGER_01, this.mclkFromBclk ? 0xbf : 0x3f);
    // Dividers from the coefficient row (esp-bsp es8311_sample_frequency_config).
    this.writeRegister(REG.CLK_MANAGER_02, ((c.preDiv - 1) << 5) | (c.preMultiCode << 3));
    this.writeRegister(REG.CLK_MANAGER_03, (c.fsMode << 6) | c.adcOsr);
    this.writeRegister(REG.CLK_MANAGER_04, c.dacOsr);
    this.writeRegister(REG.CLK_MANAGER_05, ((c.adcDiv - 1) << 4) | (c.dacDiv - 1));
    this.writeRegister(REG.CLK_MANAGER_06, c.bclkDiv < 19 ? c.bclkDiv - 1 : c.bclkDiv);
    this.writeRegister(REG.CLK_MANAGER_07, c.lrckH);
    this.writeRegister(REG.CLK_MANAGER_08, c.lrckL);
    // Serial ports: bits 4:2 = 3 (16-bit word), bits 1:0 = 0 (I2S), unmuted, DAC takes the left slot.
    this.writeRegister(REG.SDP_IN, 0x0c);
    this.writeRegister(REG.SDP_OUT, 0x0c);
    // Power-up (esp-bsp es8311_init): analog, PGA + ADC modulator, DAC, output to the HP driver.
    this.writeRegister(REG.SYSTEM_0D, 0x01);
    this.writeRegister(REG.SYSTEM_0E, 0x02);
    this.writeRegister(REG.SYSTEM_12, 0x00);
    this.writeRegister(REG.SYSTEM_13, 0x10);
    // ADC high-pass filter and DC offset cancel, equalizer bypassed (esp_codec_dev es8311_open).
    this.writeRegister(REG.ADC_1B, 0x0a);
    this.writeRegister(REG.ADC_1C, 0x6a);
    // DAC equalizer bypassed (esp-bsp es8311_init).
    this.writeRegister(REG.DAC_37, 0x08);
    // Analog microphone on MIC1P/MIC1N (LINESEL, bit 4), PGA at its maximum 30 dB (bits 3:0 = 0xA,
    // 3 dB steps) (esp-bsp es8311_microphone_config);
    // ADC digital volume 0 dB; the level is then set by ADC_SCALE (setMicGain).
    this.writeRegister(REG.SYSTEM_14, 0x1a);
    this.writeRegister(REG.ADC_VOLUME, VOLUME_0DB);
    this.running = true;
    this.setMicGain(this.micGain);
    this.setVolume(this.volume);
    this.setMuted(false);
  }

  /** Speaker volume 0-100 % (REG32); kept for the next init when the codec is powered down. */
  setVolume(percent: number): void {
    this.volume = clampPercent(percent);
    if (this.running) this.writeRegister(REG.DAC_VOLUME, dacVolumeRegister(this.volume));
  }

  /** Microphone gain 0-100 % (REG16 ADC_SCALE, 0-42 dB); kept for the next init when powered down. */
  setMicGain(percent: number): void {
    this.micGain = clampPercent(percent);
    if (this.running) this.writeRegister(REG.ADC_SCALE, micScaleRegister(this.micGain));
  }

  /** Mutes the speaker: REG31 bits 6 and 5 (DAC DSM and DEM mute) (esp-bsp es8311_voice_mute). */
  setMuted(muted: boolean): void {
    if (this.running) this.writeRegister(REG.DAC_MUTE, muted ? 0x60 : 0x00);
  }

  /** Powers the codec down to standby (esp_codec_dev es8311_suspend, write for write). */
  powerDown(): void {
    if (!this.running) return;
    this.running = false;
    const sequence: readonly (readonly [number, number])[] = [
      [REG.DAC_VOLUME, 0x00],
      [REG.ADC_VOLUME, 0x00],
      [REG.SYSTEM_0E, 0xff],
      [REG.SYSTEM_12, 0x02],
      [REG.SYSTEM_14, 0x00],
      [REG.SYSTEM_0D, 0xfa],
      [REG.ADC_15, 0x00],
      [REG.CLK_MANAGER_02, 0x10],
      [REG.RESET, 0x00],
      [REG.RESET, 0x1f],
      [REG.CLK_MANAGER_01, 0x30],
      [REG.CLK_MANAGER_01, 0x00],
      [REG.GP_45, 0x00],
      [REG.SYSTEM_0D, 0xfc],
      [REG.CLK_MANAGER_02, 0x00],
    ];
    for (const [register, value] of sequence) this.writeRegister(register, value);
  }
}
