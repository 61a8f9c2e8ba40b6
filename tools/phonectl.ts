// phonectl: one command per protocol concern, each in tools/phonectl/<command>.ts exporting
// `run(args): Promise<number>`. A bad input exits non-zero with a one-line reason on stderr.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const COMMANDS = join(dirname(fileURLToPath(import.meta.url)), 'phonectl');

/** Thrown by a command for bad input: printed as one line, exit status 2. */
export class UsageError extends Error {}

function commands(): string[] {
  return readdirSync(COMMANDS)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (!command || command === '--help' || command === '-h') {
    process.stdout.write(`usage: phonectl <command> ...\ncommands: ${commands().join(', ')}\n`);
    return command ? 0 : 2;
  }
  const file = join(COMMANDS, `${command}.ts`);
  if (!/^[a-z-]+$/.test(command) || !existsSync(file)) {
    process.stderr.write(`phonectl: unknown command "${command}" (commands: ${commands().join(', ')})\n`);
    return 2;
  }
  const module = (await import(pathToFileURL(file).href)) as { run(args: string[]): Promise<number> };
  try {
    return await module.run(args);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`phonectl ${command}: ${message.split('\n')[0]}\n`);
    return e instanceof UsageError ? 2 : 1;
  }
}
