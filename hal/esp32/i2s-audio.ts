// Audio on the device: an ES8311 codec (hal/esp32/es8311.ts) configured over I2C, then ECMA-419
// audio input and output over I2S ("embedded:io/audio/in" and "embedded:io/audio/out"), 8 kHz
// 16-bit mono, in 20 ms frames. The I2S pins come from the manifest's defines
// (MODDEF_AUDIOIN_I2S_*, MODDEF_AUDIOOUT_I2S_*); the codec's I2C pins, clock source and the
// speaker amplifier's enable pin from config.hal.codec (docs/device.md).
import AudioIn from 'embedded:io/audio/in';
import AudioOut from 'embedded:io/audio/out';
import Digital from 'embedded:io/digital';
import I2C from 'embedded:io/i2c';
import Timer from 'timer';
import { AUDIO_FRAME_SAMPLES, AUDIO_SAMPLE_RATE, type Audio } from '../contracts.js';
import { ES8311_ADDRESS_CE_LOW, Es8311, type MclkSource } from './es8311.js';

const FRAME_BYTES = AUDIO_FRAME_SAMPLES * 2;

export interface AudioCodecConfig {
  /** GPIO of the I2C bus's SDA and SCL (the display's bus may be shared: another address). */
  readonly data: number;
  readonly clock: number;
  /** 7-bit I2C address: 0x18 (24) with CE low, 0x19 (25) with CE high. */
  readonly address?: number;
  readonly hz?: number;
  /** The codec's master clock: the MCLK pin ("pin", defines *.i2s.mck_pin) or BCLK ("bclk"). */
  readonly mclk: MclkSource;
  /** MCLK frequency when mclk is "pin" (default 256 x 8 kHz, what Moddable's I2S drives). */
  readonly mclkHz?: number;
  /** GPIO enabling the speaker amplifier (active high), if the board has one. */
  readonly amplifier?: number;
  /** Speaker volume and microphone gain, 0-100 %. */
  readonly volume?: number;
  readonly micGain?: number;
}

/**
 * The SDK's AudioOut has close() (modules/io/audioout, like every ECMA-419 IO instance);
 * @moddable/typings 5.6.0 omits it for AudioOut, so we follow the SDK.
 */
type ClosableAudioOut = AudioOut & { close(): void };

/**
 * The phone's audio: probes the codec once; if no ES8311 answers, logs why and returns an Audio
 * that captures and plays nothing, so the phone still runs (calls connect without sound).
 */
export function createI2sAudio(config: AudioCodecConfig, log: (message: string) => void): Audio {
  const address = config.address ?? ES8311_ADDRESS_CE_LOW;
  if (!Number.isInteger(address) || address < 0 || address > 0x7f) throw new RangeError(`codec config: I2C address ${address} is not 7-bit`);
  const codec = new Es8311(new I2C({ data: config.data, clock: config.clock, hz: config.hz ?? 100000, address }), {
    mclk: config.mclk,
    mclkHz: config.mclkHz,
    delay: (ms) => Timer.delay(ms),
  });
  try {
    codec.probe();
  } catch (e) {
    log(`audio unavailable: ${(e as Error).message}`);
    return { start() {}, play() {}, stop() {} };
  }
  codec.setVolume(config.volume ?? 80);
  codec.setMicGain(config.micGain ?? 30);
  /** An I2C failure after a good probe (loose wire, brown-out) costs this call its sound, not the phone. */
  const codecStep = (what: string, step: () => void): boolean => {
    try {
      step();
      return true;
    } catch (e) {
      log(`audio: ES8311 ${what} failed: ${(e as Error).message}`);
      return false;
    }
  };
  const amplifier = config.amplifier === undefined ? undefined : new Digital({ pin: config.amplifier, mode: Digital.Output });
  amplifier?.write(0);

  let input: AudioIn | undefined;
  let output: AudioOut | undefined;
  const format = { sampleRate: AUDIO_SAMPLE_RATE, bitsPerSample: 16, channels: 1, audioType: 'LPCM' } as const;

  return {
    start(onFrame) {
      if (input || !codecStep('init', () => codec.init())) return;
      output = new AudioOut({ ...format });
      output.start();
      input = new AudioIn({
        ...format,
        onReadable(byteLength) {
          for (let available = byteLength; available >= FRAME_BYTES; available -= FRAME_BYTES) {
            onFrame(new Int16Array(this.read(FRAME_BYTES)));
          }
        },
      });
      input.start();
      amplifier?.write(1);
    },
    play(frame) {
      output?.write(frame.buffer.byteLength === frame.byteLength ? frame.buffer : frame.slice().buffer);
    },
    stop() {
      if (!input) return;
      amplifier?.write(0);
      input.close();
      (output as ClosableAudioOut | undefined)?.close();
      input = undefined;
      output = undefined;
      codecStep('power-down', () => codec.powerDown());
    },
  };
}
