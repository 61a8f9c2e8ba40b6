// SRTP key derivation (RFC 3711 §4.3): session keys from the master key and salt with the AES-CM PRF.
import type { AesKey } from '../../hal/contracts.js';

/** Key derivation labels (RFC 3711 §4.3.2). */
export const LABEL_SRTP_ENCRYPTION = 0x00;
export const LABEL_SRTP_AUTH = 0x01;
export const LABEL_SRTP_SALT = 0x02;
export const LABEL_SRTCP_ENCRYPTION = 0x03;
export const LABEL_SRTCP_AUTH = 0x04;
export const LABEL_SRTCP_SALT = 0x05;

/** The largest key derivation rate, 2^24 (RFC 3711 §4.3.1). */
export const MAX_KDR = 2 ** 24;

/** True for 0 (derive once) and the powers of two up to 2^24 (RFC 3711 §4.3.1). */
export function isValidKdr(kdr: number): boolean {
  if (kdr === 0) return true;
  for (let p = 1; p <= MAX_KDR; p *= 2) if (p === kdr) return true;
  return false;
}

/** r = index DIV kdr, with r = 0 when kdr is 0 (RFC 3711 §4.3.1). */
export function keyDerivationIndex(index: number, kdr: number): number {
  return kdr === 0 ? 0 : Math.floor(index / kdr);
}

/**
 * Derives one session key (RFC 3711 §4.3.1, §4.3.3): key_id = label ‖ r, x = key_id XOR
 * master_salt (right-aligned in 112 bits), output = AES-CM keystream under the master key from
 * IV = x · 2^16. `rBytes` is the width of r: 6 (a 48-bit SRTP index) or 4 (a 32-bit SRTCP index,
 * as NIST's SRTP KDF vectors place it). A 12-byte AEAD master salt is padded on the right with zeros (libsrtp, RFC 7714 §12).
 */
export function deriveSessionKey(
  master: AesKey,
  masterSalt: Uint8Array,
  label: number,
  r: number,
  rBytes: 4 | 6,
  length: number,
): Uint8Array {
  const iv = new Uint8Array(16);
  iv.set(masterSalt.subarray(0, 14));
  const labelAt = 13 - rBytes;
  iv[labelAt] ^= label;
  for (let i = 13, v = r; i > labelAt; i--) {
    iv[i] ^= v % 256;
    v = Math.floor(v / 256);
  }
  const out = new Uint8Array(length);
  master.ctrXor(iv, out);
  return out;
}

