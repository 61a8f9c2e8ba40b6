// SRTP master key and salt per crypto session from KEMAC key data (RFC 3830 §4.1.3, §6.13):
// a TGK is expanded with the PRF per CS ID (pk-keys.ts srtpKeys: TEK label 0x2AD01C64, salt label
// 0x39A2C14B, CS ID = 1-based position in the CS ID map); a TEK *is* the master key. TEK without a
// salt field carries key ‖ salt (what GStreamer, live555 and Axis send, 16 + 14 = 30 bytes); TEK+SALT
// carries them apart. One TEK for several sessions serves them all (GStreamer's two-SSRC message);
// otherwise the i-th TEK serves the i-th session. TGK+SALT: its salt is used as every session's
// master salt. Key lengths are 16 (key) and 14 (salt), the project's AES-128 suites.
import type { Crypto } from '../../hal/contracts.js';
import { KEY_TYPE } from './codes.js';
import { MikeyError } from './mikey-error.js';
import type { Header, KemacItem, KeyData } from './payloads.js';
import { sessionCount } from './payloads.js';
import { srtpKeys, type SrtpKeys } from './pk-keys.js';

export type { SrtpKeys };

const KEY_BYTES = 16;
const SALT_BYTES = 14;

function tekKeys(csId: number, item: KeyData): SrtpKeys {
  if (item.keyType === KEY_TYPE.TEK_SALT) {
    if (item.key.length !== KEY_BYTES || item.salt?.length !== SALT_BYTES) throw new MikeyError('key data', 0, `TEK+SALT needs a ${KEY_BYTES}-byte key and a ${SALT_BYTES}-byte salt`);
    return { csId, masterKey: item.key, masterSalt: item.salt };
  }
  if (item.key.length !== KEY_BYTES + SALT_BYTES) throw new MikeyError('key data', 0, `TEK without salt must hold key ‖ salt (${KEY_BYTES + SALT_BYTES} bytes), got ${item.key.length}`);
  return { csId, masterKey: item.key.slice(0, KEY_BYTES), masterSalt: item.key.slice(KEY_BYTES) };
}

/**
 * The SRTP keys of every crypto session of `header`, from the key data of its KEMAC. `rand` is the
 * I_MESSAGE's RAND, needed for a TGK. Throws MikeyError for key data that cannot key SRTP.
 */
export function sessionKeys(crypto: Crypto, header: Header, items: readonly KemacItem[], rand: Uint8Array | undefined): SrtpKeys[] {
  const keys = items.filter((i): i is KeyData => i.type === 'KEY_DATA');
  const count = sessionCount(header);
  if (keys.length === 0) throw new MikeyError('KEMAC', 0, 'no key data');
  const first = keys[0];
  if (first.keyType === KEY_TYPE.TGK || first.keyType === KEY_TYPE.TGK_SALT) {
    if (keys.length !== 1) throw new MikeyError('KEMAC', 0, 'more than one TGK');
    if (!rand) throw new MikeyError('RAND', 0, 'a TGK needs the RAND payload');
    const derived = srtpKeys(crypto, first.key, header.csbId, rand, count);
    return first.salt ? derived.map((k) => ({ ...k, masterSalt: first.salt!.slice() })) : derived;
  }
  if (keys.some((k) => k.keyType !== KEY_TYPE.TEK && k.keyType !== KEY_TYPE.TEK_SALT)) throw new MikeyError('KEMAC', 0, 'TGK and TEK mixed');
  if (keys.length !== 1 && keys.length !== count) throw new MikeyError('KEMAC', 0, `${keys.length} TEKs for ${count} crypto sessions`);
  const out: SrtpKeys[] = [];
  for (let csId = 1; csId <= count; csId++) out.push(tekKeys(csId, keys.length === 1 ? keys[0] : keys[csId - 1]));
  return out;
}

/** The MKI of each key data with KV = SPI/MKI (RFC 3830 §6.13), in order; undefined where none. */
export function mkisOf(items: readonly KemacItem[]): (Uint8Array | undefined)[] {
  return items.filter((i): i is KeyData => i.type === 'KEY_DATA').map((k) => (k.kv.type === 'spi' ? k.kv.spi : undefined));
}
