// What MIKEY's public-key modes share: the party's credentials, the SIGN payload's signature
// (RFC 3830 §5.2, §6.5: over the whole message up to the signature field, S type 0 = RSA PKCS#1
// v1.5, 1 = RSA-PSS), and the check of a peer's certificate chain and identity (RFC 3830 §4.3,
// RFC 4567 §4.2), each failure mapped to the ERR code the responder answers with (RFC 3830 §6.12).
import type { Random } from '../../hal/contracts.js';
import { CertificateError, verifyChain } from '../pki/chain.js';
import { DerError } from '../pki/der.js';
import { identityMatches } from '../pki/identity.js';
import { bitLength, type ModExpCounter } from '../pki/modexp.js';
import { modulusBytes, parseRsaPrivateKey, type RsaPrivateKey, type RsaPublicKey } from '../pki/rsa-keys.js';
import { signPkcs1, signPss, verifyPkcs1, verifyPss, type SignatureHash } from '../pki/rsa.js';
import { KEY_USAGE, parseCertificate, type Certificate } from '../pki/x509.js';

/** SIGN payload S type (RFC 3830 §6.5). */
export const SIGN_TYPE = { RSA_PKCS1: 0, RSA_PSS: 1 } as const;
export type SignType = (typeof SIGN_TYPE)[keyof typeof SIGN_TYPE];

/** ERR payload error numbers (RFC 3830 §6.12) the public-key modes answer with. */
export const PK_ERROR = {
  AUTH_FAILURE: 0,
  INVALID_TS: 1,
  HASH_NOT_SUPPORTED: 5,
  DH_GROUP_NOT_SUPPORTED: 6,
  ID_NOT_SUPPORTED: 7,
  CERT_NOT_SUPPORTED: 8,
  DATA_TYPE_NOT_SUPPORTED: 11,
  UNSPECIFIED: 12,
} as const;

/** The smallest peer RSA key accepted: 1024 bits, what the tests use on XS; deployments should use 2048. */
export const MIN_RSA_BITS = 1024;

/** A phone's own public-key credentials, kept in flash through the settings store. */
export interface PkCredentials {
  /** The phone's SIP URI: what its certificate's subjectAltName says. */
  readonly uri: string;
  /** Its certificate chain as DER, leaf first (intermediates follow; the anchor may be left out). */
  readonly chain: readonly Uint8Array[];
  readonly privateKey: RsaPrivateKey;
  /** Trust anchors: CA certificates, already parsed. */
  readonly anchors: readonly Certificate[];
  /** How this phone signs (S type); verification accepts both types. Default RSA PKCS#1 v1.5. */
  readonly signType?: SignType;
  /** The hash for its own signatures; default SHA-256. Verification accepts SHA-256 and SHA-1. */
  readonly signHash?: SignatureHash;
}

/** Builds credentials from the DER blobs the settings store keeps (leaf first; PKCS#1 or PKCS#8 key). */
export function loadPkCredentials(uri: string, chain: readonly Uint8Array[], privateKey: Uint8Array, anchors: readonly Uint8Array[], options: { signType?: SignType; signHash?: SignatureHash } = {}): PkCredentials {
  return { uri, chain, privateKey: parseRsaPrivateKey(privateKey), anchors: anchors.map(parseCertificate), ...options };
}

/** Work for one exchange: randomness, the time, and an optional counter of modular exponentiations. */
export interface PkEnvironment {
  readonly random: Random;
  /** Wall-clock milliseconds since the Unix epoch (certificate validity, T payloads). */
  readonly nowMs: number;
  readonly counter?: ModExpCounter;
}

/** A refusal: the ERR number to answer with and a reason for the log. Nothing was installed. */
export class PkRefusal extends Error {
  // Defined, not assigned: XS on the device freezes Error.prototype, so `this.name = ...` throws.
  override name = 'PkRefusal';
  constructor(readonly errorNo: number, reason: string) {
    super(reason);
  }
}

export function signatureLength(key: RsaPublicKey): number {
  return modulusBytes(key);
}

/**
 * Signs `signed` (the encoded message up to, not including, the signature bytes: RFC 3830 §5.2, the
 * signature covers the entire MIKEY message except the Signature field itself).
 */
export function signMessage(self: PkCredentials, signed: Uint8Array, env: PkEnvironment): Uint8Array {
  const hash = self.signHash ?? 'sha256';
  return (self.signType ?? SIGN_TYPE.RSA_PKCS1) === SIGN_TYPE.RSA_PSS
    ? signPss(self.privateKey, hash, signed, env.random, env.counter)
    : signPkcs1(self.privateKey, hash, signed, env.counter);
}

/** Verifies a SIGN payload's signature over `signed` with the peer's key; S type 0 or 1. */
export function verifyMessageSignature(key: RsaPublicKey, signType: number, signed: Uint8Array, signature: Uint8Array, counter?: ModExpCounter): boolean {
  if (signType === SIGN_TYPE.RSA_PKCS1) return verifyPkcs1(key, signed, signature, ['sha256', 'sha1'], counter);
  if (signType === SIGN_TYPE.RSA_PSS) return verifyPss(key, 'sha256', signed, signature, counter) || verifyPss(key, 'sha1', signed, signature, counter);
  throw new PkRefusal(PK_ERROR.HASH_NOT_SUPPORTED, `SIGN type ${signType} is not supported`);
}

/**
 * Parses and validates a peer's certificate chain (CERT payloads, leaf first) against our trust
 * anchors and checks it vouches for every claimed identity (ID payload URI, SIP From/To URI).
 * Cheap: one public-key operation per certificate. Throws PkRefusal with the ERR number.
 */
export function authenticatePeer(
  chainDer: readonly Uint8Array[],
  self: PkCredentials,
  claimed: readonly string[],
  env: PkEnvironment,
  leafUsage: number = KEY_USAGE.digitalSignature,
): Certificate {
  let chain: Certificate[];
  try {
    chain = chainDer.map(parseCertificate);
  } catch (e) {
    if (e instanceof DerError) throw new PkRefusal(PK_ERROR.CERT_NOT_SUPPORTED, `unreadable certificate: ${e.message}`);
    throw e;
  }
  if (chain.length === 0) throw new PkRefusal(PK_ERROR.CERT_NOT_SUPPORTED, 'no certificate');
  if (bitLength(chain[0].publicKey.n) < MIN_RSA_BITS) throw new PkRefusal(PK_ERROR.CERT_NOT_SUPPORTED, `RSA keys below ${MIN_RSA_BITS} bits are refused`);
  // Identity first: it costs nothing, and a mismatch needs no signature check (DoS, seed §2.1.3).
  if (!identityMatches(chain[0], ...claimed)) {
    throw new PkRefusal(PK_ERROR.AUTH_FAILURE, `certificate does not vouch for ${claimed.join(', ')}`);
  }
  try {
    return verifyChain(chain, self.anchors, env.nowMs, leafUsage, env.counter);
  } catch (e) {
    if (e instanceof CertificateError) {
      const errorNo = e.reason === 'unsupported-algorithm' ? PK_ERROR.CERT_NOT_SUPPORTED : PK_ERROR.AUTH_FAILURE;
      throw new PkRefusal(errorNo, e.message);
    }
    throw e;
  }
}
