// The MIKEY message codec (RFC 3830 §6): common header with SRTP-ID or empty CS ID map (§6.1,
// RFC 4563), then every payload of §6.2–§6.15 chained by next-payload bytes; SIGN (§6.5) has no
// next-payload byte and must be last. Encoding is canonical (reserved bits zero, lengths exact).
// Decoding is strict about lengths, tolerates the one trailing 0x00 real implementations append
// (gortsplib "extra padding" case), and fails only with a MikeyError naming payload and offset.
// Every loop consumes at least one byte per turn and every copy is length-checked first.
import { CHASH_BYTES, CS_MAP, DH_BYTES, MAC_BYTES, PAYLOAD, TS_BYTES } from './codes.js';
import { kvCode, readKv, writeKv } from './key-validity.js';
import { MikeyError } from './mikey-error.js';
import type { CryptoSession, Header, Message, Payload, SpParam } from './payloads.js';
import { Reader, Writer } from './wire-io.js';

const CODE: Readonly<Record<Payload['type'], number>> = {
  KEMAC: PAYLOAD.KEMAC, PKE: PAYLOAD.PKE, DH: PAYLOAD.DH, SIGN: PAYLOAD.SIGN, T: PAYLOAD.T, ID: PAYLOAD.ID, CERT: PAYLOAD.CERT,
  CHASH: PAYLOAD.CHASH, V: PAYLOAD.V, SP: PAYLOAD.SP, RAND: PAYLOAD.RAND, ERR: PAYLOAD.ERR, GENEXT: PAYLOAD.GENERAL_EXTENSION,
};

/** The next-payload code of a payload record. */
export function payloadCode(p: Payload): number {
  return CODE[p.type];
}

function fixedLength(w: Writer, table: Readonly<Record<number, number>>, code: number, value: Uint8Array, field: string): void {
  if (table[code] !== value.length) throw new RangeError(`MIKEY: ${field} ${code} needs ${table[code] ?? 'a known'} bytes, got ${value.length}`);
  w.bytes(value);
}

function encodeSpParams(params: readonly SpParam[]): Uint8Array {
  const w = new Writer('SP');
  for (const p of params) w.u8(p.type, 'param type'), w.u8(p.value.length, 'param length'), w.bytes(p.value);
  return w.done();
}

function writeBody(w: Writer, p: Payload): void {
  w.payload(p.type);
  switch (p.type) {
    case 'KEMAC':
      w.u8(p.encrAlg, 'Encr alg'), w.u16(p.encrData.length), w.bytes(p.encrData), w.u8(p.macAlg, 'MAC alg');
      fixedLength(w, MAC_BYTES, p.macAlg, p.mac, 'MAC alg');
      break;
    case 'PKE':
      if (p.data.length > 0x3fff || p.cache > 3) throw new RangeError('MIKEY PKE: C is 2 bits and Data len 14 bits');
      w.u16((p.cache << 14) | p.data.length), w.bytes(p.data);
      break;
    case 'DH':
      w.u8(p.group, 'DH-Group');
      fixedLength(w, DH_BYTES, p.group, p.value, 'DH-Group');
      w.u8(kvCode(p.kv)), writeKv(w, p.kv);
      break;
    case 'SIGN':
      if (p.signature.length > 0x0fff || p.signType > 15) throw new RangeError('MIKEY SIGN: S type is 4 bits and Signature len 12 bits');
      w.u16((p.signType << 12) | p.signature.length), w.bytes(p.signature);
      break;
    case 'T':
      w.u8(p.tsType, 'TS type');
      fixedLength(w, TS_BYTES, p.tsType, p.value, 'TS type');
      break;
    case 'ID':
      w.u8(p.idType, 'ID type'), w.u16(p.value.length), w.bytes(p.value);
      break;
    case 'CERT':
      w.u8(p.certType, 'Cert type'), w.u16(p.value.length), w.bytes(p.value);
      break;
    case 'CHASH':
      w.u8(p.hashFunc, 'Hash func');
      fixedLength(w, CHASH_BYTES, p.hashFunc, p.value, 'Hash func');
      break;
    case 'V':
      w.u8(p.macAlg, 'Auth alg');
      fixedLength(w, MAC_BYTES, p.macAlg, p.mac, 'Auth alg');
      break;
    case 'SP': {
      const params = encodeSpParams(p.params);
      w.u8(p.policy, 'Policy no'), w.u8(p.protType, 'Prot type'), w.u16(params.length), w.bytes(params);
      break;
    }
    case 'RAND':
      w.u8(p.value.length, 'RAND len'), w.bytes(p.value);
      break;
    case 'ERR':
      w.u8(p.errorNo, 'Error no'), w.u16(0);
      break;
    case 'GENEXT':
      w.u8(p.extType, 'Type'), w.u16(p.data.length), w.bytes(p.data);
      break;
  }
}

