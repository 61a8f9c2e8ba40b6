// The priority negotiation, model-checked (docs/negotiation.md §9): spin verifies the Promela model
// of the exchange (tests/model/negotiation.pml) exhaustively, with an attacker on the signalling
// path, and must find 0 errors; the negative control (tables in clear SDP, the seed paper's Fig. 7)
// and the model of the code as it was before the fixes the model led to must fail with a trail.
// The model's selection rule (select.pml) is compared with modules/negotiation/select.ts for every
// table pair of its domain, so the model cannot drift from the code. Needs spin and gcc (.ci/packages).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KEY_AGREEMENTS, SRTP_SUITES, type PriorityTable, type RankedEntry } from '../../modules/negotiation/capabilities.js';
import { POLICIES, select } from '../../modules/negotiation/select.js';

const MODEL_DIR = dirname(fileURLToPath(import.meta.url));
const FILES = ['negotiation.pml', 'select.pml', 'select-harness.pml'];

/** The model's names, in its order: key agreements 0 PSK, 1 PKE, 2 DH; suites as select.pml lists them. */
const NAMES = [
  ['PSK', 'PKE', 'DH'],
  ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32', 'AES_F8_128_HMAC_SHA1_80'],
] as const;
const ABSENT = 3;

interface Pan {
  readonly output: string;
  readonly errors: number;
  readonly stored: number;
  readonly depth: number;
  readonly trail: boolean;
  readonly replay: string;
}

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  if (r.status !== 0 && cmd !== './pan') throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}\n${r.stdout}${r.stderr}`);
  return r.stdout + r.stderr;
}

/** spin -a, gcc, pan: an exhaustive safety search (assertions, invalid end states), in a fresh directory. */
function verify(defines: string[]): Pan {
  const dir = mkdtempSync(join(tmpdir(), 'spin-model-'));
  try {
    for (const f of FILES) copyFileSync(join(MODEL_DIR, f), join(dir, f));
    const d = defines.map((x) => `-D${x}`);
    run('spin', ['-a', ...d, 'negotiation.pml'], dir);
    // -O0: compiling dominates; the search takes about a second either way.
    run('gcc', ['-O0', '-DSAFETY', '-DNOFAIR', '-o', 'pan', 'pan.c'], dir);
    const output = run('./pan', ['-m10000'], dir);
    const num = (re: RegExp) => Number(re.exec(output)?.[1] ?? NaN);
    const trail = existsSync(join(dir, 'negotiation.pml.trail'));
    return {
      output,
      errors: num(/errors: (\d+)/),
      stored: num(/(\d+) states, stored/),
      depth: num(/depth reached (\d+)/),
      trail,
      replay: trail ? run('spin', ['-t', ...d, 'negotiation.pml'], dir) : '',
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the negotiation model (spin)', () => {
  it('verifies with 0 errors: agreement, no downgrade and liveness hold on every execution, exhaustively', () => {
    const pan = verify([]);
    expect(pan.output).toContain('Full statespace search for');
    expect(pan.output).toMatch(/assertion violations\s+\+/);
    expect(pan.output).toMatch(/invalid end states\s+\+/);
    expect(pan.errors).toBe(0);
    // Exhaustive: no bitstate or hash-compact approximation, and the depth limit was never reached.
    expect(pan.output).not.toMatch(/bitstate|hash-compact|max search depth too small/i);
    expect(pan.depth).toBeLessThan(10000);
    expect(pan.trail).toBe(false);
    // Not vacuous: far more states than the settings alone would give.
    expect(pan.stored).toBeGreaterThan(100000);
  });

  it('finds a counterexample when the tables travel outside the MAC, in clear SDP (the negative control)', () => {
    const pan = verify(['CONTROL']);
    expect(pan.errors).toBeGreaterThan(0);
    expect(pan.trail).toBe(true);
    // The trail replays to a violated agreement or no-downgrade assertion at A's confirmation.
    expect(pan.replay).toMatch(/assertion violated/);
    expect(pan.replay).toMatch(/text of failed assertion: assert\(.*(rmsgSu|selSu)/);
  });

  it('finds the flaws of the code before the fixes: the offer plan ignored the policy, mode Off still pinned', () => {
    for (const old of ['PLAN_PRIORITY', 'OLD_OFF_PINNING']) {
      const pan = verify([old]);
      expect(pan.errors).toBeGreaterThan(0);
      // The liveness assertion: without an attacker, not the outcome the docs give.
      expect(pan.replay).toMatch(/text of failed assertion: assert\(\(attacker\|\|/);
    }
  });
});

/** A table dimension from the model's ranks ("201": name 0 rank 2, ...; 3 absent): gaps are disabled names. */
function entries(dim: 0 | 1, ranks: string): RankedEntry<string>[] {
  const r = [...ranks].map(Number);
  const out: RankedEntry<string>[] = r.flatMap((rank, i) => (rank === ABSENT ? [] : [{ name: NAMES[dim][i], rank, enabled: true }]));
  // A rank below the highest that no name holds is where the table has a disabled entry (it keeps its rank).
  const spare = r.flatMap((rank, i) => (rank === ABSENT ? [NAMES[dim][i]] : []));
  const top = Math.max(...r.filter((x) => x !== ABSENT));
  for (let rank = 0; rank < top; rank++) if (!r.includes(rank)) out.push({ name: spare.shift()!, rank, enabled: false });
  return out;
}

function table(ka: string, suite: string): PriorityTable {
  return { keyAgreements: entries(0, ka) as PriorityTable['keyAgreements'], suites: entries(1, suite) as PriorityTable['suites'] };
}

/** Every assignment of distinct ranks 0..2 to a non-empty subset of three names, as the model writes it. */
function rankStrings(): string[] {
  const out: string[] = [];
  for (let code = 0; code < 64; code++) {
    const r = [code % 4, (code >> 2) % 4, code >> 4];
    const present = r.filter((x) => x !== ABSENT);
    if (present.length > 0 && new Set(present).size === present.length) out.push(r.join(''));
  }
  return out;
}

describe('the model selects as modules/negotiation/select.ts does', () => {
  it('names in the model are the code\'s', () => {
    for (const n of NAMES[0]) expect(KEY_AGREEMENTS).toContain(n);
    for (const n of NAMES[1]) expect(SRTP_SUITES).toContain(n);
  });

  it('gives the same choice for every table pair of its domain, under each policy', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spin-select-'));
    let printed: string;
    try {
      for (const f of FILES) copyFileSync(join(MODEL_DIR, f), join(dir, f));
      printed = run('spin', ['select-harness.pml'], dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // model[dim][policy]["offerer answerer"] = choice (3: none)
    const model = [0, 1].map(() => POLICIES.map(() => new Map<string, number>()));
    for (const m of printed.matchAll(/^\s*choice (\d) (\d) (\d{3}) (\d{3}) (\d)$/gm)) {
      const key = `${m[3]} ${m[4]}`;
      const map = model[Number(m[1])][Number(m[2])];
      expect(map.has(key)).toBe(false);
      map.set(key, Number(m[5]));
    }
    const all = rankStrings();
    // Orderings of non-empty subsets (15) and those with gaps left by disabled entries (33 in all).
    expect(all.filter((s) => [...s].filter((c) => c !== '3').every((c, _, p) => Number(c) < p.length))).toHaveLength(15);
    expect(all).toHaveLength(33);
    for (const dim of [0, 1]) for (const p of POLICIES.keys()) expect(model[dim][p].size).toBe(all.length * all.length);

    const choiceIndex = (dim: 0 | 1, name: string | undefined) => (name === undefined ? ABSENT : (NAMES[dim] as readonly string[]).indexOf(name));
    const full = all.filter((s) => [...s].filter((c) => c !== '3').every((c, _, p) => Number(c) < p.length));
    let compared = 0;
    // Every pair of whole tables the protocol model ranges over (15 orderings in each dimension).
    POLICIES.forEach((policy, p) => {
      for (const ka1 of full) for (const su1 of full) for (const ka2 of full) for (const su2 of full) {
        const s = select(table(ka1, su1), table(ka2, su2), policy);
        if (choiceIndex(0, s.keyAgreement?.name) !== model[0][p].get(`${ka1} ${ka2}`)) throw new Error(`${policy} ${ka1}/${su1} ${ka2}/${su2}: key agreement ${s.keyAgreement?.name}, model ${model[0][p].get(`${ka1} ${ka2}`)}`);
        if (choiceIndex(1, s.suite?.name) !== model[1][p].get(`${su1} ${su2}`)) throw new Error(`${policy} ${ka1}/${su1} ${ka2}/${su2}: suite ${s.suite?.name}, model ${model[1][p].get(`${su1} ${su2}`)}`);
        compared++;
      }
      // And every pair of one dimension with disabled entries, the other dimension fixed.
      for (const a of all) for (const b of all) {
        const s = select(table(a, a), table(b, b), policy);
        expect([choiceIndex(0, s.keyAgreement?.name), choiceIndex(1, s.suite?.name)]).toEqual([model[0][p].get(`${a} ${b}`), model[1][p].get(`${a} ${b}`)]);
      }
    });
    expect(compared).toBe(3 * 15 ** 4);
  });
});
