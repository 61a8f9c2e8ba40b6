// Randomness on the device: the ESP32 hardware RNG through our native host function.
import fillRandom from 'hal/esp32/native/hardware-random';
import type { Random } from '../contracts.js';

export function createHardwareRandom(): Random {
  return {
    bytes(length) {
      const buffer = new ArrayBuffer(length);
      fillRandom(buffer);
      return new Uint8Array(buffer);
    },
  };
}
