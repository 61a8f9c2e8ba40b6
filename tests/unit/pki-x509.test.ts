// X.509 parsing, chain validation and identity binding on certificates made by openssl
// (tests/fixtures/pki/make-fixtures.sh says what each one holds).
import { CertificateError, verifyChain } from '../../modules/pki/chain.js';
import { certificateIdentities, identityMatches, normalizeSipUri } from '../../modules/pki/identity.js';
import { KEY_USAGE, parseCertificate } from '../../modules/pki/x509.js';
import { FIXTURE_NOW, fixtureBytes, fixtureCert, fixtureKey } from '../support/pki-fixtures.js';

const ca = fixtureCert('ca');

function failure(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof CertificateError) return e.reason;
    throw e;
  }
  return 'accepted';
}

describe('X.509 parsing', () => {
  it('reads the fields make-fixtures.sh put in Alice\'s certificate', () => {
    const alice = fixtureCert('alice');
    expect(alice.version).toBe(3);
    expect(alice.commonName).toBe('Alice');
    expect(alice.subjectAltNameUris).toEqual(['sip:alice@example.com']);
    expect(alice.basicConstraints).toEqual({ ca: false, pathLength: undefined });
    expect(alice.keyUsage).toBe(KEY_USAGE.digitalSignature | KEY_USAGE.keyEncipherment);
    expect(alice.signatureHash).toBe('sha256');
    expect(alice.issuer.attributes).toEqual([
      { oid: '2.5.4.10', value: 'Desk Phone Development' },
      { oid: '2.5.4.3', value: 'Development CA' },
    ]);
    expect(alice.notAfter - alice.notBefore).toBe(7300 * 86400 * 1000);
    expect(alice.publicKey.n).toBe(fixtureKey('alice').n);
    expect(alice.publicKey.e).toBe(65537n);
  });

  it('reads CA constraints, SHA-1 signatures and CN-only subjects', () => {
    expect(ca.basicConstraints).toEqual({ ca: true, pathLength: undefined });
    expect(ca.keyUsage).toBe(KEY_USAGE.keyCertSign | KEY_USAGE.cRLSign);
    expect(fixtureCert('inter-ca').basicConstraints).toEqual({ ca: true, pathLength: 0 });
    expect(fixtureCert('bob').signatureHash).toBe('sha1');
    expect(fixtureCert('carol').subjectAltNameUris).toEqual([]);
    expect(fixtureCert('carol').commonName).toBe('carol@example.com');
  });
});

describe('chain validation', () => {
  it('accepts leaves signed by the anchor with SHA-256 and SHA-1, and through an intermediate', () => {
    expect(verifyChain([fixtureCert('alice')], [ca], FIXTURE_NOW).commonName).toBe('Alice');
    expect(verifyChain([fixtureCert('bob')], [ca], FIXTURE_NOW).commonName).toBe('Bob');
    expect(verifyChain([fixtureCert('dave'), fixtureCert('inter-ca')], [ca], FIXTURE_NOW).commonName).toBe('Dave');
    expect(verifyChain([fixtureCert('dave'), fixtureCert('inter-ca'), ca], [ca], FIXTURE_NOW).commonName).toBe('Dave');
  });

  it('refuses untrusted, tampered, expired and not-yet-valid certificates', () => {
    expect(failure(() => verifyChain([fixtureCert('mallory')], [ca], FIXTURE_NOW))).toBe('untrusted');
    expect(failure(() => verifyChain([fixtureCert('mallory')], [fixtureCert('rogue-ca')], FIXTURE_NOW))).toBe('accepted');
    expect(failure(() => verifyChain([fixtureCert('dave')], [ca], FIXTURE_NOW))).toBe('untrusted');
    expect(failure(() => verifyChain([], [ca], FIXTURE_NOW))).toBe('empty-chain');
    const alice = fixtureCert('alice');
    expect(failure(() => verifyChain([alice], [ca], alice.notAfter + 1000))).toBe('expired');
    expect(failure(() => verifyChain([alice], [ca], alice.notBefore - 1000))).toBe('not-yet-valid');
    // Flip one bit of the signature, then one bit of the subject CN inside tbsCertificate.
    const der = fixtureBytes('alice');
    const badSignature = der.slice();
    badSignature[badSignature.length - 5] ^= 1;
    expect(failure(() => verifyChain([parseCertificate(badSignature)], [ca], FIXTURE_NOW))).toBe('bad-signature');
    const badTbs = der.slice();
    const cn = badTbs.findIndex((b, i) => b === 0x0c && badTbs[i + 1] === 5 && badTbs[i + 2] === 0x41); // UTF8String "Alice"
    badTbs[cn + 2] = 0x42;
    expect(failure(() => verifyChain([parseCertificate(badTbs)], [ca], FIXTURE_NOW))).toBe('bad-signature');
  });

  it('refuses a leaf used as an issuer and a key usage the leaf does not allow', () => {
    expect(failure(() => verifyChain([fixtureCert('dave'), fixtureCert('alice')], [ca], FIXTURE_NOW))).toBe('untrusted');
    expect(failure(() => verifyChain([fixtureCert('alice')], [ca], FIXTURE_NOW, KEY_USAGE.keyAgreement))).toBe('key-usage');
    expect(failure(() => verifyChain([fixtureCert('alice')], [ca], FIXTURE_NOW, KEY_USAGE.keyEncipherment))).toBe('accepted');
  });
});

describe('identity binding', () => {
  it('normalizes SIP URIs as RFC 3261 §19.1.4 compares them', () => {
    expect(normalizeSipUri('"Alice" <SIP:alice@Example.COM:5060;transport=udp>;tag=x')).toBe('sip:alice@example.com:5060');
    expect(normalizeSipUri('sip:Alice@example.com')).toBe('sip:Alice@example.com');
    expect(normalizeSipUri('mailto:alice@example.com')).toBe(undefined);
    expect(normalizeSipUri('<sip:alice@example.com')).toBe(undefined);
  });

  it('binds the SAN URI, else the CN, to the claimed identities', () => {
    const alice = fixtureCert('alice');
    expect(certificateIdentities(alice)).toEqual(['sip:alice@example.com']);
    expect(identityMatches(alice, 'sip:alice@example.com', 'Alice <sip:alice@EXAMPLE.com>;tag=9')).toBe(true);
    expect(identityMatches(alice, 'sip:alice@example.com', 'sip:bob@example.com')).toBe(false);
    expect(identityMatches(alice, 'sip:Alice@example.com')).toBe(false);
    expect(identityMatches(fixtureCert('carol'), 'sip:carol@example.com')).toBe(true);
    // A CN is not consulted when SAN URIs exist (RFC 5280 §4.2.1.6 puts identities in the SAN).
    expect(identityMatches(fixtureCert('bob'), 'sip:Bob')).toBe(false);
  });
});
