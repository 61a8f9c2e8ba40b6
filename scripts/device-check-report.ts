// The device check's verdict from what the app printed on Moddable's runtime: every scenario passed,
// the peak XS stack stays under half of creation.stack, the live heap peaks fit the creation heap and
// chunk sizes, and one call adds under 64 KB of XS heap. Also the media path bench's other side: the
// same tests/device/media-bench.ts on xsnap with the desktop's pure-JS crypto, in the same run.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForXs } from '../sim/bundle.js';
import { XsWorker } from '../sim/xsnap-worker.js';
import type { DeviceCreation } from './device-check.js';
import type { DeviceLine } from './device-check-sim.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** A slot on the simulator's 64-bit XS (txSlot: 4 pointer-sized words), which the instruments count in. */
export const LIN_SLOT_BYTES = 32;
/** A slot on the ESP32's 32-bit XS. */
export const ESP32_SLOT_BYTES = 16;
/** The goal for the heap one call adds (issue 12). */
const CALL_HEAP_GOAL = 65536;
/** Frame pairs per bench run, as on the device side (tests/device/main.ts). */
const BENCH_FRAME_PAIRS = 4000;
const SCENARIOS = ['sip-sizes', 'mikey-modes', 'srtp-vectors', 'settings-store', 'call', 'streams'];

interface Heap {
  readonly slotBytes: number;
  readonly chunkBytes: number;
}

/** The media path on xsnap, with the desktop XS host's tuned provider and with @noble. */
export async function mediaBenchOnXsnap(): Promise<DeviceLine[]> {
  const dir = mkdtempSync(join(tmpdir(), 'device-bench-'));
  const entry = join(dir, 'entry.ts');
  const path = (p: string) => JSON.stringify(join(ROOT, p));
  writeFileSync(
    entry,
    `import { mediaPathBench } from ${path('tests/device/media-bench.ts')};\n` +
      `import { xsTunedCrypto } from ${path('hal/host/xs-crypto.ts')};\n` +
      `import { nobleCrypto } from ${path('hal/noble-crypto.ts')};\n` +
      `const now = () => performance.now() * 1000;\n` +
      `print(JSON.stringify([['xs-tuned', mediaPathBench(xsTunedCrypto, now, ${BENCH_FRAME_PAIRS})], ['noble', mediaPathBench(nobleCrypto, now, ${BENCH_FRAME_PAIRS})]]));\n`,
  );
  const worker = new XsWorker();
  try {
    await worker.evaluate(await bundleForXs(entry));
    const figures = JSON.parse(worker.stdout.join('')) as [string, Record<string, unknown>][];
    return figures.map(([crypto, figure]) => ({ bench: 'device-media-path', engine: 'xsnap', crypto, ...figure }));
  } finally {
    await worker.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function deviceVerdict(lines: readonly DeviceLine[], creation: DeviceCreation, xsnap: readonly DeviceLine[]): { pass: boolean; lines: DeviceLine[] } {
  const out: DeviceLine[] = [];
  const scenarios = lines.filter((l) => typeof l.scenario === 'string');
  const missing = SCENARIOS.filter((name) => !scenarios.some((l) => l.scenario === name));
  const failed = scenarios.filter((l) => l.pass !== true).map((l) => String(l.scenario));
  const max = (key: string) => Math.max(0, ...scenarios.map((l) => Number(l[key] ?? 0)));
  const stackSlots = Math.ceil(max('stackPeakBytes') / LIN_SLOT_BYTES);
  const heapSlots = Math.ceil(max('slotHeapPeakBytes') / LIN_SLOT_BYTES);
  const chunkBytes = max('chunkHeapPeakBytes');
  const limits = {
    check: 'device-limits',
    creation,
    stackPeakSlots: stackSlots,
    stackShare: +(stackSlots / creation.stack).toFixed(3),
    slotHeapPeakSlots: heapSlots,
    slotHeapShare: +(heapSlots / creation.heap.initial).toFixed(3),
    chunkHeapPeakBytes: chunkBytes,
    chunkHeapShare: +(chunkBytes / creation.chunk.initial).toFixed(3),
  };
  const limitsPass = limits.stackShare < 0.5 && limits.slotHeapShare < 1 && limits.chunkHeapShare < 1;
  out.push({ ...limits, pass: limitsPass });

  const marks = lines.find((l) => l.scenario === 'call-heap') as { idle?: Heap; inCall?: Heap } | undefined;
  let callPass = false;
  if (marks?.idle && marks.inCall) {
    // Two phones, each in the call: half the growth is one phone's call. Slots are counted at the
    // ESP32's size; chunks as the simulator measures them (its 64-bit pointers make them an upper bound).
    const slots = (marks.inCall.slotBytes - marks.idle.slotBytes) / LIN_SLOT_BYTES / 2;
    const chunks = (marks.inCall.chunkBytes - marks.idle.chunkBytes) / 2;
    const perCallBytes = Math.round(slots * ESP32_SLOT_BYTES + chunks);
    callPass = perCallBytes < CALL_HEAP_GOAL;
    out.push({
      check: 'call-heap',
      pass: callPass,
      idle: marks.idle,
      inCall: marks.inCall,
      perCallSlots: Math.round(slots),
      perCallChunkBytes: Math.round(chunks),
      perCallBytesEsp32: perCallBytes,
      goalBytes: CALL_HEAP_GOAL,
      ratioToGoal: +(perCallBytes / CALL_HEAP_GOAL).toFixed(3),
    });
  }

  const device = lines.find((l) => l.bench === 'device-media-path');
  if (device) {
    out.push(device);
    for (const x of xsnap) out.push({ ...x, xsnapOverModdable: +(Number(x.microsecondsPerFramePair) / Number(device.microsecondsPerFramePair)).toFixed(2) });
  }
  const pass = missing.length === 0 && failed.length === 0 && limitsPass && callPass && device !== undefined;
  out.push({ check: 'device', pass, missing, failed });
  return { pass, lines: out };
}
