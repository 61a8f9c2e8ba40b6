// a=crypto (SDES, RFC 4568 §9.1): "crypto:<tag> <crypto-suite> <key-params> [<session-param> ...]"
// with key-params "inline:<base64 key||salt>[|<lifetime>][|<MKI>:<MKI length>]", several joined by ";".
// The key's length is checked by whoever knows the suite (modules/srtp); here it is only decoded.
import { fromBase64, toBase64 } from '../util/bytes.js';
import type { Attribute } from './session-description.js';

export class CryptoAttributeError extends Error {
  override name = 'CryptoAttributeError';
}

export const CRYPTO = 'crypto';

/** One inline key (RFC 4568 §6.1). */
export interface InlineKey {
  /** Master key followed by master salt. */
  readonly keySalt: Uint8Array;
  /** Packets the key may protect, when given (RFC 4568 §6.1: "2^n" or a decimal number). */
  readonly lifetime?: number;
  readonly mki?: { readonly value: number; readonly length: number };
}

export interface CryptoAttribute {
  readonly tag: number;
  readonly suite: string;
  readonly keys: readonly InlineKey[];
  /** Session parameters as written (KDR=, UNENCRYPTED_SRTP, WSH=, ...; RFC 4568 §6.3). */
  readonly sessionParams: readonly string[];
}

function parseLifetime(text: string): number {
  const power = /^2\^(\d{1,2})$/.exec(text);
  const n = power ? 2 ** Number(power[1]) : /^\d{1,15}$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || (power && Number(power[1]) > 48)) throw new CryptoAttributeError(`bad key lifetime "${text}"`);
  return n;
}

function parseInlineKey(text: string): InlineKey {
  if (!text.startsWith('inline:')) throw new CryptoAttributeError('only the "inline:" key method is defined (RFC 4568 §6.1)');
  const [key, ...rest] = text.slice(7).split('|');
  let keySalt: Uint8Array;
  try {
    keySalt = fromBase64(key);
  } catch (e) {
    throw new CryptoAttributeError(`inline key: ${(e as Error).message}`);
  }
  if (keySalt.length === 0) throw new CryptoAttributeError('inline key is empty');
  if (rest.length > 2) throw new CryptoAttributeError('inline key has too many "|" fields');
  let lifetime: number | undefined;
  let mki: InlineKey['mki'];
  for (const field of rest) {
    const m = /^(\d{1,10}):(\d{1,3})$/.exec(field);
    if (m) {
      if (mki) throw new CryptoAttributeError('MKI given twice');
      const length = Number(m[2]);
      if (length < 1 || length > 128) throw new CryptoAttributeError('MKI length must be 1..128 bytes');
      mki = { value: Number(m[1]), length };
    } else {
      if (lifetime !== undefined || mki) throw new CryptoAttributeError(`bad inline key field "${field}"`);
      lifetime = parseLifetime(field);
    }
  }
  return { keySalt, ...(lifetime !== undefined ? { lifetime } : {}), ...(mki ? { mki } : {}) };
}

export function parseCryptoAttribute(attribute: Attribute): CryptoAttribute {
  if (attribute.name !== CRYPTO) throw new CryptoAttributeError(`not a crypto attribute: ${attribute.name}`);
  const parts = (attribute.value ?? '').split(' ').filter((p) => p.length > 0);
  if (parts.length < 3) throw new CryptoAttributeError('crypto is "<tag> <suite> <key-params> [<session-params>]"');
  if (!/^\d{1,9}$/.test(parts[0])) throw new CryptoAttributeError(`bad tag "${parts[0]}"`);
  if (!/^[A-Za-z0-9_]+$/.test(parts[1])) throw new CryptoAttributeError(`bad crypto suite "${parts[1]}"`);
  return {
    tag: Number(parts[0]),
    suite: parts[1],
    keys: parts[2].split(';').map(parseInlineKey),
    sessionParams: parts.slice(3),
  };
}

function formatLifetime(n: number): string {
  const log = Math.log2(n);
  return Number.isInteger(log) ? `2^${log}` : String(n);
}

export function cryptoAttribute(c: CryptoAttribute): Attribute {
  const keys = c.keys
    .map((k) => ['inline:' + toBase64(k.keySalt), ...(k.lifetime !== undefined ? [formatLifetime(k.lifetime)] : []), ...(k.mki ? [`${k.mki.value}:${k.mki.length}`] : [])].join('|'))
    .join(';');
  return { name: CRYPTO, value: [String(c.tag), c.suite, keys, ...c.sessionParams].join(' ') };
}
