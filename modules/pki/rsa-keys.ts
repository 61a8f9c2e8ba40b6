// RSA key formats (RFC 8017 Appendix A.1): RSAPublicKey inside an X.509 SubjectPublicKeyInfo
// (RFC 5280 §4.1.2.7, RFC 3279 §2.3.1), and RSAPrivateKey bare (PKCS#1) or wrapped in a PKCS#8
// PrivateKeyInfo (RFC 5208 §5), which is what `openssl genpkey` writes.
import { DerError, TAG, decodeDer, expectTag, readBitStringBytes, readInteger, readOid, sequence, type DerNode } from './der.js';

export const OID_RSA_ENCRYPTION = '1.2.840.113549.1.1.1';

export interface RsaPublicKey {
  readonly n: bigint;
  readonly e: bigint;
}

/** A private key with its CRT components (RFC 8017 §3.2, second representation). */
export interface RsaPrivateKey extends RsaPublicKey {
  readonly d: bigint;
  readonly p: bigint;
  readonly q: bigint;
  readonly dp: bigint;
  readonly dq: bigint;
  readonly qi: bigint;
}

/** Modulus length in bytes (k in RFC 8017). */
export function modulusBytes(key: RsaPublicKey): number {
  return Math.ceil(key.n.toString(16).length / 2);
}

function positive(node: DerNode, what: string): bigint {
  const n = readInteger(node);
  if (n <= 0n) throw new DerError(`${what} must be positive`, node.offset);
  return n;
}

/** RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }. */
export function parseRsaPublicKey(der: Uint8Array): RsaPublicKey {
  const root = decodeDer(der);
  const [n, e, extra] = sequence(root, 'RSAPublicKey', 0);
  if (!n || !e || extra) throw new DerError('RSAPublicKey must hold exactly n and e', root.offset);
  const key = { n: positive(n, 'modulus'), e: positive(e, 'public exponent') };
  if (key.e < 3n || (key.e & 1n) === 0n || key.e >= key.n) throw new DerError('bad public exponent', e.offset);
  return key;
}

/** SubjectPublicKeyInfo with algorithm rsaEncryption (parameters NULL, RFC 3279 §2.3.1). */
export function parseRsaSubjectPublicKeyInfo(node: DerNode): RsaPublicKey {
  const [algorithm, bits, extra] = sequence(node, 'SubjectPublicKeyInfo', node.offset);
  if (extra) throw new DerError('SubjectPublicKeyInfo has extra fields', extra.offset);
  const [oid, params] = sequence(algorithm, 'AlgorithmIdentifier', node.offset);
  const name = readOid(expectTag(oid, TAG.OID, 'algorithm', node.offset));
  if (name !== OID_RSA_ENCRYPTION) throw new DerError(`public key algorithm ${name} is not RSA`, oid.offset);
  if (params && (params.tag !== TAG.NULL || params.value.length !== 0)) throw new DerError('rsaEncryption parameters must be NULL', params.offset);
  const inner = readBitStringBytes(expectTag(bits, TAG.BIT_STRING, 'subjectPublicKey', node.offset));
  try {
    return parseRsaPublicKey(inner);
  } catch (e) {
    if (e instanceof DerError) throw new DerError(`in subjectPublicKey: ${e.message}`, bits.valueOffset + 1 + e.offset);
    throw e;
  }
}

function parseRsaPrivateKeySequence(node: DerNode): RsaPrivateKey {
  const fields = sequence(node, 'RSAPrivateKey', node.offset);
  // version 0 = two-prime (RFC 8017 A.1.2); multi-prime keys (version 1) are not used here.
  if (fields.length !== 9) throw new DerError('RSAPrivateKey must be a two-prime key with 9 fields', node.offset);
  if (readInteger(fields[0]) !== 0n) throw new DerError('RSAPrivateKey version must be 0', fields[0].offset);
  const [n, e, d, p, q, dp, dq, qi] = fields.slice(1).map((f, i) => positive(f, `RSAPrivateKey field ${i + 1}`));
  if (p * q !== n) throw new DerError('RSAPrivateKey: p·q ≠ n', node.offset);
  if (dp !== d % (p - 1n) || dq !== d % (q - 1n) || (qi * q) % p !== 1n) throw new DerError('RSAPrivateKey: inconsistent CRT values', node.offset);
  return { n, e, d, p, q, dp, dq, qi };
}

/** Either a PKCS#1 RSAPrivateKey or a PKCS#8 PrivateKeyInfo holding one. */
export function parseRsaPrivateKey(der: Uint8Array): RsaPrivateKey {
  const root = decodeDer(der);
  const fields = sequence(root, 'private key', 0);
  if (fields.length === 9) return parseRsaPrivateKeySequence(root);
  const [version, algorithm, octets] = fields;
  if (!version || readInteger(version) !== 0n) throw new DerError('PrivateKeyInfo version must be 0', root.offset);
  const [oid] = sequence(algorithm, 'AlgorithmIdentifier', root.offset);
  if (readOid(expectTag(oid, TAG.OID, 'algorithm', root.offset)) !== OID_RSA_ENCRYPTION) throw new DerError('private key is not RSA', oid.offset);
  const inner = expectTag(octets, TAG.OCTET_STRING, 'privateKey', root.offset);
  return parseRsaPrivateKeySequence(decodeDer(inner.value));
}

/** A DER header (tag and definite length, X.690 §8.1.3) for `length` content bytes. */
function derHeader(tag: number, length: number): number[] {
  if (length < 0x80) return [tag, length];
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return [tag, 0x80 | bytes.length, ...bytes];
}

/** AlgorithmIdentifier { rsaEncryption, NULL } (RFC 3279 §2.3.1), DER. */
const RSA_ALGORITHM = Uint8Array.of(0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00);

/**
 * An RSA private key as PKCS#8 PrivateKeyInfo (RFC 5208 §5), what TLS stacks take: `der` itself when
 * it is one, a bare PKCS#1 RSAPrivateKey wrapped (the phone's stored key may be either). Throws
 * DerError when `der` is neither.
 */
export function pkcs8RsaPrivateKey(der: Uint8Array): Uint8Array {
  parseRsaPrivateKey(der);
  if (sequence(decodeDer(der), 'private key', 0).length !== 9) return der;
  const octets = [...derHeader(TAG.OCTET_STRING, der.length)];
  const body = 3 + RSA_ALGORITHM.length + octets.length + der.length;
  const header = derHeader(TAG.SEQUENCE, body);
  const out = new Uint8Array(header.length + body);
  out.set(header, 0);
  let at = header.length;
  out.set([TAG.INTEGER, 1, 0], at);
  at += 3;
  out.set(RSA_ALGORITHM, at);
  at += RSA_ALGORITHM.length;
  out.set(octets, at);
  out.set(der, at + octets.length);
  return out;
}
