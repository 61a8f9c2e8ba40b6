// `phonectl srtp protect|unprotect --suite NAME --key HEX [--rtcp] [--roc N]`: SRTP/SRTCP for
// debugging captures. Reads one packet per line in hex on stdin, writes one per line; HEX is the
// master key followed by the master salt. A refused packet prints `error: <reason>` and the tool
// goes on; all lines share one context, so ROC tracking and replay checks span the input.
import { createInterface } from 'node:readline';
import { nobleCrypto } from '../../hal/noble-crypto.js';
import { SrtpContext } from '../../modules/srtp/context.js';
import { SrtpError } from '../../modules/srtp/errors.js';
import { isProtectionProfileName, protectionProfile, TEST_ONLY_PROFILES } from '../../modules/srtp/protection-profile.js';
import { protectRtcp, unprotectRtcp } from '../../modules/srtp/srtcp.js';
import { protectRtp, unprotectRtp } from '../../modules/srtp/srtp.js';
import { SRTP_SUITES } from '../../modules/negotiation/capabilities.js';
import { fromHex, toHex } from '../../modules/util/bytes.js';
import { type CommandHelp, helpFor, parseOptions } from '../format/help.js';
import { UsageError } from '../phonectl.js';

const USAGE = 'usage: phonectl srtp protect|unprotect --suite NAME --key HEX [--rtcp] [--roc N]';

const OPTIONS = [
  { flag: '--suite NAME', description: `SRTP protection profile: ${[...SRTP_SUITES, ...TEST_ONLY_PROFILES].join(', ')}` },
  { flag: '--key HEX', description: 'the master key followed by the master salt, in hex (e.g. 60 digits for AES_CM_128_*)' },
  { flag: '--rtcp', description: 'the packets are RTCP (SRTCP, RFC 3711 §3.4) instead of RTP' },
  { flag: '--roc N', description: 'the rollover counter to start from (RFC 3711 §3.3.1, default 0)' },
];
const NOTES = [
  'Reads one packet per line in hex on stdin and writes one line per packet on stdout; a refused packet',
  'prints "error: <reason>" and the tool goes on. All lines share one context, so ROC tracking and',
  'replay checks span the input.',
];

export const help: CommandHelp = {
  name: 'srtp',
  summary: 'protect or unprotect RTP/RTCP packets with an SRTP master key, one hex packet per line',
  usage: 'srtp protect|unprotect --suite NAME --key HEX [--rtcp] [--roc N]',
  subcommands: [
    { name: 'srtp protect', summary: 'plain RTP (or RTCP) packets in, SRTP (SRTCP) packets out', usage: 'srtp protect --suite NAME --key HEX [--rtcp] [--roc N]', options: OPTIONS, notes: NOTES },
    { name: 'srtp unprotect', summary: 'SRTP (SRTCP) packets in, authenticated and decrypted packets out', usage: 'srtp unprotect --suite NAME --key HEX [--rtcp] [--roc N]', options: OPTIONS, notes: NOTES },
  ],
};

interface Options {
  protect: boolean;
  context: SrtpContext;
  rtcp: boolean;
}

function parse(args: string[]): Options {
  const [action, ...rest] = args;
  if (action !== 'protect' && action !== 'unprotect') throw new UsageError(USAGE);
  const { values } = parseOptions(helpFor(help, args), rest, {
    suite: { type: 'string' },
    key: { type: 'string' },
    rtcp: { type: 'boolean', default: false },
    roc: { type: 'string', default: '0' },
  });
  const { suite, key, rtcp } = values;
  if (!/^\d+$/.test(values.roc) || Number(values.roc) > 0xffffffff) throw new UsageError(`--roc must be 0..4294967295, got ${values.roc}`);
  const roc = Number(values.roc);
  if (!suite || !isProtectionProfileName(suite)) {
    throw new UsageError(`--suite must be one of ${[...SRTP_SUITES, ...TEST_ONLY_PROFILES].join(', ')}`);
  }
  if (!key) throw new UsageError(`--key is required (${USAGE})`);
  const profile = protectionProfile(suite);
  let material: Uint8Array;
  try {
    material = fromHex(key);
  } catch {
    throw new UsageError('--key must be hex');
  }
  const keyLength = profile.masterKeyLength;
  const saltLength = profile.masterSaltLength;
  if (material.length !== keyLength + saltLength) {
    throw new UsageError(`--key for ${suite} is a ${keyLength}-byte master key then a ${saltLength}-byte salt (${2 * (keyLength + saltLength)} hex digits)`);
  }
  const context = new SrtpContext({
    profile: suite,
    masterKey: material.subarray(0, keyLength),
    masterSalt: material.subarray(keyLength),
    crypto: nobleCrypto,
    roc,
  });
  return { protect: action === 'protect', context, rtcp };
}

function processLine(options: Options, line: string): string {
  let packet: Uint8Array;
  try {
    packet = fromHex(line.trim());
  } catch {
    return 'error: malformed: not hex';
  }
  const { context, rtcp } = options;
  try {
    const out = options.protect
      ? rtcp ? protectRtcp(context, packet) : protectRtp(context, packet)
      : rtcp ? unprotectRtcp(context, packet) : unprotectRtp(context, packet);
    return toHex(out);
  } catch (e) {
    if (e instanceof SrtpError) return `error: ${e.message}`;
    throw e;
  }
}

export async function run(args: string[]): Promise<number> {
  const options = parse(args);
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) process.stdout.write(`${processLine(options, line)}\n`);
  return 0;
}
