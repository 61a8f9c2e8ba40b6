// The MIKEY wire format as the public-key modes use it (RFC 3830 §6): the common header with the
// SRTP-ID map (§6.1), and the T, RAND, ID, CERT, CHASH, SP, KEMAC, key data, PKE, DH, SIGN, V, ERR and
// General Extension payloads (§6.2-§6.15). Decoding is strict: a malformed message is a MikeyError naming the payload
// and offset, never another exception, and nothing is allocated beyond the input's size.
// It shares its byte reader, writer and error with the general codec (codec.ts, wire-io.ts) and
// carries exactly the subset of payloads the PK modes exchange.
import { MikeyError } from './mikey-error.js';
import { Reader, Writer } from './wire-io.js';

/** Payload type codes ("next payload", RFC 3830 §6.1 table 6.1.c). */
export const PT = {
  LAST: 0, KEMAC: 1, PKE: 2, DH: 3, SIGN: 4, T: 5, ID: 6, CERT: 7, CHASH: 8, V: 9, SP: 10, RAND: 11, ERR: 12, KEY_DATA: 20, GENERAL_EXTENSION: 21,
} as const;

/** HDR data types (RFC 3830 §6.1, RFC 4650 §5.1, RFC 4738 §6). */
export const DATA_TYPE = {
  PSK_INIT: 0, PSK_RESP: 1, PK_INIT: 2, PK_RESP: 3, DH_INIT: 4, DH_RESP: 5, ERROR: 6, DHHMAC_INIT: 7, DHHMAC_RESP: 8, RSA_R_INIT: 9, RSA_R_RESP: 10,
} as const;

/** One crypto session of the SRTP-ID map (RFC 3830 §6.1.1). */
export interface CryptoSession {
  readonly policy: number;
  readonly ssrc: number;
  readonly roc: number;
}

export interface Header {
  readonly dataType: number;
  readonly v: boolean;
  readonly csbId: number;
  readonly sessions: readonly CryptoSession[];
}

export type Payload =
  | { readonly type: 'T'; readonly tsType: number; readonly value: Uint8Array }
  | { readonly type: 'RAND'; readonly value: Uint8Array }
  | { readonly type: 'ID'; readonly idType: number; readonly value: Uint8Array }
  | { readonly type: 'CERT'; readonly certType: number; readonly value: Uint8Array }
  | { readonly type: 'CHASH'; readonly hashFunc: number; readonly value: Uint8Array }
  | { readonly type: 'SP'; readonly policy: number; readonly protType: number; readonly params: Uint8Array }
  | { readonly type: 'KEMAC'; readonly encrAlg: number; readonly encrData: Uint8Array; readonly macAlg: number; readonly mac: Uint8Array }
  | { readonly type: 'PKE'; readonly cache: number; readonly data: Uint8Array }
  | { readonly type: 'DH'; readonly group: number; readonly value: Uint8Array }
  | { readonly type: 'SIGN'; readonly signType: number; readonly signature: Uint8Array }
  | { readonly type: 'V'; readonly macAlg: number; readonly mac: Uint8Array }
  | { readonly type: 'ERR'; readonly errorNo: number }
  /** General Extension (§6.15): carries the priority table (modules/negotiation/wire.ts) and SDP IDs. */
  | { readonly type: 'GENEXT'; readonly extType: number; readonly data: Uint8Array };

export interface Message {
  readonly header: Header;
  readonly payloads: readonly Payload[];
}

const CODE: Record<Payload['type'], number> = {
  T: PT.T, RAND: PT.RAND, ID: PT.ID, CERT: PT.CERT, CHASH: PT.CHASH, SP: PT.SP, KEMAC: PT.KEMAC, PKE: PT.PKE, DH: PT.DH, SIGN: PT.SIGN, V: PT.V, ERR: PT.ERR, GENEXT: PT.GENERAL_EXTENSION,
};

/** DH value length by DH-Group (RFC 3830 §6.4): OAKLEY 5, 1, 2. */
const DH_BYTES: Record<number, number> = { 0: 192, 1: 96, 2: 128 };
/** T payload value lengths by TS type (RFC 3830 §6.6): NTP-UTC, NTP, COUNTER. */
const TS_BYTES: Record<number, number> = { 0: 8, 1: 8, 2: 4 };
/** MAC lengths by KEMAC/V MAC alg (RFC 3830 §6.2): NULL, HMAC-SHA-1-160. */
const MAC_BYTES: Record<number, number> = { 0: 0, 1: 20 };
/** CHASH lengths by hash function (RFC 3830 §6.8): SHA-1, MD5. */
const CHASH_BYTES: Record<number, number> = { 0: 20, 1: 16 };

