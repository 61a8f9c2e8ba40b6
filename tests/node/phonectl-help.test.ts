// `phonectl --help` through the real command: every command and subcommand answers --help with exit 0
// and a one-line description of each command and option; the options the help lists are exactly those
// the parser accepts (checked by feeding each back); the table syntax's worked example is run and gives
// the paper's choice; an unknown option is named, with exit 2.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { phonectl } from '../support/phonectl.js';

const TOOLS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'tools', 'phonectl');
const COMMANDS = readdirSync(TOOLS).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort();

/** The "  name  description" rows of a help section ("commands:" or "options:"). */
function section(text: string, title: string): [string, string][] {
  const start = text.split('\n').indexOf(title);
  if (start < 0) return [];
  const rows: [string, string][] = [];
  for (const line of text.split('\n').slice(start + 1)) {
    const m = /^ {2}(\S+(?: [A-Z][A-Z-]*)?) {2,}(\S.*)$/.exec(line);
    if (!m) break;
    rows.push([m[1], m[2]]);
  }
  return rows;
}

function help(words: string[]): string {
  const r = phonectl([...words, '--help']);
  expect({ words, status: r.status, stderr: r.stderr.trim() }).toEqual({ words, status: 0, stderr: '' });
  expect(r.stdout.split('\n')[0]).toMatch(new RegExp(`^phonectl${words.map((w) => ` ${w}`).join('')}: \\S`));
  return r.stdout;
}

describe('phonectl --help', () => {
  it('lists every command with a one-line description', () => {
    const listed = section(help([]), 'commands:');
    expect(listed.map(([name]) => name)).toEqual(COMMANDS);
    for (const [, description] of listed) expect(description.length).toBeGreaterThan(20);
  });

  it('answers --help on every command and subcommand, describing each option, and accepts exactly those options', () => {
    const paths: string[][] = [];
    for (const command of COMMANDS) {
      const text = help([command]);
      const subs = section(text, 'commands:');
      if (subs.length === 0) paths.push([command]);
      for (const [sub, description] of subs) {
        expect(description.length).toBeGreaterThan(20);
        paths.push([command, sub]);
      }
    }
    expect(paths).toEqual(expect.arrayContaining([['negotiate'], ['srtp', 'protect'], ['srtp', 'unprotect'], ['mikey', 'offer'], ['mikey', 'decode'], ['mikey', 'encode']]));
    for (const words of paths) {
      const text = help(words);
      const options = section(text, 'options:');
      for (const [, description] of options) expect(description.length).toBeGreaterThan(8);
      const flags = options.map(([flag]) => flag.split(' ')[0]).filter((f) => f !== '--help');
      // An unknown option is refused naming itself and the options the parser accepts: the same list.
      const r = phonectl([...words, '--no-such-option', 'x']);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      const accepted = /\(options: ([^)]*)\)$/.exec(r.stderr.trim())?.[1].split(', ') ?? [];
      expect({ words, accepted }).toEqual({ words, accepted: flags });
      expect(r.stderr.trim()).toMatch(new RegExp(`^phonectl ${words[0]}: unknown option --no-such-option `));
    }
  });

  it('shows the table syntax with a worked example that gives the paper\'s choice when run', () => {
    const text = help(['negotiate']);
    for (const name of ['PSK', 'PKE', 'DH', 'DHHMAC', 'RSA-R', 'AES_CM_128_HMAC_SHA1_80', 'AEAD_AES_256_GCM']) expect(text).toContain(name);
    const local = /--local "([^"]+)"/.exec(text)?.[1];
    const remote = /--remote "([^"]+)"/.exec(text)?.[1];
    expect([local, remote]).toEqual(['PSK,PKE,DH;AES_CM_128_HMAC_SHA1_80,AES_CM_128_HMAC_SHA1_32', 'PKE,DH,PSK;AES_CM_128_HMAC_SHA1_32,AES_F8_128_HMAC_SHA1_80']);
    expect(text).toContain('PKE with AES_CM_128_HMAC_SHA1_32');
    const r = phonectl(['negotiate', '--local', local!, '--remote', remote!]);
    expect(JSON.parse(r.stdout)).toMatchObject({ keyAgreement: 'PKE', suite: 'AES_CM_128_HMAC_SHA1_32' });
  });

  it('names the offending option in one line, exit 2', () => {
    const r = phonectl(['negotiate', '--locale', 'PSK;AES_CM_128_HMAC_SHA1_80', '--remote', 'PSK;AES_CM_128_HMAC_SHA1_80']);
    expect(r).toEqual({ status: 2, stdout: '', stderr: 'phonectl negotiate: unknown option --locale (options: --local, --remote, --policy, --role, --seed)\n' });
  });

  it('keeps a bare `phonectl` a usage error (exit 2)', () => {
    const r = phonectl([]);
    expect(r.status).toBe(2);
    expect(r.stdout).toMatch(/^usage: phonectl <command>/);
  });
});
