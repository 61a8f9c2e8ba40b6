// Runs a jest-style test file of the pure modules inside the XS engine (xsnap-worker): bundles it
// with the small harness in tests/support/xs-harness.ts and collects each test's result.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleSourceForXs } from '../../sim/bundle.js';
import { XsWorker, type XsMeter } from '../../sim/xsnap-worker.js';
import type { XsTestResult } from '../support/xs-harness.js';

const HARNESS = resolve(dirname(fileURLToPath(import.meta.url)), '../support/xs-harness.ts');

export interface XsFileReport {
  results: XsTestResult[];
  meter: XsMeter;
  engine: string;
}

export function bundleTestForXs(testFile: string): Promise<string> {
  return bundleSourceForXs(`import ${JSON.stringify(HARNESS)};\nimport ${JSON.stringify(resolve(testFile))};\n`, process.cwd());
}

/** Bundles `testFile`, runs it on a fresh XS machine and returns every test's result. */
export async function runTestFileOnXs(testFile: string): Promise<XsFileReport> {
  const script = await bundleTestForXs(testFile);
  const worker = new XsWorker();
  try {
    await worker.evaluate(script);
    const run = await worker.evaluate('globalThis.__runXsTests()');
    const read = await worker.evaluate(
      'new TextEncoder().encode(JSON.stringify({ results: globalThis.__xsTestResults ?? null, process: typeof process, engine: typeof print === "function" && typeof issueCommand === "function" ? "xsnap" : "unknown" })).buffer',
    );
    const report = JSON.parse(new TextDecoder().decode(read.reply)) as { results: XsTestResult[] | null; process: string; engine: string };
    if (report.results === null) {
      report.results = [{ name: '(run)', ok: false, error: 'tests did not finish: an await waited on something XS never delivers' }];
    }
    return { results: report.results, meter: run.meter, engine: `${report.engine}/process:${report.process}` };
  } finally {
    await worker.close();
  }
}
