// Certification path validation to a trust anchor (a reduced RFC 5280 §6.1): each certificate's
// signature is checked with its issuer's key (PKCS#1 v1.5 with SHA-256 or SHA-1), each is within
// its validity at the time the caller passes in, issuers are CAs allowed to sign certificates and
// within their path length, and no certificate carries a critical extension left unprocessed.
import { equalBytes } from '../util/bytes.js';
import type { ModExpCounter } from './modexp.js';
import { verifyPkcs1 } from './rsa.js';
import { KEY_USAGE, type Certificate } from './x509.js';

export type CertificateFailure =
  | 'empty-chain'
  | 'untrusted'
  | 'bad-signature'
  | 'expired'
  | 'not-yet-valid'
  | 'not-a-ca'
  | 'path-length'
  | 'key-usage'
  | 'unsupported-algorithm'
  | 'unknown-critical-extension';

export class CertificateError extends Error {
  // Defined, not assigned: XS on the device freezes Error.prototype, so `this.name = ...` throws.
  override name = 'CertificateError';
  constructor(readonly reason: CertificateFailure, message: string) {
    super(`certificate: ${message}`);
  }
}

function describe(cert: Certificate): string {
  return cert.commonName ?? cert.subjectAltNameUris[0] ?? `serial ${cert.serial}`;
}

function checkTime(cert: Certificate, nowMs: number): void {
  if (nowMs < cert.notBefore) throw new CertificateError('not-yet-valid', `${describe(cert)} is not valid before ${new Date(cert.notBefore).toISOString()}`);
  if (nowMs > cert.notAfter) throw new CertificateError('expired', `${describe(cert)} expired ${new Date(cert.notAfter).toISOString()}`);
}

function checkIssuer(issuer: Certificate, below: number): void {
  // RFC 5280 §6.1.4 (k), (l), (n): the issuer must be a CA, within its path length, and allowed keyCertSign.
  if (!issuer.basicConstraints?.ca) throw new CertificateError('not-a-ca', `${describe(issuer)} is not a CA`);
  const limit = issuer.basicConstraints.pathLength;
  if (limit !== undefined && below > limit) throw new CertificateError('path-length', `${describe(issuer)} allows ${limit} intermediate CAs below it`);
  if (issuer.keyUsage !== undefined && (issuer.keyUsage & KEY_USAGE.keyCertSign) === 0) {
    throw new CertificateError('key-usage', `${describe(issuer)} may not sign certificates`);
  }
}

function checkSignature(cert: Certificate, issuer: Certificate, counter?: ModExpCounter): void {
  if (!cert.signatureHash) throw new CertificateError('unsupported-algorithm', `${describe(cert)} is signed with ${cert.signatureAlgorithm}`);
  if (!verifyPkcs1(issuer.publicKey, cert.tbs, cert.signature, [cert.signatureHash], counter)) {
    throw new CertificateError('bad-signature', `the signature on ${describe(cert)} does not verify with ${describe(issuer)}'s key`);
  }
}

function checkExtensions(cert: Certificate): void {
  if (cert.unknownCriticalExtensions.length) {
    throw new CertificateError('unknown-critical-extension', `${describe(cert)} has critical extension ${cert.unknownCriticalExtensions[0]}`);
  }
}

/**
 * Validates `chain` (leaf first, then intermediates in order; the anchor itself may end it) against
 * `anchors` at `nowMs`, and returns the leaf. `leafUsage` lists keyUsage bits the leaf must allow
 * when it has a keyUsage extension. Each signature costs one modular exponentiation (`counter`).
 */
export function verifyChain(
  chain: readonly Certificate[],
  anchors: readonly Certificate[],
  nowMs: number,
  leafUsage = 0,
  counter?: ModExpCounter,
): Certificate {
  if (chain.length === 0) throw new CertificateError('empty-chain', 'no certificate was presented');
  const leaf = chain[0];
  if (leaf.keyUsage !== undefined && (leaf.keyUsage & leafUsage) !== leafUsage) {
    throw new CertificateError('key-usage', `${describe(leaf)}'s key usage does not allow this use`);
  }
  for (let i = 0; i < chain.length; i++) {
    const cert = chain[i];
    checkTime(cert, nowMs);
    checkExtensions(cert);
    if (anchors.some((a) => equalBytes(a.der, cert.der))) return leaf;
    const anchor = anchors.find((a) => equalBytes(a.subject.der, cert.issuer.der));
    const next = chain[i + 1];
    const issuer = next && equalBytes(next.subject.der, cert.issuer.der) ? next : anchor;
    if (!issuer) throw new CertificateError('untrusted', `no trusted issuer for ${describe(cert)}`);
    checkIssuer(issuer, i);
    checkSignature(cert, issuer, counter);
    if (issuer === anchor) {
      checkTime(anchor, nowMs);
      return leaf;
    }
  }
  throw new CertificateError('untrusted', `the chain of ${describe(leaf)} does not end at a trust anchor`);
}
