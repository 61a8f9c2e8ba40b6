// `--help` text and option parsing shared by the phonectl commands. Each command describes itself
// once (CommandHelp); the same description prints its help and names the options an unknown one is
// checked against, so the help and the parser cannot drift apart.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../phonectl.js';

export interface OptionHelp {
  /** As typed, with its value: "--suite NAME". */
  readonly flag: string;
  readonly description: string;
}

export interface CommandHelp {
  /** The words after `phonectl`: "srtp protect". */
  readonly name: string;
  /** One line: what the command does. */
  readonly summary: string;
  /** The synopsis after `phonectl`. */
  readonly usage: string;
  readonly options?: readonly OptionHelp[];
  readonly subcommands?: readonly CommandHelp[];
  /** Further lines (syntax, worked example), printed as they are. */
  readonly notes?: readonly string[];
}

/** True when the user asked for help: `--help` or `-h` anywhere among the arguments. */
export function wantsHelp(args: readonly string[]): boolean {
  return args.includes('--help') || args.includes('-h');
}

/** The help of `command`, or of its subcommand named by the first argument when there is one. */
export function helpFor(command: CommandHelp, args: readonly string[]): CommandHelp {
  return command.subcommands?.find((s) => s.name.split(' ').pop() === args[0]) ?? command;
}

function columns(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
}

export function renderHelp(command: CommandHelp): string {
  const prefix = command.name ? `phonectl ${command.name}` : 'phonectl';
  const lines = [`${prefix}: ${command.summary}`, '', `usage: phonectl ${command.usage}`];
  if (command.subcommands?.length) {
    lines.push('', 'commands:', ...columns(command.subcommands.map((s) => [s.name.split(' ').pop()!, s.summary])));
    lines.push('', `"${prefix} <command> --help" describes one.`);
  }
  if (command.options?.length) {
    lines.push('', 'options:', ...columns([...command.options, { flag: '--help', description: 'this help' }].map((o) => [o.flag, o.description])));
  }
  if (command.notes?.length) lines.push('', ...command.notes);
  return `${lines.join('\n')}\n`;
}

/** The long flags `command` accepts, for the "unknown option" line. */
function flagNames(command: CommandHelp): string {
  return (command.options ?? []).map((o) => o.flag.split(' ')[0]).join(', ');
}

/**
 * node:util parseArgs with its errors turned into one line that names the offending argument and,
 * for an unknown option, the options `command` accepts.
 */
export function parseOptions<T extends NonNullable<ParseArgsConfig['options']>>(
  command: CommandHelp,
  args: string[],
  options: T,
  allowPositionals = false,
): ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: boolean; strict: true }>> {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (e) {
    const error = e as Error & { code?: string };
    const quoted = /'([^']*)'/.exec(error.message)?.[1] ?? '';
    if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const accepted = flagNames(command);
      throw new UsageError(`unknown option ${quoted} (${accepted ? `options: ${accepted}` : 'it takes no options'})`);
    }
    if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && error.message.includes('argument missing')) {
      throw new UsageError(`${quoted.split(' ')[0]} needs a value (usage: phonectl ${command.usage})`);
    }
    if (error.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      throw new UsageError(`unexpected argument "${quoted}" (usage: phonectl ${command.usage})`);
    }
    throw new UsageError(error.message);
  }
}
