// A strict DER reader (ITU-T X.690 §8 and §10): one tag-length-value at a time, definite minimal
// lengths only, low tag numbers only. Enough for X.509 certificates (RFC 5280) and RSA keys
// (RFC 8017 Appendix A). Every malformed input raises DerError with the offset; nothing recurses,
// so no input can exhaust the stack, and no value is copied: nodes are views of the input.

/** A DER structure is malformed or not what the caller expected. */
export class DerError extends Error {
  // Defined, not assigned: XS on the device freezes Error.prototype, so `this.name = ...` throws.
  override name = 'DerError';
  constructor(message: string, readonly offset: number) {
    super(`DER: ${message} at offset ${offset}`);
  }
}

/** Universal tags used by X.509 (X.680 §8.4). */
export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  SEQUENCE: 0x30,
  SET: 0x31,
  PRINTABLE_STRING: 0x13,
  T61_STRING: 0x14,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  BMP_STRING: 0x1e,
} as const;

/** One TLV. `value` and `raw` are subarrays of the input (no copies). */
export interface DerNode {
  /** The identifier octet: class (bits 8-7), constructed (bit 6), tag number (bits 5-1). */
  readonly tag: number;
  readonly constructed: boolean;
  /** Offset of the identifier octet in the outermost input. */
  readonly offset: number;
  readonly value: Uint8Array;
  /** The whole TLV, e.g. the signed bytes of a tbsCertificate. */
  readonly raw: Uint8Array;
  /** Offset of the value's first byte in the outermost input. */
  readonly valueOffset: number;
}

/** Reads the TLV starting at `pos` of `bytes`; `base` is the offset of `bytes` in the outermost input. */
export function readNode(bytes: Uint8Array, pos: number, base = 0): DerNode {
  const at = base + pos;
  if (pos >= bytes.length) throw new DerError('truncated identifier', at);
  const tag = bytes[pos];
  // X.690 §8.1.2.4: tag numbers ≥ 31 take more octets; nothing in X.509 needs them.
  if ((tag & 0x1f) === 0x1f) throw new DerError('high tag number form', at);
  if (pos + 1 >= bytes.length) throw new DerError('truncated length', at + 1);
  let length = bytes[pos + 1];
  let header = 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    // X.690 §10.1: definite form only; §8.1.3.5: 0x80 is the indefinite form, 0xff reserved.
    if (count === 0) throw new DerError('indefinite length', at + 1);
    if (count > 4) throw new DerError('length too large', at + 1);
    if (pos + 2 + count > bytes.length) throw new DerError('truncated length', at + 1);
    if (bytes[pos + 2] === 0) throw new DerError('non-minimal length', at + 1);
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[pos + 2 + i];
    // X.690 §10.1: the short form must be used for lengths below 128.
    if (length < 0x80) throw new DerError('non-minimal length', at + 1);
    header = 2 + count;
  }
  const start = pos + header;
  if (length > bytes.length - start) throw new DerError(`length ${length} exceeds the ${bytes.length - start} bytes left`, at);
  return {
    tag,
    constructed: (tag & 0x20) !== 0,
    offset: at,
    value: bytes.subarray(start, start + length),
    raw: bytes.subarray(pos, start + length),
    valueOffset: base + start,
  };
}

/** Decodes one TLV that must span all of `bytes`. */
export function decodeDer(bytes: Uint8Array): DerNode {
  const node = readNode(bytes, 0);
  if (node.raw.length !== bytes.length) throw new DerError('trailing bytes after the outer value', node.raw.length);
  return node;
}

/** The TLVs inside a constructed node; they must fill its value exactly. */
export function children(node: DerNode): DerNode[] {
  if (!node.constructed) throw new DerError(`tag 0x${node.tag.toString(16)} is not constructed`, node.offset);
  const out: DerNode[] = [];
  let pos = 0;
  while (pos < node.value.length) {
    const child = readNode(node.value, pos, node.valueOffset);
    out.push(child);
    pos += child.raw.length;
  }
  return out;
}

export function expectTag(node: DerNode | undefined, tag: number, what: string, offset: number): DerNode {
  if (!node) throw new DerError(`missing ${what}`, offset);
  if (node.tag !== tag) throw new DerError(`${what}: expected tag 0x${tag.toString(16)}, got 0x${node.tag.toString(16)}`, node.offset);
  return node;
}

