// `npm start -- --key-log FILE`: the phone's key log lines (`keylog SRTP_MASTER ...`, modules/phone/
// key-log.ts) appended to FILE as the phone logs them, without the `keylog ` prefix, so a re-key adds
// lines to what earlier calls left. Format: docs/key-log.md.
import { appendFileSync } from 'node:fs';
import { KEY_LOG_PREFIX } from '../modules/phone/key-log.js';

/** A log listener that appends each key log line to `path` (created when missing). */
export function keyLogFile(path: string): (message: string) => void {
  return (message) => {
    if (message.startsWith(KEY_LOG_PREFIX)) appendFileSync(path, `${message.slice(KEY_LOG_PREFIX.length)}\n`);
  };
}
