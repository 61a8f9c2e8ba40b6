// X.509 v3 certificates (RFC 5280 §4.1), parsed strictly from DER into what MIKEY needs: the signed
// bytes, issuer and subject, validity, the RSA public key, subjectAltName URIs, the CN, basic
// constraints and key usage. Any structural error is a DerError naming the offset.
import {
  DerError, TAG, children, decodeDer, expectTag, readBitFlags, readBitStringBytes, readBoolean, readInteger,
  readOid, readSmallInteger, readString, readTime, sequence, type DerNode,
} from './der.js';
import { parseRsaSubjectPublicKeyInfo, type RsaPublicKey } from './rsa-keys.js';
import type { SignatureHash } from './rsa.js';

export const OID = {
  sha1WithRSAEncryption: '1.2.840.113549.1.1.5',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  commonName: '2.5.4.3',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
} as const;

/** keyUsage bits (RFC 5280 §4.2.1.3), as flags of readBitFlags. */
export const KEY_USAGE = {
  digitalSignature: 1 << 0,
  nonRepudiation: 1 << 1,
  keyEncipherment: 1 << 2,
  dataEncipherment: 1 << 3,
  keyAgreement: 1 << 4,
  keyCertSign: 1 << 5,
  cRLSign: 1 << 6,
} as const;

/** Extensions this module understands; any other extension marked critical makes a chain fail. */
const KNOWN_EXTENSIONS: readonly string[] = [
  OID.keyUsage, OID.subjectAltName, OID.basicConstraints, OID.subjectKeyIdentifier, OID.authorityKeyIdentifier, OID.extKeyUsage,
];

export interface NameAttribute {
  readonly oid: string;
  readonly value: string;
}

export interface Name {
  /** The DER of the Name; issuer/subject chaining compares these bytes (RFC 5280 §7.1, binary match). */
  readonly der: Uint8Array;
  readonly attributes: readonly NameAttribute[];
}

export interface Certificate {
  /** The whole certificate as received. */
  readonly der: Uint8Array;
  /** The DER of tbsCertificate: the bytes the issuer signed. */
  readonly tbs: Uint8Array;
  readonly version: number;
  readonly serial: bigint;
  /** The signature algorithm's hash, or undefined for an algorithm this module cannot verify. */
  readonly signatureHash: SignatureHash | undefined;
  readonly signatureAlgorithm: string;
  readonly signature: Uint8Array;
  readonly issuer: Name;
  readonly subject: Name;
  readonly notBefore: number;
  readonly notAfter: number;
  readonly publicKey: RsaPublicKey;
  readonly subjectAltNameUris: readonly string[];
  readonly commonName: string | undefined;
  /** basicConstraints (RFC 5280 §4.2.1.9); undefined when the extension is absent. */
  readonly basicConstraints: { readonly ca: boolean; readonly pathLength: number | undefined } | undefined;
  /** keyUsage flags (KEY_USAGE); undefined when the extension is absent (no restriction). */
  readonly keyUsage: number | undefined;
  /** OIDs of critical extensions this module does not process. */
  readonly unknownCriticalExtensions: readonly string[];
}

function algorithm(node: DerNode | undefined, offset: number): string {
  const [oid, params, extra] = sequence(node, 'AlgorithmIdentifier', offset);
  const name = readOid(expectTag(oid, TAG.OID, 'algorithm OID', offset));
  // RFC 4055 §5 / RFC 3279 §2.2.1: PKCS#1 v1.5 signature algorithms carry NULL parameters.
  if (extra || (params && (params.tag !== TAG.NULL || params.value.length !== 0))) {
    if (name === OID.sha1WithRSAEncryption || name === OID.sha256WithRSAEncryption) {
      throw new DerError('RSA signature algorithm parameters must be NULL', node!.offset);
    }
  }
  return name;
}

function parseName(node: DerNode | undefined, what: string, offset: number): Name {
  const attributes: NameAttribute[] = [];
  for (const rdn of sequence(node, what, offset)) {
    for (const atv of sequence(rdn, `${what} RDN`, rdn.offset, TAG.SET)) {
      const [type, value, extra] = sequence(atv, `${what} attribute`, atv.offset);
      if (!value || extra) throw new DerError(`${what} attribute must be a type and a value`, atv.offset);
      attributes.push({ oid: readOid(expectTag(type, TAG.OID, 'attribute type', atv.offset)), value: readString(value) });
    }
  }
  return { der: node!.raw, attributes };
}

interface Extensions {
  subjectAltNameUris: string[];
  basicConstraints: Certificate['basicConstraints'];
  keyUsage: number | undefined;
  unknownCritical: string[];
}

