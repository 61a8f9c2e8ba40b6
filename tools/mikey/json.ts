// The JSON form of a MIKEY message that `phonectl mikey decode` prints and `phonectl mikey encode`
// reads (docs/mikey.md "Command line"): the codec's records with every byte field as lower-case
// hex, CSB ID and SSRCs as 8-digit hex, and readable names beside the numeric codes.
import { CS_MAP, DATA_TYPE } from '../../modules/mikey/codes.js';
import { encodeKeyData } from '../../modules/mikey/key-data.js';
import type { Header, KemacItem, Message, Payload } from '../../modules/mikey/payloads.js';
import { readSrtpPolicy } from '../../modules/mikey/srtp-policy.js';
import { fromHex, toHex } from '../../modules/util/bytes.js';

const DATA_TYPE_NAMES = new Map<number, string>(Object.entries(DATA_TYPE).map(([k, v]) => [v, k]));
const BYTE_FIELDS = new Set(['value', 'encrData', 'mac', 'data', 'signature', 'spi', 'from', 'to', 'key', 'salt']);

const hex32 = (n: number) => n.toString(16).padStart(8, '0');

/** JSON.stringify replacer: Uint8Array → lower-case hex. */
export function bytesAsHex(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? toHex(value).toLowerCase() : value;
}

export function headerJson(h: Header): Record<string, unknown> {
  return {
    version: 1,
    dataType: h.dataType,
    dataTypeName: DATA_TYPE_NAMES.get(h.dataType) ?? 'unknown',
    v: h.v,
    prf: h.prf,
    csbId: hex32(h.csbId),
  };
}

export function mapJson(h: Header): Record<string, unknown> {
  return h.map.type === 'srtp-id'
    ? { type: 'srtp-id', sessions: h.map.sessions.map((cs, i) => ({ csId: i + 1, policy: cs.policy, ssrc: hex32(cs.ssrc), roc: cs.roc })) }
    : { type: 'empty', count: h.map.count };
}

export function payloadJson(p: Payload): Record<string, unknown> {
  if (p.type === 'SP' && p.protType === 0) {
    const reading = readSrtpPolicy(p);
    return { ...p, srtp: { ...reading.values, ...(reading.tagLength === undefined ? {} : { tagLength: reading.tagLength }), gstreamerTagQuirk: reading.gstreamerTagQuirk } };
  }
  return { ...p };
}

function bytesIn(value: unknown, key: string): unknown {
  if (Array.isArray(value)) return value.map((v) => bytesIn(v, ''));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = bytesIn(v, k);
    return out;
  }
  if (BYTE_FIELDS.has(key) && typeof value === 'string') return fromHex(value);
  return value;
}

function word(v: unknown, field: string): number {
  const n = typeof v === 'string' ? parseInt(v, 16) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`${field} must be a 32-bit number or 8-digit hex`);
  return n;
}

function num(v: unknown, field: string, fallback?: number): number {
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new RangeError(`${field} must be an integer`);
  return v;
}

/**
 * Reads the JSON form back into a Message. A KEMAC may give `keyData` (records as decode prints
 * them) instead of `encrData` when its encryption is NULL; `srtp` readings and names are ignored.
 */
export function messageFromJson(json: unknown): Message {
  if (!json || typeof json !== 'object') throw new RangeError('the description must be a JSON object');
  const j = bytesIn(json, '') as { header?: Record<string, unknown>; map?: Record<string, unknown>; payloads?: Record<string, unknown>[] };
  if (!j.header || !Array.isArray(j.payloads)) throw new RangeError('the description needs "header" and "payloads"');
  const map = j.map ?? { type: 'srtp-id', sessions: [] };
  const header: Header = {
    dataType: num(j.header.dataType, 'header.dataType'),
    v: j.header.v === true,
    prf: num(j.header.prf, 'header.prf', 0),
    csbId: word(j.header.csbId, 'header.csbId'),
    map:
      map.type === 'empty'
        ? { type: 'empty', count: num(map.count, 'map.count') }
        : { type: 'srtp-id', sessions: ((map.sessions as Record<string, unknown>[] | undefined) ?? []).map((cs) => ({ policy: num(cs.policy, 'policy'), ssrc: word(cs.ssrc, 'ssrc'), roc: num(cs.roc, 'roc', 0) })) },
  };
  if (map.type !== 'empty' && map.type !== 'srtp-id') throw new RangeError(`map.type must be "srtp-id" or "empty" (CS ID map ${CS_MAP.SRTP_ID} or ${CS_MAP.EMPTY})`);
  const payloads = j.payloads.map((p) => {
    const { srtp: _srtp, keyData, ...rest } = p as Record<string, unknown>;
    if (rest.type === 'KEMAC' && keyData !== undefined && rest.encrData === undefined) {
      if (rest.encrAlg !== 0) throw new RangeError('KEMAC keyData is only taken in the clear (encrAlg 0); give encrData otherwise');
      return { ...rest, encrData: encodeKeyData(keyData as KemacItem[]) } as unknown as Payload;
    }
    return rest as unknown as Payload;
  });
  return { header, payloads };
}
