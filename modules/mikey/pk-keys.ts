// Key derivation and message protection for the public-key modes: MIKEY's PRF (RFC 3830 §4.1.2,
// with the full last 256-bit block), the transport keys from the envelope key or the DHHMAC PSK
// (§4.1.4), the SRTP master key and salt per crypto session from the TGK (§4.1.3), KEMAC's
// AES-CM-128 encryption (§4.2.3) and HMAC-SHA-1-160 MAC (§4.2.4), and the V payload's MAC (§5.2).
import type { Crypto } from '../../hal/contracts.js';
import { concatBytes } from '../util/bytes.js';

const LABEL = {
  tek: 0x2ad01c64,
  salt: 0x39a2c14b,
  transportEncr: 0x150533e1,
  transportAuth: 0x2d22ac75,
  transportSalt: 0x29b88916,
} as const;

function u32(v: number): Uint8Array {
  return Uint8Array.of((v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
}

/** P(s, label, m) (RFC 3830 §4.1.2): HMAC-SHA-1 in feedback mode, m·20 bytes. */
function pSha1(crypto: Crypto, s: Uint8Array, label: Uint8Array, m: number): Uint8Array {
  const hmac = crypto.hmacSha1Key(s);
  const out = new Uint8Array(m * 20);
  let a = label;
  for (let i = 0; i < m; i++) {
    const next = new Uint8Array(20);
    hmac.mac([a], next);
    a = next;
    hmac.mac([a, label], out.subarray(i * 20, i * 20 + 20));
  }
  return out;
}

/** PRF(inkey, label) truncated to `length` bytes (RFC 3830 §4.1.2): inkey in 256-bit blocks, XORed. */
export function mikeyPrf(crypto: Crypto, inkey: Uint8Array, label: Uint8Array, length: number): Uint8Array {
  const m = Math.ceil(length / 20);
  const out = new Uint8Array(m * 20);
  for (let offset = 0; offset < inkey.length; offset += 32) {
    const p = pSha1(crypto, inkey.subarray(offset, Math.min(offset + 32, inkey.length)), label, m);
    for (let i = 0; i < out.length; i++) out[i] ^= p[i];
  }
  return out.slice(0, length);
}

export interface TransportKeys {
  readonly encrKey: Uint8Array;
  readonly authKey: Uint8Array;
  readonly saltKey: Uint8Array;
}

/** encr_key (16), auth_key (20) and salt_key (14) from the envelope key or PSK (RFC 3830 §4.1.4). */
export function transportKeys(crypto: Crypto, inkey: Uint8Array, csbId: number, rand: Uint8Array): TransportKeys {
  const label = (constant: number) => concatBytes(u32(constant), Uint8Array.of(0xff), u32(csbId), rand);
  return {
    encrKey: mikeyPrf(crypto, inkey, label(LABEL.transportEncr), 16),
    authKey: mikeyPrf(crypto, inkey, label(LABEL.transportAuth), 20),
    saltKey: mikeyPrf(crypto, inkey, label(LABEL.transportSalt), 14),
  };
}

/** SRTP master key and salt for one crypto session (csId is 1-based), as issue 3 names them. */
export interface SrtpKeys {
  readonly csId: number;
  readonly masterKey: Uint8Array;
  readonly masterSalt: Uint8Array;
}

/** TEK (master key, 16 bytes) and salting key (14 bytes) per crypto session (RFC 3830 §4.1.3). */
export function srtpKeys(crypto: Crypto, tgk: Uint8Array, csbId: number, rand: Uint8Array, sessions: number): SrtpKeys[] {
  const out: SrtpKeys[] = [];
  for (let csId = 1; csId <= sessions; csId++) {
    const label = (constant: number) => concatBytes(u32(constant), Uint8Array.of(csId), u32(csbId), rand);
    out.push({ csId, masterKey: mikeyPrf(crypto, tgk, label(LABEL.tek), 16), masterSalt: mikeyPrf(crypto, tgk, label(LABEL.salt), 14) });
  }
  return out;
}

/**
 * KEMAC AES-CM-128 (RFC 3830 §4.2.3): IV = (salt_key XOR (0x0000 ‖ CSB ID ‖ T)) ‖ 0x0000, where T
 * is the 64-bit value of the message's T payload. Encrypts or decrypts (XOR) a copy of `data`.
 */
export function kemacCipher(crypto: Crypto, keys: TransportKeys, csbId: number, t: Uint8Array, data: Uint8Array): Uint8Array {
  const iv = new Uint8Array(16);
  iv.set(keys.saltKey, 0);
  const mix = concatBytes(new Uint8Array(2), u32(csbId), t);
  for (let i = 0; i < 14; i++) iv[i] ^= mix[i];
  const out = data.slice();
  crypto.aesKey(keys.encrKey).ctrXor(iv, out);
  return out;
}

/** HMAC-SHA-1-160 over the concatenation of `parts` (RFC 3830 §4.2.4). */
export function hmacSha1(crypto: Crypto, key: Uint8Array, parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(20);
  crypto.hmacSha1Key(key).mac(parts, out);
  return out;
}
