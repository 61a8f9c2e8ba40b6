// A small jest-compatible test API (describe, it/test, hooks, expect) for running the pure modules'
// tests inside the XS engine, where jest itself cannot run. It covers the matchers tests/unit uses;
// a test that needs another matcher fails loudly on XS rather than passing silently.

type Fn = () => unknown | Promise<unknown>;
interface TestCase { name: string; fn: Fn }
interface Suite { name: string; tests: TestCase[]; suites: Suite[]; beforeAll: Fn[]; afterAll: Fn[]; beforeEach: Fn[]; afterEach: Fn[] }
export interface XsTestResult { name: string; ok: boolean; error?: string }

const root: Suite = { name: '', tests: [], suites: [], beforeAll: [], afterAll: [], beforeEach: [], afterEach: [] };
let current = root;

function describe(name: string, body: () => void): void {
  const suite: Suite = { name, tests: [], suites: [], beforeAll: [], afterAll: [], beforeEach: [], afterEach: [] };
  current.suites.push(suite);
  const parent = current;
  current = suite;
  try {
    body();
  } finally {
    current = parent;
  }
}
describe.skip = (_name: string, _body: () => void) => {};
describe.each = (table: unknown[][]) => (name: string, body: (...args: any[]) => void) => {
  for (const row of table) describe(format(name, row), () => body(...row));
};

function it(name: string, fn: Fn): void {
  current.tests.push({ name, fn });
}
it.skip = (_name: string, _fn: Fn) => {};
it.each = (table: unknown[]) => (name: string, fn: (...args: any[]) => unknown) => {
  for (const row of table) {
    const args = Array.isArray(row) ? row : [row];
    it(format(name, args), () => fn(...args));
  }
};

function format(name: string, args: unknown[]): string {
  let i = 0;
  return name.replace(/%[sdpij]/g, () => String(args[i++]));
}

class AssertionError extends Error {}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

function equals(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (!isObject(a) || !isObject(b)) return false;
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b) || a.constructor !== b.constructor) return false;
    const x = a as unknown as ArrayLike<unknown>;
    const y = b as unknown as ArrayLike<unknown>;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
    return true;
  }
  if (a instanceof Map || b instanceof Map) {
    if (!(a instanceof Map) || !(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) if (!b.has(k) || !equals(v, b.get(k))) return false;
    return true;
  }
  if (a instanceof Set || b instanceof Set) {
    if (!(a instanceof Set) || !(b instanceof Set) || a.size !== b.size) return false;
    for (const v of a) if (!b.has(v)) return false;
    return true;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => a[k] !== undefined);
  const kb = Object.keys(b).filter((k) => b[k] !== undefined);
  if (ka.length !== kb.length) return false;
  for (const k of ka) if (!equals(a[k], b[k])) return false;
  return true;
}

function matchesObject(actual: unknown, expected: unknown): boolean {
  if (!isObject(expected) || !isObject(actual) || ArrayBuffer.isView(expected)) return equals(actual, expected);
  for (const k of Object.keys(expected)) if (!matchesObject(actual[k], expected[k])) return false;
  return true;
}

function show(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (v instanceof Uint8Array) return `Uint8Array[${Array.from(v).join(',')}]`;
  try {
    const s = JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x));
    return s === undefined ? String(v) : s;
  } catch {
    return String(v);
  }
}

function thrown(fn: unknown): { threw: boolean; error: unknown } {
  try {
    (fn as () => unknown)();
    return { threw: false, error: undefined };
  } catch (error) {
    return { threw: true, error };
  }
}

function errorMatches(error: unknown, expected: unknown): boolean {
  if (expected === undefined) return true;
  const message = (error as Error)?.message ?? String(error);
  if (typeof expected === 'string') return message.includes(expected);
  if (expected instanceof RegExp) return expected.test(message);
  if (typeof expected === 'function') return error instanceof (expected as new () => unknown);
  if (isObject(expected) && 'message' in expected) return message === (expected as { message: string }).message;
  return false;
}

