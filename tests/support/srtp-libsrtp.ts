// Builds the libsrtp2 peer (tests/interop/libsrtp/srtp-helper.c) with gcc into a temp dir and runs
// it. Fails with a clear message when gcc or libsrtp2-dev is missing: no silent skips.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE = join(dirname(fileURLToPath(import.meta.url)), '..', 'interop', 'libsrtp', 'srtp-helper.c');

/** Compiles the helper once per call; returns the executable's path. */
export function buildLibsrtpHelper(): string {
  if (!existsSync('/usr/include/srtp2/srtp.h')) {
    throw new Error('libsrtp2 headers missing: install Debian package libsrtp2-dev (apt-get install libsrtp2-dev)');
  }
  const out = join(mkdtempSync(join(tmpdir(), 'srtp-helper-')), 'srtp-helper');
  try {
    execFileSync('gcc', ['-O2', '-Wall', '-o', out, SOURCE, '-lsrtp2'], { stdio: 'pipe' });
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    throw new Error(`cannot build the libsrtp helper with gcc (-lsrtp2): ${err.stderr?.toString() ?? err.message}`);
  }
  return out;
}

/** Runs `helper action suite keyHex rtp|rtcp roc [mkiHex]` on hex lines; returns its output lines. */
export function runLibsrtp(helper: string, action: 'protect' | 'unprotect', suite: string, keyHex: string, rtcp: boolean, roc: number, lines: string[], mkiHex?: string): string[] {
  const args = [action, suite, keyHex, rtcp ? 'rtcp' : 'rtp', String(roc), ...(mkiHex ? [mkiHex] : [])];
  const out = execFileSync(helper, args, {
    input: lines.map((l) => `${l}\n`).join(''),
    encoding: 'utf8',
  });
  return out.split('\n').slice(0, -1);
}
