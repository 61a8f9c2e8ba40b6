// Audio on the device: ECMA-419 audio input and output over I2S ("embedded:io/audio/in" and
// "embedded:io/audio/out"), 8 kHz 16-bit mono, in 20 ms frames. The I2S pins come from the
// manifest's defines (MODDEF_AUDIOIN_I2S_*, MODDEF_AUDIOOUT_I2S_*); the codec chip behind them is
// configured separately over I2C.
import AudioIn from 'embedded:io/audio/in';
import AudioOut from 'embedded:io/audio/out';
import { AUDIO_FRAME_SAMPLES, AUDIO_SAMPLE_RATE, type Audio } from '../contracts.js';

const FRAME_BYTES = AUDIO_FRAME_SAMPLES * 2;

/**
 * The SDK's AudioOut has close() (modules/io/audioout, like every ECMA-419 IO instance);
 * @moddable/typings 5.6.0 omits it for AudioOut, so we follow the SDK.
 */
type ClosableAudioOut = AudioOut & { close(): void };

export function createI2sAudio(): Audio {
  let input: AudioIn | undefined;
  let output: AudioOut | undefined;
  const format = { sampleRate: AUDIO_SAMPLE_RATE, bitsPerSample: 16, channels: 1, audioType: 'LPCM' } as const;

  return {
    start(onFrame) {
      if (input) return;
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
    },
    play(frame) {
      output?.write(frame.buffer.byteLength === frame.byteLength ? frame.buffer : frame.slice().buffer);
    },
    stop() {
      input?.close();
      (output as ClosableAudioOut | undefined)?.close();
      input = undefined;
      output = undefined;
    },
  };
}
