// SDES keying for calls with phones that do not speak MIKEY (RFC 4568): each side sends its own
// master key and salt in an a=crypto line; the answerer takes one offered line (same tag and suite)
// and answers it with a key of its own (§5.1.2, §7.1.3).
import type { Random } from '../../hal/contracts.js';
import { isSrtpSuiteName, SRTP_SUITES, type PriorityTable, type SrtpSuiteName } from '../negotiation/capabilities.js';
import { sdesSuiteName } from '../negotiation/ladder.js';
import { enabledInRankOrder } from '../negotiation/table.js';
import type { CryptoAttribute } from '../sdp/crypto-attr.js';
import { protectionProfile } from '../srtp/protection-profile.js';

export class SdesError extends Error {
  override name = 'SdesError';
}

/** The suite an SDES name stands for (RFC 4568 spells F8 without "AES_"). */
export function suiteFromSdes(name: string): SrtpSuiteName | undefined {
  if (isSrtpSuiteName(name)) return name;
  return SRTP_SUITES.find((s) => sdesSuiteName(s) === name);
}

function freshLine(tag: number, suite: SrtpSuiteName, random: Random): CryptoAttribute {
  const p = protectionProfile(suite);
  return { tag, suite: sdesSuiteName(suite), keys: [{ keySalt: random.bytes(p.masterKeyLength + p.masterSaltLength) }], sessionParams: [] };
}

/** One a=crypto line per enabled suite, favourite first, each with its own fresh key. */
export function sdesOffer(table: PriorityTable, random: Random): CryptoAttribute[] {
  return enabledInRankOrder(table.suites).map((e, i) => freshLine(i + 1, e.name, random));
}

/** The answer to the offered line the answerer chose: same tag and suite, this phone's key. */
export function sdesAnswer(offered: CryptoAttribute, random: Random): CryptoAttribute {
  const suite = suiteFromSdes(offered.suite);
  if (!suite) throw new SdesError(`unknown SDES suite ${offered.suite}`);
  return freshLine(offered.tag, suite, random);
}

/** The suite, master key and salt of a line, checked against the suite's lengths. */
export function sdesKey(line: CryptoAttribute): { suite: SrtpSuiteName; masterKey: Uint8Array; masterSalt: Uint8Array } {
  const suite = suiteFromSdes(line.suite);
  if (!suite) throw new SdesError(`unknown SDES suite ${line.suite}`);
  const p = protectionProfile(suite);
  const keySalt = line.keys[0].keySalt;
  if (line.keys.length !== 1 || keySalt.length !== p.masterKeyLength + p.masterSaltLength) {
    throw new SdesError(`${line.suite} needs one inline key of ${p.masterKeyLength + p.masterSaltLength} bytes`);
  }
  return { suite, masterKey: keySalt.slice(0, p.masterKeyLength), masterSalt: keySalt.slice(p.masterKeyLength) };
}
