// `phonectl negotiate --local TABLE --remote TABLE [--policy priority|static|automatic]
//                     [--role offerer|answerer] [--seed N]`
// Prints the key agreement and SRTP suite two phones settle on. A table is "KA,...;SUITE,..." in rank
// order (see modules/negotiation/table.ts). Exit status 1 when no secure choice exists.
import { KEY_AGREEMENTS, SRTP_SUITES } from '../../modules/negotiation/capabilities.js';
import { isSecure, POLICIES, select, type Policy } from '../../modules/negotiation/select.js';
import { parseTable } from '../../modules/negotiation/table.js';
import { type CommandHelp, parseOptions } from '../format/help.js';
import { jsonLine } from '../format/json-line.js';
import { UsageError } from '../phonectl.js';

export const help: CommandHelp = {
  name: 'negotiate',
  summary: 'the key agreement and SRTP suite two phones settle on, from their priority tables (one JSON line)',
  usage: 'negotiate --local TABLE --remote TABLE [--policy priority|static|automatic] [--role offerer|answerer] [--seed N]',
  options: [
    { flag: '--local TABLE', description: "this phone's priority table (required)" },
    { flag: '--remote TABLE', description: "the peer's priority table (required)" },
    { flag: '--policy NAME', description: `selection rule: ${POLICIES.join(', ')} (default priority)` },
    { flag: '--role ROLE', description: 'offerer (this phone calls, the default) or answerer (it is called)' },
    { flag: '--seed N', description: "32-bit seed shared by both sides, used by the 'automatic' policy (default 0)" },
  ],
  notes: [
    'A TABLE lists key agreements, then ";", then SRTP suites, each in rank order (favourite first),',
    'separated by ","; a name prefixed with "!" keeps its rank but is disabled (quote the table in a shell).',
    `  key agreements: ${KEY_AGREEMENTS.join(', ')}`,
    `  SRTP suites:    ${SRTP_SUITES.join(', ')}`,
    '',
    'Example (the caller offers PSK,PKE,DH; the callee prefers PKE,DH,PSK):',
    '  phonectl negotiate --local "PSK,PKE,DH;AES_CM_128_HMAC_SHA1_80,AES_CM_128_HMAC_SHA1_32" \\',
    '                     --remote "PKE,DH,PSK;AES_CM_128_HMAC_SHA1_32,AES_F8_128_HMAC_SHA1_80"',
    '  settles on PKE with AES_CM_128_HMAC_SHA1_32 (smallest sum of both ranks, see docs/negotiation.md).',
    '',
    'Exit status: 0 a secure choice, 1 none exists, 2 bad input.',
  ],
};

export async function run(args: string[]): Promise<number> {
  const { values } = parseOptions(help, args, {
    local: { type: 'string' },
    remote: { type: 'string' },
    policy: { type: 'string', default: 'priority' },
    role: { type: 'string', default: 'offerer' },
    seed: { type: 'string', default: '0' },
  });
  if (!values.local || !values.remote) throw new UsageError('--local and --remote tables are required, e.g. --local "PSK,PKE;AES_CM_128_HMAC_SHA1_80"');
  const policy = values.policy as Policy;
  if (!POLICIES.includes(policy)) throw new UsageError(`--policy must be one of ${POLICIES.join(', ')}`);
  if (values.role !== 'offerer' && values.role !== 'answerer') throw new UsageError('--role must be offerer or answerer');
  const seed = Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new UsageError('--seed must be a 32-bit unsigned integer');
  let local, remote;
  try {
    local = parseTable(values.local);
    remote = parseTable(values.remote);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const localOffers = values.role === 'offerer';
  const selection = localOffers ? select(local, remote, policy, seed) : select(remote, local, policy, seed);
  const ranks = (r: readonly [number, number] | undefined) =>
    r && { local: localOffers ? r[0] : r[1], remote: localOffers ? r[1] : r[0] };
  process.stdout.write(
    `${jsonLine({
      keyAgreement: selection.keyAgreement?.name ?? null,
      suite: selection.suite?.name ?? null,
      secure: isSecure(selection),
      policy,
      role: values.role,
      keyAgreementRanks: ranks(selection.keyAgreement?.ranks) ?? null,
      suiteRanks: ranks(selection.suite?.ranks) ?? null,
    })}\n`,
  );
  return isSecure(selection) ? 0 : 1;
}
