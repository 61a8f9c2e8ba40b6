// RSA operations MIKEY uses (RFC 8017): RSAES-PKCS1-v1_5 for the PKE envelope key (RFC 3830 §6.4
// PKE payload), RSASSA-PKCS1-v1_5 and RSASSA-PSS for the SIGN payload (RFC 3830 §6.5, S type 0
// and 1), and PKCS#1 v1.5 certificate signatures (RFC 5280 §4.1.1.3). micro-rsa-dsa-dh supplies the
// arithmetic, MGF1 and PSS verification; its encryption and signing draw randomness from
// globalThis.crypto, which XS lacks, and do not use the CRT, so those two are done here with the
// caller's Random and the key's CRT components (RFC 8017 §5.1.2 step 2.b, two half-size
// exponentiations).
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { PSS, mgf1 } from 'micro-rsa-dsa-dh/rsa.js';
import type { Random } from '../../hal/contracts.js';
import { concatBytes, constantTimeEqual } from '../util/bytes.js';
import { I2OSP, OS2IP, bitLength, modPow, type ModExpCounter } from './modexp.js';
import { modulusBytes, type RsaPrivateKey, type RsaPublicKey } from './rsa-keys.js';

/** A padding, length or range check failed; the message is deliberately uninformative. */
export class RsaError extends Error {
  // Defined, not assigned: XS on the device freezes Error.prototype, so `this.name = ...` throws.
  override name = 'RsaError';
}

export type SignatureHash = 'sha1' | 'sha256';

/** DER of DigestInfo up to the digest bytes (RFC 8017 §9.2 note 1). */
const HASHES = {
  sha1: { hash: sha1, prefix: Uint8Array.from([0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14]) },
  sha256: {
    hash: sha256,
    prefix: Uint8Array.from([0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20]),
  },
} as const;

export function digest(hash: SignatureHash, message: Uint8Array): Uint8Array {
  return HASHES[hash].hash(message);
}

function publicOp(key: RsaPublicKey, x: bigint, counter?: ModExpCounter): bigint {
  if (x >= key.n) throw new RsaError('representative out of range');
  return modPow(x, key.e, key.n, counter);
}

/** RSADP / RSASP1 with the CRT (RFC 8017 §5.1.2 2.b): two exponentiations modulo p and q. */
function privateOp(key: RsaPrivateKey, x: bigint, counter?: ModExpCounter): bigint {
  if (x >= key.n) throw new RsaError('representative out of range');
  const m1 = modPow(x % key.p, key.dp, key.p, counter);
  const m2 = modPow(x % key.q, key.dq, key.q, counter);
  let h = ((m1 - m2) * key.qi) % key.p;
  if (h < 0n) h += key.p;
  return m2 + h * key.q;
}

/** RSAES-PKCS1-v1_5-ENCRYPT (RFC 8017 §7.2.1). */
export function rsaEncryptPkcs1(key: RsaPublicKey, message: Uint8Array, random: Random, counter?: ModExpCounter): Uint8Array {
  const k = modulusBytes(key);
  if (message.length > k - 11) throw new RsaError('message too long');
  const ps = new Uint8Array(k - message.length - 3);
  // PS: non-zero random octets (step 2.a); redraw zeros.
  for (let filled = 0; filled < ps.length; ) {
    const chunk = random.bytes(ps.length - filled);
    for (let i = 0; i < chunk.length && filled < ps.length; i++) if (chunk[i] !== 0) ps[filled++] = chunk[i];
  }
  const em = concatBytes(Uint8Array.of(0x00, 0x02), ps, Uint8Array.of(0x00), message);
  return I2OSP(publicOp(key, OS2IP(em), counter), k);
}

/**
 * RSAES-PKCS1-v1_5-DECRYPT (RFC 8017 §7.2.2). Every failure is the same RsaError, and the padding
 * is scanned to the end whatever it holds, so a caller that also answers every failure the same way
 * gives a Bleichenbacher-style oracle nothing to measure.
 */