/** Encodes a message canonically. Throws RangeError for a field that does not fit or SIGN not last. */
export function encodeMessage(message: Message): Uint8Array {
  const { header, payloads } = message;
  const w = new Writer('HDR');
  w.u8(1);
  w.u8(header.dataType, 'data type');
  w.u8(payloads.length ? CODE[payloads[0].type] : PAYLOAD.LAST);
  if (header.prf > 0x7f) throw new RangeError('MIKEY HDR: PRF func is 7 bits');
  w.u8((header.v ? 0x80 : 0) | header.prf, 'PRF func');
  w.u32(header.csbId, 'CSB ID');
  if (header.map.type === 'srtp-id') {
    w.u8(header.map.sessions.length, '#CS');
    w.u8(CS_MAP.SRTP_ID);
    for (const cs of header.map.sessions) w.u8(cs.policy, 'Policy_no'), w.u32(cs.ssrc, 'SSRC'), w.u32(cs.roc, 'ROC');
  } else {
    w.u8(header.map.count, '#CS');
    w.u8(CS_MAP.EMPTY);
  }
  payloads.forEach((p, i) => {
    if (p.type === 'SIGN') {
      if (i !== payloads.length - 1) throw new RangeError('MIKEY SIGN must be the last payload');
    } else {
      w.u8(i + 1 < payloads.length ? CODE[payloads[i + 1].type] : PAYLOAD.LAST);
    }
    writeBody(w, p);
  });
  return w.done();
}

function readSpParams(r: Reader, length: number): SpParam[] {
  const sub = new Reader(r.take(length, 'SP'), r.base + r.pos - length);
  const params: SpParam[] = [];
  while (sub.left > 0) {
    const type = sub.u8('SP param');
    params.push({ type, value: sub.take(sub.u8('SP param'), 'SP param') });
  }
  return params;
}

