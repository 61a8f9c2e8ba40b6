// The HAL on the ESP32 under Moddable: one module per device concern, put together from the
// manifest's config (pins, bus addresses, partition name).
import type { Hal } from '../contracts.js';
import { createCharDisplay, type CharDisplayConfig } from './char-display.js';
import { createDeviceClock } from './clock.js';
import { esp32Crypto } from './crypto.js';
import { openFlashPartition } from './flash-partition.js';
import { createI2sAudio, type AudioCodecConfig } from './i2s-audio.js';
import { createKeypadMatrix, type KeypadMatrixConfig } from './keypad-matrix.js';
import { createHardwareRandom } from './random.js';
import { createDeviceTimers } from './timers.js';
import { createStreamNetwork } from './stream-network.js';
import { createUdpNetwork } from './udp-network.js';

export interface Esp32HalConfig {
  readonly keypad: KeypadMatrixConfig;
  readonly display: CharDisplayConfig;
  /** The ES8311 audio codec: I2C pins and address, clock source, amplifier pin (docs/device.md). */
  readonly codec: AudioCodecConfig;
  /** The raw flash partition the settings live in. */
  readonly settingsPartition: string;
}

export function createEsp32Hal(config: Esp32HalConfig): Hal {
  const log = (message: string) => trace(`${message}\n`);
  const timers = createDeviceTimers();
  return {
    network: createUdpNetwork(createStreamNetwork(timers)),
    clock: createDeviceClock(),
    timers,
    random: createHardwareRandom(),
    flash: openFlashPartition(config.settingsPartition),
    keypad: createKeypadMatrix(config.keypad),
    display: createCharDisplay(config.display),
    audio: createI2sAudio(config.codec, log),
    crypto: esp32Crypto,
    log,
  };
}
