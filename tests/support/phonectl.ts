// Runs `phonectl` as a field engineer would: a child process, arguments and stdin in, output out.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'phonectl.js');

export interface PhonectlResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function phonectl(args: string[], stdin = ''): PhonectlResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { input: stdin, encoding: 'utf8', timeout: 60000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.split('\n').filter((l) => !l.startsWith('npm warn')).join('\n') };
}
