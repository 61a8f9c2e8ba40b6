// `npm start` as a user runs it (tsx sim/main.ts), headless, its stdout and stderr collected.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface NpmStart {
  readonly child: ChildProcessWithoutNullStreams;
  readonly output: { out: string; err: string };
  readonly exit: Promise<number | null>;
}

/** Starts `npm start -- --headless ARGS` from the project root. */
export function npmStartHeadless(args: readonly string[]): NpmStart {
  const child = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), ['sim/main.ts', '--headless', ...args], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const output = { out: '', err: '' };
  child.stdout.on('data', (d) => (output.out += d));
  child.stderr.on('data', (d) => (output.err += d));
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, output, exit };
}
