// phonectl: one command per protocol concern, each in tools/phonectl/<command>.ts exporting
// `run(args): Promise<number>` and `help` (tools/format/help.ts). A bad input exits non-zero with a
// one-line reason on stderr; `--help` on any command or subcommand prints its help and exits 0.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type CommandHelp, helpFor, renderHelp, wantsHelp } from './format/help.js';

const COMMANDS = join(dirname(fileURLToPath(import.meta.url)), 'phonectl');

/** Thrown by a command for bad input: printed as one line, exit status 2. */
export class UsageError extends Error {}

function commands(): string[] {
  return readdirSync(COMMANDS)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

interface Command {
  run(args: string[]): Promise<number>;
  help: CommandHelp;
}

async function load(command: string): Promise<Command> {
  return (await import(pathToFileURL(join(COMMANDS, `${command}.ts`)).href)) as Command;
}

async function overview(): Promise<string> {
  const subcommands = await Promise.all(commands().map(async (c) => (await load(c)).help));
  return renderHelp({ name: '', summary: "the field engineer's command line for the phone's protocols", usage: '<command> ...', subcommands });
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (!command) {
    process.stdout.write(`usage: phonectl <command> ...\ncommands: ${commands().join(', ')}\n`);
    return 2;
  }
  if (command === '--help' || command === '-h') {
    process.stdout.write(await overview());
    return 0;
  }
  const file = join(COMMANDS, `${command}.ts`);
  if (!/^[a-z-]+$/.test(command) || !existsSync(file)) {
    process.stderr.write(`phonectl: unknown command "${command}" (commands: ${commands().join(', ')})\n`);
    return 2;
  }
  const module = await load(command);
  if (wantsHelp(args)) {
    process.stdout.write(renderHelp(helpFor(module.help, args)));
    return 0;
  }
  try {
    return await module.run(args);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`phonectl ${command}: ${message.split('\n')[0]}\n`);
    return e instanceof UsageError ? 2 : 1;
  }
}
