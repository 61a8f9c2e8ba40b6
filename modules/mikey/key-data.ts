// KEMAC's Encr data once in the clear (RFC 3830 §6.2): a chain of sub-payloads, each with its own
// next-payload byte, the last with 0. They are key data (§6.13: Type (4) | KV (4) | Key data len
// (16) | Key data | [Salt len (16) | Salt] | [KV data]) and, in the public-key modes, an ID first
// (§3.2). Salt fields exist exactly for TGK+SALT and TEK+SALT.
import { KEY_TYPE, PAYLOAD } from './codes.js';
import { kvCode, readKv, writeKv } from './key-validity.js';
import type { KemacItem } from './payloads.js';
import { Reader, Writer } from './wire-io.js';

function hasSalt(keyType: number): boolean {
  return keyType === KEY_TYPE.TGK_SALT || keyType === KEY_TYPE.TEK_SALT;
}

export function encodeKeyData(items: readonly KemacItem[]): Uint8Array {
  const w = new Writer('key data');
  items.forEach((item, i) => {
    const next = items[i + 1];
    w.u8(next ? (next.type === 'ID' ? PAYLOAD.ID : PAYLOAD.KEY_DATA) : PAYLOAD.LAST);
    if (item.type === 'ID') {
      w.u8(item.idType, 'ID type'), w.u16(item.value.length), w.bytes(item.value);
      return;
    }
    if (item.keyType > 3) throw new RangeError(`MIKEY key data: key type ${item.keyType} is not 0..3`);
    if (hasSalt(item.keyType) !== (item.salt !== undefined)) throw new RangeError(`MIKEY key data: key type ${item.keyType} ${hasSalt(item.keyType) ? 'needs' : 'has no'} salt`);
    w.u8((item.keyType << 4) | kvCode(item.kv), 'key type');
    w.u16(item.key.length), w.bytes(item.key);
    if (item.salt) w.u16(item.salt.length), w.bytes(item.salt);
    writeKv(w, item.kv);
  });
  return w.done();
}

/**
 * Decodes KEMAC plaintext whose first sub-payload has type `first` (KEY_DATA in PSK and
 * MIKEY-NULL, ID in PKE and RSA-R). `base` is added to error offsets.
 */
export function decodeKeyData(bytes: Uint8Array, first: number = PAYLOAD.KEY_DATA, base = 0): KemacItem[] {
  const r = new Reader(bytes, base);
  const items: KemacItem[] = [];
  let type = first;
  for (;;) {
    const start = r.pos;
    const next = r.u8('key data');
    if (type === PAYLOAD.ID) {
      const idType = r.u8('ID');
      items.push({ type: 'ID', idType, value: r.take(r.u16('ID'), 'ID') });
    } else if (type === PAYLOAD.KEY_DATA) {
      const typeKv = r.u8('key data');
      const keyType = typeKv >> 4;
      if (keyType > 3) r.fail('key data', `unknown key data type ${keyType}`, r.pos - 1);
      const key = r.take(r.u16('key data'), 'key data');
      const salt = hasSalt(keyType) ? r.take(r.u16('key data'), 'key data') : undefined;
      const kv = readKv(r, typeKv & 15, 'key data');
      items.push(salt ? { type: 'KEY_DATA', keyType, key, salt, kv } : { type: 'KEY_DATA', keyType, key, kv });
    } else {
      r.fail('key data', `sub-payload type ${type} is not allowed in KEMAC`, start);
    }
    if (next === PAYLOAD.LAST) break;
    type = next;
  }
  if (r.left !== 0) r.fail('key data', `${r.left} bytes after the last sub-payload`);
  return items;
}
