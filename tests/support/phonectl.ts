// Runs `phonectl` as a field engineer would: a child process, arguments and stdin in, output out.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseRtp } from '../../audio/rtp.js';
import { fromHex } from '../../modules/util/bytes.js';

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

/** `phonectl srtp unprotect` over hex packets (one per line), starting at rollover counter `roc`. */
export function srtpUnprotect(suite: string, key: string, packets: readonly string[], roc = 0): string[] {
  const r = phonectl(['srtp', 'unprotect', '--suite', suite, '--key', key, '--roc', String(roc)], packets.join('\n') + '\n');
  if (r.status !== 0) throw new Error(`phonectl srtp unprotect exited ${r.status}: ${r.stderr}`);
  return r.stdout.trim().split('\n');
}

/** How often the RTP sequence number wraps in these hex packets, in order: the ROC after them (RFC 3711 §3.3.1). */
export function rolloversIn(packets: readonly string[]): number {
  let roc = 0;
  for (let i = 1; i < packets.length; i++) {
    if (parseRtp(fromHex(packets[i - 1])).sequenceNumber - parseRtp(fromHex(packets[i])).sequenceNumber > 32768) roc++;
  }
  return roc;
}
