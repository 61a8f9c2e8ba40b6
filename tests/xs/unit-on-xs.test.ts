// The pure modules' tests (tests/unit) again, inside the real XS engine: each file is bundled and run
// on a fresh xsnap-worker, and every one of its tests must pass there too.
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTestFileOnXs } from './run-on-xs.js';

const UNIT = join(dirname(fileURLToPath(import.meta.url)), '..', 'unit');

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('tests/unit on the XS engine', () => {
  it.each(testFiles(UNIT).map((f) => [relative(UNIT, f), f]))('%s', async (_name, file) => {
    const report = await runTestFileOnXs(file);
    expect(report.engine).toBe('xsnap/process:undefined');
    const failures = report.results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.error}`);
    expect(failures).toEqual([]);
    expect(report.results.length).toBeGreaterThan(0);
  });
});