function writePayloadBody(w: Writer, p: Payload): void {
  switch (p.type) {
    case 'T':
      w.u8(p.tsType), w.bytes(p.value);
      break;
    case 'RAND':
      w.u8(p.value.length), w.bytes(p.value);
      break;
    case 'ID':
      w.u8(p.idType), w.u16(p.value.length), w.bytes(p.value);
      break;
    case 'CERT':
      w.u8(p.certType), w.u16(p.value.length), w.bytes(p.value);
      break;
    case 'CHASH':
      w.u8(p.hashFunc), w.bytes(p.value);
      break;
    case 'SP':
      w.u8(p.policy), w.u8(p.protType), w.u16(p.params.length), w.bytes(p.params);
      break;
    case 'KEMAC':
      w.u8(p.encrAlg), w.u16(p.encrData.length), w.bytes(p.encrData), w.u8(p.macAlg), w.bytes(p.mac);
      break;
    case 'PKE':
      if (p.data.length > 0x3fff) throw new RangeError('PKE data longer than 14 bits');
      w.u16((p.cache << 14) | p.data.length), w.bytes(p.data);
      break;
    case 'DH':
      // Reserv (4 bits) | KV (4 bits) = 0: no key validity data (RFC 3830 §6.4).
      w.u8(p.group), w.bytes(p.value), w.u8(0);
      break;
    case 'SIGN':
      w.u16((p.signType << 12) | p.signature.length), w.bytes(p.signature);
      break;
    case 'V':
      w.u8(p.macAlg), w.bytes(p.mac);
      break;
    case 'ERR':
      w.u8(p.errorNo), w.u16(0);
      break;
    case 'GENEXT':
      if (p.data.length > 0xffff) throw new RangeError('General Extension data longer than 16 bits');
      w.u8(p.extType), w.u16(p.data.length), w.bytes(p.data);
      break;
  }
}

/** Encodes a message; SIGN, when present, must be last and carries no next-payload byte (§6.5). */
export function encodeMessage(message: Message): Uint8Array {
  const { header, payloads } = message;
  const w = new Writer('message');
  w.u8(1);
  w.u8(header.dataType);
  w.u8(payloads.length ? CODE[payloads[0].type] : PT.LAST);
  w.u8(header.v ? 0x80 : 0);
  w.u32(header.csbId);
  w.u8(header.sessions.length);
  w.u8(0);
  for (const cs of header.sessions) w.u8(cs.policy), w.u32(cs.ssrc), w.u32(cs.roc);
  payloads.forEach((p, i) => {
    if (p.type === 'SIGN') {
      if (i !== payloads.length - 1) throw new RangeError('SIGN must be the last payload');
    } else {
      w.u8(i + 1 < payloads.length ? CODE[payloads[i + 1].type] : PT.LAST);
    }
    writePayloadBody(w, p);
  });
  return w.done();
}

function readPayload(r: Reader, type: number): Payload {
  switch (type) {
    case PT.T: {
      const tsType = r.u8('T');
      return { type: 'T', tsType, value: r.fixed(TS_BYTES, tsType, 'T', 'type') };
    }
    case PT.RAND:
      return { type: 'RAND', value: r.take(r.u8('RAND'), 'RAND') };
    case PT.ID: {
      const idType = r.u8('ID');
      return { type: 'ID', idType, value: r.take(r.u16('ID'), 'ID') };
    }
    case PT.CERT: {
      const certType = r.u8('CERT');
      return { type: 'CERT', certType, value: r.take(r.u16('CERT'), 'CERT') };
    }
    case PT.CHASH: {
      const hashFunc = r.u8('CHASH');
      return { type: 'CHASH', hashFunc, value: r.fixed(CHASH_BYTES, hashFunc, 'CHASH', 'type') };
    }
    case PT.SP: {
      const policy = r.u8('SP');
      const protType = r.u8('SP');
      return { type: 'SP', policy, protType, params: r.take(r.u16('SP'), 'SP') };
    }
    case PT.KEMAC: {
      const encrAlg = r.u8('KEMAC');
      const encrData = r.take(r.u16('KEMAC'), 'KEMAC');
      const macAlg = r.u8('KEMAC');
      return { type: 'KEMAC', encrAlg, encrData, macAlg, mac: r.fixed(MAC_BYTES, macAlg, 'KEMAC', 'type') };
    }
    case PT.PKE: {
      const word = r.u16('PKE');
      return { type: 'PKE', cache: word >> 14, data: r.take(word & 0x3fff, 'PKE') };
    }
    case PT.DH: {
      const group = r.u8('DH');
      const value = r.fixed(DH_BYTES, group, 'DH', 'type');
      if ((r.u8('DH') & 0x0f) !== 0) throw new MikeyError('DH', r.base + r.pos - 1, 'key validity data is not supported');
      return { type: 'DH', group, value };
    }
    case PT.V: {
      const macAlg = r.u8('V');
      return { type: 'V', macAlg, mac: r.fixed(MAC_BYTES, macAlg, 'V', 'type') };
    }
    case PT.ERR: {
      const errorNo = r.u8('ERR');
      r.u16('ERR');
      return { type: 'ERR', errorNo };
    }
    case PT.GENERAL_EXTENSION: {
      const extType = r.u8('General Extension');
      return { type: 'GENEXT', extType, data: r.take(r.u16('General Extension'), 'General Extension') };
    }
    default:
      throw new MikeyError('payload', r.base + r.pos - 1, `payload type ${type} is not used by the public-key modes`);
  }
}

