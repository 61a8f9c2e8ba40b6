declare module 'hal/esp32/native/hardware-random' {
  /** Fills `buffer` with bytes from the ESP32 hardware RNG. */
  export default function fillRandom(buffer: ArrayBuffer): void;
}