/** The children of a SEQUENCE (or another constructed tag), checking the tag. */
export function sequence(node: DerNode | undefined, what: string, offset: number, tag: number = TAG.SEQUENCE): DerNode[] {
  return children(expectTag(node, tag, what, offset));
}

/** INTEGER (X.690 §8.3) as a BigInt; minimal two's-complement encoding is required. */
export function readInteger(node: DerNode): bigint {
  const v = node.value;
  if (node.tag !== TAG.INTEGER) throw new DerError('expected INTEGER', node.offset);
  if (v.length === 0) throw new DerError('empty INTEGER', node.offset);
  if (v.length > 1 && ((v[0] === 0 && (v[1] & 0x80) === 0) || (v[0] === 0xff && (v[1] & 0x80) !== 0))) {
    throw new DerError('non-minimal INTEGER', node.offset);
  }
  let n = 0n;
  for (let i = 0; i < v.length; i++) n = (n << 8n) | BigInt(v[i]);
  if (v[0] & 0x80) n -= 1n << BigInt(v.length * 8);
  return n;
}

/** A non-negative INTEGER that fits a JavaScript number (versions, path lengths). */
export function readSmallInteger(node: DerNode): number {
  const n = readInteger(node);
  if (n < 0n || n > 0x7fffffffn) throw new DerError('INTEGER out of range', node.offset);
  return Number(n);
}

/** OBJECT IDENTIFIER (X.690 §8.19) in dotted form. */
export function readOid(node: DerNode): string {
  const v = node.value;
  if (node.tag !== TAG.OID) throw new DerError('expected OBJECT IDENTIFIER', node.offset);
  if (v.length === 0) throw new DerError('empty OBJECT IDENTIFIER', node.offset);
  const arcs: number[] = [];
  let arc = 0;
  let started = false;
  for (let i = 0; i < v.length; i++) {
    // §8.19.2: the first octet of a subidentifier is never 0x80 (no leading zero groups).
    if (!started && v[i] === 0x80) throw new DerError('non-minimal OID arc', node.valueOffset + i);
    started = true;
    if (arc > 0xffffff) throw new DerError('OID arc too large', node.valueOffset + i);
    arc = arc * 128 + (v[i] & 0x7f);
    if ((v[i] & 0x80) === 0) {
      arcs.push(arc);
      arc = 0;
      started = false;
    }
  }
  if (started) throw new DerError('truncated OID arc', node.valueOffset + v.length);
  const first = arcs[0];
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...arcs.slice(1)].join('.');
}

/** BIT STRING (X.690 §8.6) whose content is whole octets (keys, signatures). */
export function readBitStringBytes(node: DerNode): Uint8Array {
  if (node.tag !== TAG.BIT_STRING) throw new DerError('expected BIT STRING', node.offset);
  if (node.value.length === 0) throw new DerError('empty BIT STRING', node.offset);
  if (node.value[0] !== 0) throw new DerError('BIT STRING with unused bits where octets are expected', node.offset);
  return node.value.subarray(1);
}

/** BIT STRING as flags: bit 0 is the first (most significant) bit (RFC 5280 §4.2.1.3 numbering). */
export function readBitFlags(node: DerNode): number {
  if (node.tag !== TAG.BIT_STRING) throw new DerError('expected BIT STRING', node.offset);
  const v = node.value;
  if (v.length === 0) throw new DerError('empty BIT STRING', node.offset);
  const unused = v[0];
  if (unused > 7 || (v.length === 1 && unused !== 0)) throw new DerError('bad BIT STRING unused-bit count', node.offset);
  if (v.length > 1 && (v[v.length - 1] & ((1 << unused) - 1)) !== 0) throw new DerError('BIT STRING unused bits not zero', node.offset);
  let flags = 0;
  for (let i = 1; i < v.length && i <= 4; i++) {
    for (let b = 0; b < 8; b++) if (v[i] & (0x80 >> b)) flags |= 1 << ((i - 1) * 8 + b);
  }
  return flags;
}