export function rsaDecryptPkcs1(key: RsaPrivateKey, ciphertext: Uint8Array, counter?: ModExpCounter): Uint8Array {
  const k = modulusBytes(key);
  if (ciphertext.length !== k || k < 11) throw new RsaError('decryption error');
  const c = OS2IP(ciphertext);
  if (c >= key.n) throw new RsaError('decryption error');
  const em = I2OSP(privateOp(key, c, counter), k);
  let separator = 0;
  for (let i = 2; i < k; i++) if (em[i] === 0 && separator === 0) separator = i;
  const good = em[0] === 0x00 && em[1] === 0x02 && separator >= 10;
  if (!good) throw new RsaError('decryption error');
  return em.slice(separator + 1);
}

function emsaPkcs1(hash: SignatureHash, message: Uint8Array, k: number): Uint8Array {
  const t = concatBytes(HASHES[hash].prefix, digest(hash, message));
  if (k < t.length + 11) throw new RsaError('modulus too short for this hash');
  const ps = new Uint8Array(k - t.length - 3).fill(0xff);
  return concatBytes(Uint8Array.of(0x00, 0x01), ps, Uint8Array.of(0x00), t);
}

/** RSASSA-PKCS1-v1_5-SIGN (RFC 8017 §8.2.1). */
export function signPkcs1(key: RsaPrivateKey, hash: SignatureHash, message: Uint8Array, counter?: ModExpCounter): Uint8Array {
  const k = modulusBytes(key);
  return I2OSP(privateOp(key, OS2IP(emsaPkcs1(hash, message, k)), counter), k);
}

/**
 * RSASSA-PKCS1-v1_5-VERIFY (RFC 8017 §8.2.2) for any of `hashes`; the DigestInfo names the hash,
 * so one public operation checks them all.
 */
export function verifyPkcs1(
  key: RsaPublicKey,
  message: Uint8Array,
  signature: Uint8Array,
  hashes: readonly SignatureHash[] = ['sha256', 'sha1'],
  counter?: ModExpCounter,
): boolean {
  const k = modulusBytes(key);
  if (signature.length !== k) return false;
  const s = OS2IP(signature);
  if (s >= key.n) return false;
  const em = I2OSP(modPow(s, key.e, key.n, counter), k);
  let ok = false;
  for (const hash of hashes) {
    // A modulus too short to hold this hash's DigestInfo cannot carry a valid signature with it.
    if (k < HASHES[hash].prefix.length + HASHES[hash].hash.outputLen + 11) continue;
    if (constantTimeEqual(em, emsaPkcs1(hash, message, k))) ok = true;
  }
  return ok;
}

/** RSASSA-PSS-SIGN (RFC 8017 §8.1.1) with MGF1 of the same hash and a salt as long as the hash. */
export function signPss(key: RsaPrivateKey, hash: SignatureHash, message: Uint8Array, random: Random, counter?: ModExpCounter): Uint8Array {
  const h = HASHES[hash].hash;
  const hLen = h.outputLen;
  const emBits = bitLength(key.n) - 1;
  const emLen = Math.ceil(emBits / 8);
  if (emLen < 2 * hLen + 2) throw new RsaError('modulus too short for PSS');
  // EMSA-PSS-ENCODE (RFC 8017 §9.1.1), sLen = hLen.
  const salt = random.bytes(hLen);
  const hm = h(concatBytes(new Uint8Array(8), h(message), salt));
  const db = new Uint8Array(emLen - hLen - 1);
  db[db.length - hLen - 1] = 0x01;
  db.set(salt, db.length - hLen);
  const mask = mgf1(h)(hm, { dkLen: db.length });
  for (let i = 0; i < db.length; i++) db[i] ^= mask[i];
  db[0] &= 0xff >> (8 * emLen - emBits);
  const em = concatBytes(db, hm, Uint8Array.of(0xbc));
  return I2OSP(privateOp(key, OS2IP(em), counter), modulusBytes(key));
}

/** RSASSA-PSS-VERIFY (RFC 8017 §8.1.2) with micro-rsa-dsa-dh, salt length = hash length. */
export function verifyPss(key: RsaPublicKey, hash: SignatureHash, message: Uint8Array, signature: Uint8Array, counter?: ModExpCounter): boolean {
  const h = HASHES[hash].hash;
  if (counter) counter.count++;
  return PSS(h, mgf1(h), h.outputLen).verify({ n: key.n, e: key.e }, message, signature);
}
