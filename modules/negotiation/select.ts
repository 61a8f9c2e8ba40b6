// The selection rule: given the offerer's and the answerer's priority tables, both phones compute
// the same key agreement and the same SRTP suite. Key agreement and suite are chosen independently
// (the paper, §4 Table 4): each is the common enabled entry with the smallest sum of both ranks.
//
// Ties are broken, in order, by (1) stronger security first (the order in STRENGTH below),
// (2) the offerer's rank, lower first. Step 1 is already a total order, so step 2 never decides
// between two different names; it is stated so the rule reads the same in every implementation.
//
// Two older policies are kept for comparison (the paper's Table 3): 'static' uses only the entry
// each side ranks first and fails unless they are equal; 'automatic' picks any common entry at
// random, from a seed both sides know (e.g. the MIKEY CSB ID), so that they still agree.
import { type KeyAgreement, type PriorityTable, type RankedEntry, type SrtpSuiteName } from './capabilities.js';
import { enabledInRankOrder } from './table.js';

export const POLICIES = ['priority', 'static', 'automatic'] as const;
export type Policy = (typeof POLICIES)[number];

/**
 * Security strength, strongest first. Key agreements: signed DH gives perfect forward secrecy with
 * certificates; DHHMAC gives it with a pre-shared key; PKE and RSA-R rest on a certificate without
 * PFS; PSK on a shared secret alone. Suites: 256-bit keys before 128-bit, AEAD before AES-CM with
 * the same key length, longer tags before shorter, counter mode before F8 (RFC 3711 §4.1.2 makes F8
 * optional; fewer peers implement it).
 */
export const KEY_AGREEMENT_STRENGTH: readonly KeyAgreement[] = ['DH', 'DHHMAC', 'PKE', 'RSA-R', 'PSK'];
export const SUITE_STRENGTH: readonly SrtpSuiteName[] = [
  'AEAD_AES_256_GCM',
  'AES_256_CM_HMAC_SHA1_80',
  'AES_256_CM_HMAC_SHA1_32',
  'AEAD_AES_128_GCM',
  'AES_CM_128_HMAC_SHA1_80',
  'AES_F8_128_HMAC_SHA1_80',
  'AES_CM_128_HMAC_SHA1_32',
];

export interface Choice<Name extends string> {
  readonly name: Name;
  /** The rank each side gave it: [offerer, answerer]. */
  readonly ranks: readonly [number, number];
}

export interface Selection {
  readonly policy: Policy;
  readonly keyAgreement: Choice<KeyAgreement> | undefined;
  readonly suite: Choice<SrtpSuiteName> | undefined;
}

/** A deterministic 32-bit generator (mulberry32) for the 'automatic' policy's shared seed. */
function seededIndex(seed: number, salt: number, count: number): number {
  let t = (seed + Math.imul(salt, 0x9e3779b9) + 0x6d2b79f5) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) % count;
}

function common<Name extends string>(offer: readonly RankedEntry<Name>[], answer: readonly RankedEntry<Name>[]): Choice<Name>[] {
  const answerRank = new Map(enabledInRankOrder(answer).map((e) => [e.name, e.rank] as const));
  return enabledInRankOrder(offer)
    .filter((e) => answerRank.has(e.name))
    .map((e) => ({ name: e.name, ranks: [e.rank, answerRank.get(e.name)!] as const }));
}

function choose<Name extends string>(
  policy: Policy,
  offer: readonly RankedEntry<Name>[],
  answer: readonly RankedEntry<Name>[],
  strength: readonly Name[],
  seed: number,
  salt: number,
): Choice<Name> | undefined {
  const candidates = common(offer, answer);
  if (candidates.length === 0) return undefined;
  switch (policy) {
    case 'priority': {
      const key = (c: Choice<Name>) => [c.ranks[0] + c.ranks[1], strength.indexOf(c.name), c.ranks[0]];
      return candidates.reduce((best, c) => {
        const a = key(c);
        const b = key(best);
        for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? c : best;
        return best;
      });
    }
    case 'static': {
      const first = enabledInRankOrder(offer)[0];
      const theirs = enabledInRankOrder(answer)[0];
      return first && theirs && first.name === theirs.name ? { name: first.name, ranks: [first.rank, theirs.rank] } : undefined;
    }
    case 'automatic': {
      // Sort by a fixed canonical order first, so both sides index the same list.
      const canonical = [...candidates].sort((a, b) => strength.indexOf(a.name) - strength.indexOf(b.name));
      return canonical[seededIndex(seed, salt, canonical.length)];
    }
  }
}

/**
 * Computes the negotiated key agreement and suite. `offerer` is the caller's table (the one in the
 * I_MESSAGE), `answerer` the callee's. `seed` feeds only the 'automatic' policy.
 */
export function select(offerer: PriorityTable, answerer: PriorityTable, policy: Policy = 'priority', seed = 0): Selection {
  return {
    policy,
    keyAgreement: choose(policy, offerer.keyAgreements, answerer.keyAgreements, KEY_AGREEMENT_STRENGTH, seed, 1),
    suite: choose(policy, offerer.suites, answerer.suites, SUITE_STRENGTH, seed, 2),
  };
}

/** True when both a key agreement and a suite were found: the call can be keyed with MIKEY. */
export function isSecure(selection: Selection): boolean {
  return selection.keyAgreement !== undefined && selection.suite !== undefined;
}

