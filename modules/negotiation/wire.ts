// How a priority table travels: as the data of a MIKEY General Extension payload (RFC 3830
// §6.15) inside the I_MESSAGE, the R_MESSAGE, or the Error message of a 488, so that the
// message's MAC or signature covers it. A plain RFC 3830 phone skips a General Extension type it
// does not know, so the same offer still keys a call with it.
//
// General Extension data (all integers unsigned, big-endian):
//
//   0  version                        1
//   1  role                           0 = the offerer's table, 1 = the answerer's table
//   2  policy                         0 priority, 1 static, 2 automatic
//   3  key agreement count  n
//   4  n × (id, rank|flags)           id = the MIKEY data type of its I_MESSAGE: PSK 0, PKE 2,
//                                     DH 4, DHHMAC 7, RSA-R 9; flags: bit 7 set = disabled
//   .  suite count  m
//   .  m × (id, rank|flags)           id = position in SRTP_SUITES (capabilities.ts)
//   .  [answerer only] chosen key agreement id, chosen suite id (0xFF = none)
//
// The answerer states its choice so that the offerer, computing the same rule from the same two
// authenticated tables, can check that both ended up in the same place.
import { KEY_AGREEMENTS, SRTP_SUITES, type KeyAgreement, type PriorityTable, type RankedEntry, type SrtpSuiteName } from './capabilities.js';
import { POLICIES, type Policy } from './select.js';
import { validateTable } from './table.js';

/** The General Extension type carrying a table: from the range RFC 3830 leaves unassigned. */
export const PRIORITY_TABLE_EXTENSION = 0xf0;
export const TABLE_WIRE_VERSION = 1;

export class TableWireError extends Error {
  override name = 'TableWireError';
}

export const KEY_AGREEMENT_WIRE_ID: Readonly<Record<KeyAgreement, number>> = { PSK: 0, PKE: 2, DH: 4, DHHMAC: 7, 'RSA-R': 9 };
const NONE = 0xff;
const DISABLED = 0x80;

export interface WireTable {
  readonly role: 'offerer' | 'answerer';
  readonly policy: Policy;
  readonly table: PriorityTable;
  /** The answerer's choice (answerer tables only). */
  readonly chosen?: { readonly keyAgreement: KeyAgreement | undefined; readonly suite: SrtpSuiteName | undefined };
}

function kaFromId(id: number): KeyAgreement | undefined {
  return KEY_AGREEMENTS.find((k) => KEY_AGREEMENT_WIRE_ID[k] === id);
}

export function encodeWireTable(w: WireTable): Uint8Array {
  const out: number[] = [TABLE_WIRE_VERSION, w.role === 'offerer' ? 0 : 1, POLICIES.indexOf(w.policy)];
  const entries = <N extends string>(list: readonly RankedEntry<N>[], id: (n: N) => number) => {
    if (list.length > 0x7f) throw new TableWireError('too many entries');
    out.push(list.length);
    for (const e of list) {
      if (e.rank > 0x7f) throw new TableWireError('rank above 127');
      out.push(id(e.name), e.rank | (e.enabled ? 0 : DISABLED));
    }
  };
  entries(w.table.keyAgreements, (n) => KEY_AGREEMENT_WIRE_ID[n]);
  entries(w.table.suites, (n) => SRTP_SUITES.indexOf(n));
  if (w.role === 'answerer') {
    const c = w.chosen;
    out.push(c?.keyAgreement ? KEY_AGREEMENT_WIRE_ID[c.keyAgreement] : NONE, c?.suite ? SRTP_SUITES.indexOf(c.suite) : NONE);
  }
  return Uint8Array.from(out);
}

export function decodeWireTable(data: Uint8Array): WireTable {
  let at = 0;
  const byte = (what: string) => {
    if (at >= data.length) throw new TableWireError(`table ends before ${what} (offset ${at})`);
    return data[at++];
  };
  if (byte('version') !== TABLE_WIRE_VERSION) throw new TableWireError(`unknown table version ${data[0]}`);
  const roleByte = byte('role');
  if (roleByte > 1) throw new TableWireError(`bad role ${roleByte}`);
  const policy = POLICIES[byte('policy')];
  if (!policy) throw new TableWireError('unknown policy');
  const list = <N extends string>(what: string, name: (id: number) => N | undefined): RankedEntry<N>[] => {
    const n = byte(`${what} count`);
    const out: RankedEntry<N>[] = [];
    for (let i = 0; i < n; i++) {
      const id = byte(what);
      const rank = byte(`${what} rank`);
      const found = name(id);
      if (found === undefined) throw new TableWireError(`unknown ${what} id ${id} (offset ${at - 2})`);
      out.push({ name: found, rank: rank & 0x7f, enabled: (rank & DISABLED) === 0 });
    }
    return out;
  };
  const keyAgreements = list('key agreement', kaFromId);
  const suites = list('suite', (id) => SRTP_SUITES[id]);
  let table: PriorityTable;
  try {
    table = validateTable({ keyAgreements, suites });
  } catch (e) {
    throw new TableWireError((e as Error).message);
  }
  const role = roleByte === 0 ? 'offerer' : 'answerer';
  let chosen: WireTable['chosen'];
  if (role === 'answerer') {
    const ka = byte('chosen key agreement');
    const suite = byte('chosen suite');
    chosen = {
      keyAgreement: ka === NONE ? undefined : kaFromId(ka) ?? badId('chosen key agreement', ka),
      suite: suite === NONE ? undefined : SRTP_SUITES[suite] ?? badId('chosen suite', suite),
    };
  }
  if (at !== data.length) throw new TableWireError(`${data.length - at} bytes after the table`);
  return { role, policy, table, ...(chosen ? { chosen } : {}) };
}

function badId(what: string, id: number): never {
  throw new TableWireError(`unknown ${what} id ${id}`);
}