/**
 * Decodes a message. One trailing 0x00 after the last payload is tolerated, as real implementations
 * send it (see the shared MIKEY notes §1.6); anything else left over is an error.
 */
export function decodeMessage(bytes: Uint8Array): Message {
  const r = new Reader(bytes);
  if (r.u8('HDR') !== 1) throw new MikeyError('HDR', 0, 'version must be 1');
  const dataType = r.u8('HDR');
  let next = r.u8('HDR');
  const flags = r.u8('HDR');
  if ((flags & 0x7f) !== 0) throw new MikeyError('HDR', 3, `PRF function ${flags & 0x7f} is not MIKEY-1`);
  const csbId = r.u32('HDR');
  const count = r.u8('HDR');
  if (r.u8('HDR') !== 0) throw new MikeyError('HDR', 9, 'CS ID map type must be SRTP-ID');
  r.need(count * 9, 'HDR');
  const sessions: CryptoSession[] = [];
  for (let i = 0; i < count; i++) sessions.push({ policy: r.u8('HDR'), ssrc: r.u32('HDR'), roc: r.u32('HDR') });
  const payloads: Payload[] = [];
  while (next !== PT.LAST) {
    if (next === PT.SIGN) {
      const word = r.u16('SIGN');
      payloads.push({ type: 'SIGN', signType: word >> 12, signature: r.take(word & 0x0fff, 'SIGN') });
      break;
    }
    const type = next;
    next = r.u8('payload');
    payloads.push(readPayload(r, type));
  }
  const rest = bytes.length - r.pos;
  if (rest > 1 || (rest === 1 && bytes[r.pos] !== 0)) throw new MikeyError('message', r.pos, `${rest} bytes after the last payload`);
  return { header: { dataType, v: (flags & 0x80) !== 0, csbId, sessions }, payloads };
}

/** Key data sub-payload (RFC 3830 §6.13) of type TGK with no key validity, or an ID payload, inside KEMAC. */
export type KeyDataItem = { readonly type: 'ID'; readonly idType: number; readonly value: Uint8Array } | { readonly type: 'TGK'; readonly key: Uint8Array };

/** Encodes KEMAC's plaintext: the sub-payloads chained by next-payload bytes, the last with 0. */
export function encodeKeyData(items: readonly KeyDataItem[]): Uint8Array {
  const w = new Writer('message');
  items.forEach((item, i) => {
    const next = items[i + 1];
    w.u8(next ? (next.type === 'ID' ? PT.ID : PT.KEY_DATA) : PT.LAST);
    if (item.type === 'ID') w.u8(item.idType), w.u16(item.value.length), w.bytes(item.value);
    // Type TGK (0) | KV NULL (0), then Key data len and the key (RFC 3830 §6.13).
    else w.u8(0x00), w.u16(item.key.length), w.bytes(item.key);
  });
  return w.done();
}

/** Decodes KEMAC's plaintext; `first` is the type of its first sub-payload (ID for PK, key data for PSK). */
export function decodeKeyData(bytes: Uint8Array, first: number): KeyDataItem[] {
  const r = new Reader(bytes);
  const items: KeyDataItem[] = [];
  let type = first;
  while (r.pos < bytes.length || items.length === 0) {
    const next = r.u8('key data');
    if (type === PT.ID) {
      const idType = r.u8('ID');
      items.push({ type: 'ID', idType, value: r.take(r.u16('ID'), 'ID') });
    } else if (type === PT.KEY_DATA) {
      const typeKv = r.u8('key data');
      if (typeKv !== 0x00) throw new MikeyError('key data', r.pos - 1, `only TGK with no key validity is accepted, got 0x${typeKv.toString(16)}`);
      items.push({ type: 'TGK', key: r.take(r.u16('key data'), 'key data') });
    } else {
      throw new MikeyError('key data', r.pos - 1, `sub-payload type ${type} is not allowed in KEMAC`);
    }
    if (next === PT.LAST) break;
    type = next;
  }
  if (r.pos !== bytes.length) throw new MikeyError('key data', r.pos, 'bytes after the last sub-payload');
  return items;
}