export function readBoolean(node: DerNode): boolean {
  if (node.tag !== TAG.BOOLEAN) throw new DerError('expected BOOLEAN', node.offset);
  // X.690 §11.1: DER encodes TRUE as 0xff only.
  if (node.value.length !== 1 || (node.value[0] !== 0 && node.value[0] !== 0xff)) throw new DerError('bad BOOLEAN', node.offset);
  return node.value[0] === 0xff;
}

/** The directory string types X.509 names use (RFC 5280 §4.1.2.4), decoded to text. */
export function readString(node: DerNode): string {
  const v = node.value;
  switch (node.tag) {
    case TAG.UTF8_STRING:
      return utf8Strict(v, node.offset);
    case TAG.PRINTABLE_STRING:
    case TAG.IA5_STRING:
    case TAG.T61_STRING: {
      let s = '';
      for (let i = 0; i < v.length; i++) {
        if (v[i] > 0x7e && node.tag !== TAG.T61_STRING) throw new DerError('non-ASCII character in string', node.valueOffset + i);
        s += String.fromCharCode(v[i]);
      }
      return s;
    }
    case TAG.BMP_STRING: {
      if (v.length % 2) throw new DerError('odd BMPString length', node.offset);
      let s = '';
      for (let i = 0; i < v.length; i += 2) s += String.fromCharCode((v[i] << 8) | v[i + 1]);
      return s;
    }
    default:
      throw new DerError(`tag 0x${node.tag.toString(16)} is not a string`, node.offset);
  }
}

function utf8Strict(v: Uint8Array, offset: number): string {
  let s = '';
  let i = 0;
  while (i < v.length) {
    const b = v[i];
    let n: number;
    let c: number;
    if (b < 0x80) (n = 0), (c = b);
    else if (b >= 0xc2 && b < 0xe0) (n = 1), (c = b & 0x1f);
    else if (b >= 0xe0 && b < 0xf0) (n = 2), (c = b & 0x0f);
    else if (b >= 0xf0 && b < 0xf5) (n = 3), (c = b & 0x07);
    else throw new DerError('invalid UTF-8', offset);
    if (i + n >= v.length) throw new DerError('truncated UTF-8', offset);
    for (let k = 1; k <= n; k++) {
      if ((v[i + k] & 0xc0) !== 0x80) throw new DerError('invalid UTF-8', offset);
      c = (c << 6) | (v[i + k] & 0x3f);
    }
    if ((n === 2 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) || (n === 3 && (c < 0x10000 || c > 0x10ffff))) {
      throw new DerError('invalid UTF-8', offset);
    }
    s += String.fromCodePoint(c);
    i += n + 1;
  }
  return s;
}

/**
 * UTCTime (YYMMDDHHMMSSZ, years 1950-2049) or GeneralizedTime (YYYYMMDDHHMMSSZ), the only forms
 * RFC 5280 §4.1.2.5 allows, as milliseconds since the Unix epoch.
 */
export function readTime(node: DerNode): number {
  let text = '';
  for (let i = 0; i < node.value.length; i++) text += String.fromCharCode(node.value[i]);
  let year: number;
  let rest: string;
  if (node.tag === TAG.UTC_TIME) {
    if (!/^\d{12}Z$/.test(text)) throw new DerError('UTCTime must be YYMMDDHHMMSSZ', node.offset);
    const yy = Number(text.slice(0, 2));
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
    rest = text.slice(2);
  } else if (node.tag === TAG.GENERALIZED_TIME) {
    if (!/^\d{14}Z$/.test(text)) throw new DerError('GeneralizedTime must be YYYYMMDDHHMMSSZ', node.offset);
    year = Number(text.slice(0, 4));
    rest = text.slice(4);
  } else {
    throw new DerError('expected UTCTime or GeneralizedTime', node.offset);
  }
  const month = Number(rest.slice(0, 2));
  const day = Number(rest.slice(2, 4));
  const hour = Number(rest.slice(4, 6));
  const minute = Number(rest.slice(6, 8));
  const second = Number(rest.slice(8, 10));
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(ms);
  if (
    month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59 ||
    check.getUTCDate() !== day || check.getUTCMonth() !== month - 1
  ) {
    throw new DerError('invalid date', node.offset);
  }
  return ms;
}