function makeMatchers(actual: unknown, negate: boolean) {
  const check = (pass: boolean, message: string) => {
    if (pass === negate) throw new AssertionError(`expected ${show(actual)} ${negate ? 'not ' : ''}${message}`);
  };
  const n = actual as number;
  return {
    toBe: (e: unknown) => check(Object.is(actual, e), `to be ${show(e)}`),
    toEqual: (e: unknown) => check(equals(actual, e), `to equal ${show(e)}`),
    toStrictEqual: (e: unknown) => check(equals(actual, e), `to equal ${show(e)}`),
    toMatchObject: (e: unknown) => check(matchesObject(actual, e), `to match ${show(e)}`),
    toBeTruthy: () => check(!!actual, 'to be truthy'),
    toBeFalsy: () => check(!actual, 'to be falsy'),
    toBeDefined: () => check(actual !== undefined, 'to be defined'),
    toBeUndefined: () => check(actual === undefined, 'to be undefined'),
    toBeNull: () => check(actual === null, 'to be null'),
    toBeNaN: () => check(Number.isNaN(actual), 'to be NaN'),
    toBeInstanceOf: (c: new (...a: any[]) => unknown) => check(actual instanceof c, `to be an instance of ${c.name}`),
    toHaveLength: (l: number) => check((actual as { length: number })?.length === l, `to have length ${l}`),
    toHaveProperty: (k: string) => check(isObject(actual) && k in actual, `to have property ${k}`),
    toContain: (e: unknown) =>
      check(typeof actual === 'string' ? actual.includes(e as string) : Array.from(actual as Iterable<unknown>).includes(e), `to contain ${show(e)}`),
    toContainEqual: (e: unknown) => check(Array.from(actual as Iterable<unknown>).some((x) => equals(x, e)), `to contain ${show(e)}`),
    toMatch: (e: RegExp | string) => check(typeof actual === 'string' && (typeof e === 'string' ? actual.includes(e) : e.test(actual)), `to match ${e}`),
    toBeGreaterThan: (e: number | bigint) => check(n > e, `to be > ${show(e)}`),
    toBeGreaterThanOrEqual: (e: number | bigint) => check(n >= e, `to be >= ${show(e)}`),
    toBeLessThan: (e: number | bigint) => check(n < e, `to be < ${show(e)}`),
    toBeLessThanOrEqual: (e: number | bigint) => check(n <= e, `to be <= ${show(e)}`),
    toBeCloseTo: (e: number, digits = 2) => check(Math.abs(n - e) < 10 ** -digits / 2, `to be close to ${e}`),
    toThrow: (e?: unknown) => {
      const r = thrown(actual);
      check(r.threw && errorMatches(r.error, e), `to throw ${e === undefined ? '' : show(String(e))} (threw ${r.threw ? show(String((r.error as Error)?.message ?? r.error)) : 'nothing'})`);
    },
  };
}

function expect(actual: unknown) {
  const matchers = makeMatchers(actual, false);
  return Object.assign(matchers, {
    not: makeMatchers(actual, true),
    rejects: {
      toThrow: async (e?: unknown) => {
        try {
          await actual;
        } catch (error) {
          if (errorMatches(error, e)) return;
          throw new AssertionError(`expected rejection matching ${show(String(e))}, got ${show(String(error))}`);
        }
        throw new AssertionError('expected the promise to reject');
      },
    },
    resolves: new Proxy({}, {
      get: (_t, name: string) => async (...args: unknown[]) => {
        const value = await actual;
        (makeMatchers(value, false) as Record<string, (...a: unknown[]) => void>)[name](...args);
      },
    }),
  });
}
expect.assertions = (_n: number) => {};

async function runSuite(suite: Suite, prefix: string, inherited: { before: Fn[]; after: Fn[] }, results: XsTestResult[]) {
  const path = suite.name ? (prefix ? `${prefix} › ${suite.name}` : suite.name) : prefix;
  const before = [...inherited.before, ...suite.beforeEach];
  const after = [...suite.afterEach, ...inherited.after];
  for (const hook of suite.beforeAll) await hook();
  for (const t of suite.tests) {
    const name = path ? `${path} › ${t.name}` : t.name;
    try {
      for (const hook of before) await hook();
      await t.fn();
      for (const hook of after) await hook();
      results.push({ name, ok: true });
    } catch (e) {
      const err = e as Error;
      results.push({ name, ok: false, error: `${err?.name ?? 'Error'}: ${err?.message ?? String(e)}` });
    }
  }
  for (const child of suite.suites) await runSuite(child, path, { before, after }, results);
  for (const hook of suite.afterAll) await hook();
}

const g = globalThis as Record<string, unknown>;
// xsnap has no timers. fast-check reads setTimeout when it loads (for async property timeouts that
// our tests never set), so the harness gives it one that only defers to the job queue.
if (typeof g.setTimeout !== 'function') {
  g.setTimeout = (fn: () => void) => {
    Promise.resolve().then(fn);
    return 0;
  };
  g.clearTimeout = () => {};
}
Object.assign(g, {
  describe,
  it,
  test: it,
  expect,
  beforeAll: (fn: Fn) => current.beforeAll.push(fn),
  afterAll: (fn: Fn) => current.afterAll.push(fn),
  beforeEach: (fn: Fn) => current.beforeEach.push(fn),
  afterEach: (fn: Fn) => current.afterEach.push(fn),
});

/** Runs every registered test; the XS runner reads the results from globalThis.__xsTestResults. */
g.__runXsTests = () => {
  const results: XsTestResult[] = [];
  g.__xsTestResults = undefined;
  runSuite(root, '', { before: [], after: [] }, results).then(
    () => (g.__xsTestResults = results),
    (e) => (g.__xsTestResults = [...results, { name: '(suite hooks)', ok: false, error: String(e) }]),
  );
};
