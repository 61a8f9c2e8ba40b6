// Flood benchmark (issue 13): OPTIONS round trips to a phone on the desktop XS host, idle and
// during a flood of 150 datagrams a second (never-ACKed INVITEs; 60 KB junk), all in one run on one
// phone. Goal: under 200 ms during the flood (p95 here). One JSON line per condition.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DesktopHost } from '../sim/host.js';
import { probeOptions, startFlood, type FloodKind } from '../tests/support/sip-flood.js';

const PROBES = 30;
const PROBE_EVERY_MS = 100;
const RATE = 150;
const GOAL_MS = 200;
const TIMEOUT_MS = 5000;

function quantile(sorted: number[], q: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function line(flood: string, rtts: (number | undefined)[], extra: Record<string, unknown>, idleMedian?: number): number {
  const answered = rtts.filter((r): r is number => r !== undefined).sort((a, b) => a - b);
  const median = quantile(answered, 0.5);
  const p95 = quantile(answered, 0.95);
  const round = (x: number) => +x.toFixed(1);
  process.stdout.write(`${JSON.stringify({
    bench: 'options-rtt', engine: 'xs', flood, probes: rtts.length, answered: answered.length, medianMs: round(median), p95Ms: round(p95), maxMs: round(answered[answered.length - 1] ?? NaN),
    ...extra, goalMs: GOAL_MS, ratioToGoal: +(p95 / GOAL_MS).toFixed(3), ...(idleMedian !== undefined ? { medianRatioToIdle: +(median / idleMedian).toFixed(2) } : {}),
  })}\n`);
  return median;
}

export default async function floodBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'flood-bench-'));
  const host = await DesktopHost.start({ identity: { displayName: 'F', user: 'phone', sipPort: 0, tlsPort: 0 }, flashPath: join(dir, 'phone.flash') });
  try {
    const port = Number(host.log.map((l) => /listening for SIP on 127\.0\.0\.1:(\d+)/.exec(l)?.[1]).find(Boolean));
    const idle = line('none', await probeOptions(port, PROBES, PROBE_EVERY_MS, TIMEOUT_MS), {});
    const floods: [string, FloodKind][] = [[`${RATE} INVITE/s`, { kind: 'invite' }], [`${RATE} x 60KB junk/s`, { kind: 'junk', bytes: 60_000 }]];
    for (const [name, kind] of floods) {
      const dropped = host.droppedDatagrams;
      const flood = await startFlood(port, RATE, kind);
      await new Promise((r) => setTimeout(r, 1000));
      const rtts = await probeOptions(port, PROBES, PROBE_EVERY_MS, TIMEOUT_MS);
      const sent = await flood.stop();
      line(name, rtts, { floodSent: sent, hostDropped: host.droppedDatagrams - dropped }, idle);
      // Let the phone drain before the next condition.
      await new Promise((r) => setTimeout(r, 1500));
    }
  } finally {
    await host.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
