// Cost of each MIKEY public-key mode's exchange (issue 4 §5), per side and per phase, in Node (wall
// time) and on XS (xsnap's compute meter, in computrons, one crank per phase), with the number of
// modular exponentiations each phase performs. DH modes run in every OAKLEY group with full and
// short exponents. Keys: the development CA's RSA keys at 2048 bits (sim/dev-keys.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toBase64 } from '../modules/util/bytes.js';
import { bundleSourceForXs } from '../sim/bundle.js';
import { ensureDevKeys } from '../sim/dev-keys.js';
import { XsWorker } from '../sim/xsnap-worker.js';
import { PHASES, exchange, type Phase, type Scenario } from './mikey-modes.driver.js';

const DRIVER = resolve(dirname(fileURLToPath(import.meta.url)), 'mikey-modes.driver.ts');
const NODE_RUNS = 5;
const SIDE: Record<Phase, 'initiator' | 'responder'> = { offer: 'initiator', screen: 'responder', complete: 'responder', finish: 'initiator' };

function scenarios(base: Omit<Scenario, 'mode'>): Scenario[] {
  const out: Scenario[] = [{ ...base, mode: 'pke' }, { ...base, mode: 'rsa-r' }];
  for (const mode of ['dh', 'dhhmac'] as const) {
    for (const group of [0, 1, 2] as const) for (const shortExponent of [false, true]) out.push({ ...base, mode, group, shortExponent });
  }
  return out;
}

function label(s: Scenario) {
  return { mode: s.mode, ...(s.group === undefined ? {} : { group: s.group, shortExponent: s.shortExponent }) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function report(engine: string, s: Scenario, unit: string, cost: Record<Phase, number>, modexp: Record<Phase, number>): void {
  const side = (name: 'initiator' | 'responder') => {
    const phases = PHASES.filter((p) => SIDE[p] === name);
    return { modexp: phases.reduce((n, p) => n + modexp[p], 0), [unit]: Math.round(phases.reduce((n, p) => n + cost[p], 0) * 100) / 100 };
  };
  const phases = Object.fromEntries(PHASES.map((p) => [p, { modexp: modexp[p], [unit]: Math.round(cost[p] * 100) / 100 }]));
  // "deferred" is what the responder can postpone to ring or pick-up; "screen" is what it does at once.
  process.stdout.write(`${JSON.stringify({ bench: 'mikey-modes', engine, ...label(s), initiator: side('initiator'), responder: side('responder'), phases })}\n`);
}

function runNode(s: Scenario): void {
  const cost = { offer: [], screen: [], complete: [], finish: [] } as Record<Phase, number[]>;
  let modexp = {} as Record<Phase, number>;
  for (let i = 0; i < NODE_RUNS; i++) {
    const x = exchange(s);
    const counts = {} as Record<Phase, number>;
    for (const phase of PHASES) {
      const start = performance.now();
      counts[phase] = x.run(phase);
      cost[phase].push(performance.now() - start);
    }
    if (!x.agreed()) throw new Error(`${s.mode}: the two sides derived different keys`);
    modexp = counts;
  }
  report('node', s, 'ms', Object.fromEntries(PHASES.map((p) => [p, median(cost[p])])) as Record<Phase, number>, modexp);
}

function xsScript(): Promise<string> {
  return bundleSourceForXs(`import { exchange } from ${JSON.stringify(DRIVER)};\nglobalThis.pkExchange = exchange;\n`, dirname(DRIVER));
}

async function runXs(worker: XsWorker, s: Scenario): Promise<void> {
  await worker.evaluate(`globalThis.pkX = globalThis.pkExchange(${JSON.stringify(s)});`);
  const cost = {} as Record<Phase, number>;
  const modexp = {} as Record<Phase, number>;
  for (const phase of PHASES) {
    const { reply, meter } = await worker.evaluate(`new TextEncoder().encode(String(pkX.run(${JSON.stringify(phase)}))).buffer`);
    modexp[phase] = Number(new TextDecoder().decode(reply));
    cost[phase] = meter.compute;
  }
  const agreed = await worker.evaluate('new TextEncoder().encode(String(pkX.agreed())).buffer');
  if (new TextDecoder().decode(agreed.reply) !== 'true') throw new Error(`${s.mode} on XS: the two sides derived different keys`);
  report('xs', s, 'computrons', cost, modexp);
}

export default async function bench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mikey-modes-bench-'));
  try {
    const alice = 'sip:alice@127.0.0.1';
    const bob = 'sip:bob@127.0.0.1';
    const keys = ensureDevKeys(dir, [alice, bob]);
    const party = (uri: string) => ({ uri, cert: toBase64(keys.phones.get(uri)!.certificate), key: toBase64(keys.phones.get(uri)!.privateKey) });
    const all = scenarios({ ca: toBase64(keys.caCertificate), alice: party(alice), bob: party(bob), psk: toBase64(keys.psk), nowMs: Date.now() });
    for (const s of all) runNode(s);
    const worker = new XsWorker();
    try {
      await worker.evaluate(await xsScript());
      for (const s of all) await runXs(worker, s);
    } finally {
      await worker.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