function readBody(r: Reader, type: number, at: number): Payload {
  switch (type) {
    case PAYLOAD.KEMAC: {
      const encrAlg = r.u8('KEMAC');
      const encrData = r.take(r.u16('KEMAC'), 'KEMAC');
      const macAlg = r.u8('KEMAC');
      return { type: 'KEMAC', encrAlg, encrData, macAlg, mac: r.fixed(MAC_BYTES, macAlg, 'KEMAC', 'MAC alg') };
    }
    case PAYLOAD.PKE: {
      const word = r.u16('PKE');
      return { type: 'PKE', cache: word >> 14, data: r.take(word & 0x3fff, 'PKE') };
    }
    case PAYLOAD.DH: {
      const group = r.u8('DH');
      const value = r.fixed(DH_BYTES, group, 'DH', 'DH-Group');
      return { type: 'DH', group, value, kv: readKv(r, r.u8('DH') & 15, 'DH') };
    }
    case PAYLOAD.T: {
      const tsType = r.u8('T');
      return { type: 'T', tsType, value: r.fixed(TS_BYTES, tsType, 'T', 'TS type') };
    }
    case PAYLOAD.ID: {
      const idType = r.u8('ID');
      return { type: 'ID', idType, value: r.take(r.u16('ID'), 'ID') };
    }
    case PAYLOAD.CERT: {
      const certType = r.u8('CERT');
      return { type: 'CERT', certType, value: r.take(r.u16('CERT'), 'CERT') };
    }
    case PAYLOAD.CHASH: {
      const hashFunc = r.u8('CHASH');
      return { type: 'CHASH', hashFunc, value: r.fixed(CHASH_BYTES, hashFunc, 'CHASH', 'hash function') };
    }
    case PAYLOAD.V: {
      const macAlg = r.u8('V');
      return { type: 'V', macAlg, mac: r.fixed(MAC_BYTES, macAlg, 'V', 'auth alg') };
    }
    case PAYLOAD.SP: {
      const policy = r.u8('SP');
      const protType = r.u8('SP');
      return { type: 'SP', policy, protType, params: readSpParams(r, r.u16('SP')) };
    }
    case PAYLOAD.RAND: {
      const n = r.u8('RAND');
      if (n === 0) r.fail('RAND', 'RAND len is 0', r.pos - 1);
      return { type: 'RAND', value: r.take(n, 'RAND') };
    }
    case PAYLOAD.ERR: {
      const errorNo = r.u8('ERR');
      r.u16('ERR');
      return { type: 'ERR', errorNo };
    }
    case PAYLOAD.GENERAL_EXTENSION: {
      const extType = r.u8('General Extension');
      return { type: 'GENEXT', extType, data: r.take(r.u16('General Extension'), 'General Extension') };
    }
    default:
      return r.fail('payload', `unknown payload type ${type}`, at);
  }
}

/** A decoded message with where each payload lies in the input (for MAC and signature checks). */
export interface DecodedMessage {
  readonly message: Message;
  /** [start, end) of each payload in the input, next-payload byte included; same order as payloads. */
  readonly spans: readonly (readonly [number, number])[];
  /** End of the last payload: the length without the tolerated trailing 0x00. */
  readonly end: number;
}

function readHeader(r: Reader): { header: Header; next: number } {
  if (r.u8('HDR') !== 1) r.fail('HDR', 'version must be 1', 0);
  const dataType = r.u8('HDR');
  const next = r.u8('HDR');
  const flags = r.u8('HDR');
  const csbId = r.u32('HDR');
  const count = r.u8('HDR');
  const mapType = r.u8('HDR');
  const base = { dataType, v: (flags & 0x80) !== 0, prf: flags & 0x7f, csbId };
  if (mapType === CS_MAP.EMPTY) return { header: { ...base, map: { type: 'empty', count } }, next };
  if (mapType !== CS_MAP.SRTP_ID) r.fail('HDR', `unknown CS ID map type ${mapType}`, 9);
  r.need(count * 9, 'HDR');
  const sessions: CryptoSession[] = [];
  for (let i = 0; i < count; i++) sessions.push({ policy: r.u8('HDR'), ssrc: r.u32('HDR'), roc: r.u32('HDR') });
  return { header: { ...base, map: { type: 'srtp-id', sessions } }, next };
}

export function decodeMessageDetailed(bytes: Uint8Array): DecodedMessage {
  const r = new Reader(bytes);
  const { header, next: first } = readHeader(r);
  let next = first;
  const payloads: Payload[] = [];
  const spans: [number, number][] = [];
  while (next !== PAYLOAD.LAST) {
    const start = r.pos;
    if (next === PAYLOAD.SIGN) {
      const word = r.u16('SIGN');
      payloads.push({ type: 'SIGN', signType: word >> 12, signature: r.take(word & 0x0fff, 'SIGN') });
      spans.push([start, r.pos]);
      break;
    }
    const type = next;
    next = r.u8('payload');
    payloads.push(readBody(r, type, start));
    spans.push([start, r.pos]);
  }
  const end = r.pos;
  if (r.left > 1 || (r.left === 1 && bytes[end] !== 0)) throw new MikeyError('message', end, `${r.left} bytes after the last payload`);
  return { message: { header, payloads }, spans, end };
}

/** Decodes a message; throws only MikeyError. */
export function decodeMessage(bytes: Uint8Array): Message {
  return decodeMessageDetailed(bytes).message;
}