function parseExtensions(node: DerNode): Extensions {
  const out: Extensions = { subjectAltNameUris: [], basicConstraints: undefined, keyUsage: undefined, unknownCritical: [] };
  const seen = new Set<string>();
  const list = children(node);
  if (list.length !== 1) throw new DerError('extensions [3] must hold one SEQUENCE', node.offset);
  const extensions = sequence(list[0], 'Extensions', node.offset);
  if (extensions.length === 0) throw new DerError('empty Extensions', node.offset);
  for (const ext of extensions) {
    const fields = sequence(ext, 'Extension', ext.offset);
    const id = readOid(expectTag(fields[0], TAG.OID, 'extnID', ext.offset));
    let critical = false;
    let valueNode = fields[1];
    if (valueNode && valueNode.tag === TAG.BOOLEAN) {
      critical = readBoolean(valueNode);
      // X.690 §11.5: a DEFAULT value is never encoded in DER.
      if (!critical) throw new DerError('critical FALSE must be omitted', valueNode.offset);
      valueNode = fields[2];
      if (fields.length !== 3) throw new DerError('Extension has extra fields', ext.offset);
    } else if (fields.length !== 2) {
      throw new DerError('Extension must be extnID, [critical], extnValue', ext.offset);
    }
    const value = expectTag(valueNode, TAG.OCTET_STRING, 'extnValue', ext.offset);
    // RFC 5280 §4.2: a certificate must not include more than one instance of an extension.
    if (seen.has(id)) throw new DerError(`duplicate extension ${id}`, ext.offset);
    seen.add(id);
    switch (id) {
      case OID.subjectAltName:
        for (const name of sequence(readNodeAt(value), 'GeneralNames', value.valueOffset)) {
          // GeneralName uniformResourceIdentifier [6] IA5String, implicitly tagged (RFC 5280 §4.2.1.6).
          if (name.tag === 0x86) out.subjectAltNameUris.push(readString({ ...name, tag: TAG.IA5_STRING }));
        }
        break;
      case OID.basicConstraints: {
        const [first, second, extra] = sequence(readNodeAt(value), 'BasicConstraints', value.valueOffset);
        if (extra) throw new DerError('BasicConstraints has extra fields', extra.offset);
        let ca = false;
        let pathNode = first;
        if (first && first.tag === TAG.BOOLEAN) {
          ca = readBoolean(first);
          if (!ca) throw new DerError('cA FALSE must be omitted', first.offset);
          pathNode = second;
        } else if (second) {
          throw new DerError('BasicConstraints fields out of order', second.offset);
        }
        out.basicConstraints = { ca, pathLength: pathNode ? readSmallInteger(pathNode) : undefined };
        break;
      }
      case OID.keyUsage:
        out.keyUsage = readBitFlags(readNodeAt(value));
        break;
      default:
        if (!KNOWN_EXTENSIONS.includes(id) && critical) out.unknownCritical.push(id);
    }
  }
  return out;
}

/** The single TLV inside an OCTET STRING, with offsets into the outer input. */
function readNodeAt(octets: DerNode): DerNode {
  const nodes = children({ ...octets, constructed: true });
  if (nodes.length !== 1) throw new DerError('extnValue must hold exactly one value', octets.offset);
  return nodes[0];
}

/** Parses one DER certificate (RFC 5280 §4.1). */
export function parseCertificate(der: Uint8Array): Certificate {
  const root = decodeDer(der);
  const [tbsNode, sigAlgNode, sigNode, extra] = sequence(root, 'Certificate', 0);
  if (extra) throw new DerError('Certificate has extra fields', extra.offset);
  const signatureAlgorithm = algorithm(sigAlgNode, root.offset);
  const signature = readBitStringBytes(expectTag(sigNode, TAG.BIT_STRING, 'signatureValue', root.offset));
  const tbs = sequence(tbsNode, 'TBSCertificate', root.offset);
  let i = 0;
  let version = 1;
  if (tbs[0] && tbs[0].tag === 0xa0) {
    const inner = children(tbs[0]);
    if (inner.length !== 1) throw new DerError('version [0] must hold one INTEGER', tbs[0].offset);
    version = readSmallInteger(inner[0]) + 1;
    if (version !== 3) throw new DerError(`only X.509 v3 is accepted, got v${version}`, tbs[0].offset);
    i++;
  } else {
    throw new DerError('only X.509 v3 is accepted (version field missing)', tbsNode!.offset);
  }
  const serialNode = expectTag(tbs[i++], TAG.INTEGER, 'serialNumber', tbsNode!.offset);
  const serial = readInteger(serialNode);
  const innerAlgorithm = algorithm(tbs[i++], tbsNode!.offset);
  // RFC 5280 §4.1.1.2: signatureAlgorithm must equal tbsCertificate.signature.
  if (innerAlgorithm !== signatureAlgorithm) throw new DerError('signature algorithms inside and outside tbsCertificate differ', tbsNode!.offset);
  const issuer = parseName(tbs[i++], 'issuer', tbsNode!.offset);
  const [notBeforeNode, notAfterNode, extraTime] = sequence(tbs[i++], 'Validity', tbsNode!.offset);
  if (!notBeforeNode || !notAfterNode || extraTime) throw new DerError('Validity must be notBefore, notAfter', tbsNode!.offset);
  const notBefore = readTime(notBeforeNode);
  const notAfter = readTime(notAfterNode);
  const subject = parseName(tbs[i++], 'subject', tbsNode!.offset);
  const spki = tbs[i++];
  if (!spki) throw new DerError('missing subjectPublicKeyInfo', tbsNode!.offset);
  const publicKey = parseRsaSubjectPublicKeyInfo(spki);
  if (tbs[i] && tbs[i].tag === 0x81) i++;
  if (tbs[i] && tbs[i].tag === 0x82) i++;
  let ext: Extensions = { subjectAltNameUris: [], basicConstraints: undefined, keyUsage: undefined, unknownCritical: [] };
  if (tbs[i] && tbs[i].tag === 0xa3) ext = parseExtensions(tbs[i++]);
  if (tbs[i]) throw new DerError('unexpected field in TBSCertificate', tbs[i].offset);
  const cn = subject.attributes.find((a) => a.oid === OID.commonName);
  return {
    der,
    tbs: tbsNode!.raw,
    version,
    serial,
    signatureAlgorithm,
    signatureHash:
      signatureAlgorithm === OID.sha256WithRSAEncryption ? 'sha256' : signatureAlgorithm === OID.sha1WithRSAEncryption ? 'sha1' : undefined,
    signature,
    issuer,
    subject,
    notBefore,
    notAfter,
    publicKey,
    subjectAltNameUris: ext.subjectAltNameUris,
    commonName: cn?.value,
    basicConstraints: ext.basicConstraints,
    keyUsage: ext.keyUsage,
    unknownCriticalExtensions: ext.unknownCritical,
  };
}
