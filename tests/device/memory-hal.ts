// A whole HAL in memory, for a phone inside a VirtualWorld: the world's clock, timers and network,
// a NOR flash image (tests/support/sim-flash.ts), a keypad the harness presses, a display it reads,
// and audio that captures a tone every 20 ms and counts what it plays. The crypto provider is the
// caller's: hal/esp32/crypto.ts on Moddable's runtime, @noble in Node. Pure: no host globals.
import { AUDIO_FRAME_MS, AUDIO_FRAME_SAMPLES, AUDIO_SAMPLE_RATE, type Crypto, type Hal, type Key, type KeyEvent } from '../../hal/contracts.js';
import { SimFlash } from '../support/sim-flash.js';
import { seededRandom } from '../unit/sip-test-network.js';
import type { VirtualWorld } from './virtual-world.js';

/** MIKEY timestamps need a plausible wall clock: 2027-01-01T00:00:00Z plus virtual time (inside the fixtures' validity). */
const EPOCH_MS = Date.UTC(2027, 0, 1);
/** Log lines kept per phone (the newest). */
const MAX_LOG_LINES = 200;
/** A frame counts as heard when its peak passes this (the tone is sent at 8000). */
const HEARD_PEAK = 2000;

export interface MemoryPhoneHal extends Hal {
  press(key: Key): void;
  readonly screen: readonly string[];
  readonly logLines: readonly string[];
  readonly audioCounts: { captured: number; played: number; heard: number };
}

export function memoryHal(world: VirtualWorld, o: { address: string; seed: number; toneHz: number; crypto: Crypto }): MemoryPhoneHal {
  let keyListener: ((e: KeyEvent) => void) | undefined;
  let screen: readonly string[] = [];
  const logLines: string[] = [];
  const audioCounts = { captured: 0, played: 0, heard: 0 };
  let capture: number | undefined;
  let phase = 0;
  const step = (2 * Math.PI * o.toneHz) / AUDIO_SAMPLE_RATE;

  function captureFrame(onFrame: (frame: Int16Array) => void): void {
    capture = world.schedule(AUDIO_FRAME_MS, () => captureFrame(onFrame));
    const frame = new Int16Array(AUDIO_FRAME_SAMPLES);
    for (let i = 0; i < frame.length; i++) frame[i] = Math.round(8000 * Math.sin(phase + i * step));
    phase += frame.length * step;
    audioCounts.captured++;
    onFrame(frame);
  }

  return {
    network: world.network(o.address),
    clock: { monotonicMs: () => world.nowMs, wallClockMs: () => EPOCH_MS + world.nowMs },
    timers: world.timers(),
    random: seededRandom(o.seed),
    flash: new SimFlash(4096, 16),
    keypad: { onKey: (listener) => void (keyListener = listener) },
    display: { rows: 4, columns: 20, show: (lines) => void (screen = lines.slice()) },
    audio: {
      start(onFrame) {
        if (capture === undefined) capture = world.schedule(AUDIO_FRAME_MS, () => captureFrame(onFrame));
      },
      play(frame) {
        audioCounts.played++;
        let peak = 0;
        for (let i = 0; i < frame.length; i++) peak = Math.max(peak, Math.abs(frame[i]));
        if (peak > HEARD_PEAK) audioCounts.heard++;
      },
      stop() {
        if (capture !== undefined) world.cancel(capture);
        capture = undefined;
      },
    },
    crypto: o.crypto,
    log(message) {
      logLines.push(message);
      if (logLines.length > MAX_LOG_LINES) logLines.shift();
    },
    press(key) {
      keyListener?.({ key, down: true });
      keyListener?.({ key, down: false });
    },
    get screen() {
      return screen;
    },
    logLines,
    audioCounts,
  };
}
