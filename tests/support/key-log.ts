// The SRTP keys a phone logged (its `keylog SRTP_MASTER ...` lines, modules/phone/key-log.ts), or the
// lines of a key log file, read back with the format's parser.
import { KEY_LOG_PREFIX, parseKeyLogLine, type KeyLogEntry } from '../../modules/phone/key-log.js';
import { toHex } from '../../modules/util/bytes.js';

export interface LoggedKey {
  readonly direction: 'send' | 'receive';
  readonly suite: string;
  /** Master key ‖ master salt in hex, as `phonectl srtp --key` takes it. */
  readonly key: string;
  readonly entry: KeyLogEntry;
}

function logged(entry: KeyLogEntry): LoggedKey {
  return { direction: entry.direction === 'tx' ? 'send' : 'receive', suite: entry.profile, key: toHex(entry.masterKey) + toHex(entry.masterSalt), entry };
}

/** The keys in a phone's log lines, in the order logged. */
export function loggedKeys(log: readonly string[]): LoggedKey[] {
  return log.filter((l) => l.startsWith(KEY_LOG_PREFIX)).map((l) => logged(parseKeyLogLine(l.slice(KEY_LOG_PREFIX.length))!));
}

/** The keys in a key log file's text, in file order. */
export function keyLogFileKeys(text: string): LoggedKey[] {
  return text.split('\n').map(parseKeyLogLine).filter((e): e is KeyLogEntry => e !== undefined).map(logged);
}

/** The last key a phone logged for one direction. */
export function lastLoggedKey(log: readonly string[], direction: 'send' | 'receive'): LoggedKey {
  const found = loggedKeys(log).filter((k) => k.direction === direction).pop();
  if (!found) throw new Error(`no ${direction} key logged`);
  return found;
}
