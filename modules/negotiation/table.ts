// A phone's priority table and its text form. The text form lists capabilities in rank order,
// key agreements, then ";", then SRTP suites: "PSK,PKE,DH;AES_CM_128_HMAC_SHA1_80,AES_CM_128_HMAC_SHA1_32".
// A name prefixed with "!" is known to the phone but disabled: it keeps its rank, and is never chosen.
import {
  isKeyAgreement,
  isSrtpSuiteName,
  type KeyAgreement,
  type PriorityTable,
  type RankedEntry,
  type SrtpSuiteName,
} from './capabilities.js';

export class TableSyntaxError extends Error {
  override name = 'TableSyntaxError';
}

/** RFC 4568 §6.2.1 spells the F8 suite without "AES_"; both spellings name the same suite. */
const SUITE_ALIASES: Readonly<Record<string, SrtpSuiteName>> = { F8_128_HMAC_SHA1_80: 'AES_F8_128_HMAC_SHA1_80' };

function parseList<Name extends string>(text: string, what: string, accept: (name: string) => Name | undefined): RankedEntry<Name>[] {
  const items = text.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  const seen = new Set<string>();
  return items.map((item, rank) => {
    const enabled = !item.startsWith('!');
    const raw = enabled ? item : item.slice(1).trim();
    const name = accept(raw);
    if (name === undefined) throw new TableSyntaxError(`unknown ${what} "${raw}"`);
    if (seen.has(name)) throw new TableSyntaxError(`${what} "${name}" is listed twice`);
    seen.add(name);
    return { name, rank, enabled };
  });
}

/** Parses "KA,KA,...;SUITE,SUITE,..." (ranks from positions, 0 = favourite). */
export function parseTable(text: string): PriorityTable {
  const parts = text.split(';');
  if (parts.length !== 2) throw new TableSyntaxError('a table is "key agreements;suites", separated by one ";"');
  const keyAgreements = parseList<KeyAgreement>(parts[0], 'key agreement', (n) => (isKeyAgreement(n) ? n : undefined));
  const suites = parseList<SrtpSuiteName>(parts[1], 'SRTP suite', (n) => (isSrtpSuiteName(n) ? n : SUITE_ALIASES[n]));
  return validateTable({ keyAgreements, suites });
}

export function formatTable(table: PriorityTable): string {
  const list = (entries: readonly RankedEntry<string>[]) =>
    [...entries].sort((a, b) => a.rank - b.rank).map((e) => (e.enabled ? e.name : `!${e.name}`)).join(',');
  return `${list(table.keyAgreements)};${list(table.suites)}`;
}

/**
 * Checks that ranks are whole numbers from 0 and names unique: what a table read from flash or
 * from a peer must satisfy before it is used.
 */
export function validateTable(table: PriorityTable): PriorityTable {
  for (const [what, entries, valid] of [
    ['key agreement', table.keyAgreements, isKeyAgreement],
    ['SRTP suite', table.suites, isSrtpSuiteName],
  ] as const) {
    const names = new Set<string>();
    for (const e of entries) {
      if (!valid(e.name)) throw new TableSyntaxError(`unknown ${what} "${e.name}"`);
      if (names.has(e.name)) throw new TableSyntaxError(`${what} "${e.name}" is listed twice`);
      if (!Number.isInteger(e.rank) || e.rank < 0 || e.rank > 255) throw new TableSyntaxError(`rank of ${e.name} must be 0..255`);
      names.add(e.name);
    }
  }
  return table;
}

/** The enabled entries, favourite first. */
export function enabledInRankOrder<Name extends string>(entries: readonly RankedEntry<Name>[]): RankedEntry<Name>[] {
  return entries.filter((e) => e.enabled).sort((a, b) => a.rank - b.rank);
}
