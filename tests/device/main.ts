// The device check's app on Moddable's own runtime (XS 17, preloaded modules, the creation limits
// of manifest_firmware.json), built for the Linux simulator by `npm run device:check`. It runs each
// scenario of tests/device in its own turn, a second apart so the simulator's once-a-second
// instrumentation sample has reset the stack peak, and prints one JSON line per scenario with the
// peak XS stack and the peak live slot and chunk heaps (Moddable's instrumentation, read after a
// collection at every step of the scenario), then the heap of
// the two phones idle and in a call (after a collection), the media path bench, and a last line.
import Debug from 'debug';
import Instrumentation from 'instrumentation';
import Resource from 'Resource';
import Time from 'time';
import Timer from 'timer';
import { esp32Crypto } from 'hal/esp32/crypto';
import { createStreamNetwork } from 'hal/esp32/stream-network';
import { createDeviceTimers } from 'hal/esp32/timers';
import { settingsStore, twoPhoneCall } from 'tests/device/call-scenarios';
import { mediaPathBench } from 'tests/device/media-bench';
import { mikeyModes, sipSizes, srtpVectorsScenario, type DeviceFixtures, type Probe, type ScenarioResult } from 'tests/device/scenarios';
import { streamScenario, type TlsFixtures } from 'tests/device/stream-scenario';

/** The manifest's data resources (the JSON files under tests/fixtures), parsed once. */
function resourceJson<T>(name: string): T {
  return JSON.parse(String.fromArrayBuffer(new Resource(name).slice(0))) as T;
}
const fixtures: DeviceFixtures = { pki: resourceJson('fixtures.json'), srtp: resourceJson('srtp-vectors.json') };
const tlsFixtures = resourceJson<TlsFixtures>('tls-fixtures.json');

/** An instrument's current value; the SDK types them as possibly undefined (a build without instrumentation). */
function instrument(name: 'XS Stack Used' | 'XS Slot Heap Used' | 'XS Chunk Heap Used'): () => number {
  const index = Instrumentation.map(name);
  return () => (index === undefined ? -1 : Instrumentation.get(index) ?? -1);
}
const stackUsed = instrument('XS Stack Used');
const slotHeapUsed = instrument('XS Slot Heap Used');
const chunkHeapUsed = instrument('XS Chunk Heap Used');
/** Frame pairs the media path bench times: enough for Time.ticks' millisecond to be well under 1 %. */
const BENCH_FRAME_PAIRS = 4000;
/** Wait between turns: longer than the instrumentation's one-second sampling. */
const TURN_GAP_MS = 1100;

const print = (line: object) => trace(`${JSON.stringify(line)}\n`);
const heap = () => ({ slotBytes: slotHeapUsed(), chunkBytes: chunkHeapUsed() });

const marks: Record<string, { slotBytes: number; chunkBytes: number }> = {};
let peakSlot = 0;
let peakChunk = 0;
const probe: Probe = {
  // After a collection: XS counts garbage as used until it collects, so only this reads live memory.
  step() {
    Debug.gc();
    const h = heap();
    if (h.slotBytes > peakSlot) peakSlot = h.slotBytes;
    if (h.chunkBytes > peakChunk) peakChunk = h.chunkBytes;
  },
  mark(name) {
    Debug.gc();
    marks[name] = heap();
  },
};

const scenarios: (() => ScenarioResult | Promise<ScenarioResult>)[] = [
  () => sipSizes(esp32Crypto, probe),
  () => mikeyModes(esp32Crypto, fixtures, probe),
  () => srtpVectorsScenario(esp32Crypto, fixtures, probe),
  () => settingsStore(probe),
  () => twoPhoneCall(esp32Crypto, fixtures, probe),
  // The ESP32 HAL's stream sockets on the simulator's sockets (loopback) and the SDK's TLS.
  () => {
    const timers = createDeviceTimers();
    return streamScenario(createStreamNetwork(timers), timers, tlsFixtures, probe);
  },
];

function runScenario(index: number): void {
  Debug.gc();
  const start = heap();
  peakSlot = start.slotBytes;
  peakChunk = start.chunkBytes;
  const started = Time.ticks;
  const threw = (e: unknown): ScenarioResult => ({ scenario: `#${index}`, pass: false, detail: `threw: ${(e as Error).message}` });
  const done = (result: ScenarioResult) => {
    probe.step();
    print({ ...result, ms: Time.ticks - started, stackPeakBytes: stackUsed(), slotHeapPeakBytes: peakSlot, chunkHeapPeakBytes: peakChunk, slotHeapStartBytes: start.slotBytes, chunkHeapStartBytes: start.chunkBytes });
    Timer.set(() => (index + 1 < scenarios.length ? runScenario(index + 1) : finish()), TURN_GAP_MS);
  };
  // A scenario over real sockets finishes in later turns: its promise.
  let outcome: ScenarioResult | Promise<ScenarioResult>;
  try {
    outcome = scenarios[index]();
  } catch (e) {
    outcome = threw(e);
  }
  if (outcome instanceof Promise) outcome.then(done, (e: unknown) => done(threw(e)));
  else done(outcome);
}

function finish(): void {
  print({ scenario: 'call-heap', pass: marks.idle !== undefined && marks['in-call'] !== undefined, idle: marks.idle, inCall: marks['in-call'] });
  const figure = mediaPathBench(esp32Crypto, () => Time.ticks * 1000, BENCH_FRAME_PAIRS);
  print({ bench: 'device-media-path', engine: 'moddable-xs', crypto: 'native-crypt', ...figure });
  print({ device: 'done' });
}

Timer.set(() => runScenario(0), TURN_GAP_MS);
