// `phonectl version`: the firmware version and the XS engine the desktop host runs it on.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { xsnapWorkerPath } from '../../sim/xsnap-worker.js';
import { type CommandHelp, parseOptions } from '../format/help.js';

export const help: CommandHelp = {
  name: 'version',
  summary: 'the firmware version and the XS engine of the desktop host (one JSON line)',
  usage: 'version',
};

export async function run(args: string[]): Promise<number> {
  parseOptions(help, args, {});
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  const engine = execFileSync(xsnapWorkerPath(), ['-v'], { encoding: 'utf8' }).trim();
  process.stdout.write(`${JSON.stringify({ firmware: pkg.version, desktopEngine: engine })}\n`);
  return 0;
}
