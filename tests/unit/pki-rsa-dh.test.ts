// RSA against openssl's known answers (tests/fixtures/pki/make-fixtures.sh), round trips with a
// seeded Random, and OAKLEY Diffie-Hellman agreement and range checks.
import { DH_GROUPS, DhError, dhGroup, dhKeyPair, dhSharedSecret } from '../../modules/pki/dh.js';
import { bitLength, type ModExpCounter } from '../../modules/pki/modexp.js';
import { RsaError, rsaDecryptPkcs1, rsaEncryptPkcs1, signPkcs1, signPss, verifyPkcs1, verifyPss } from '../../modules/pki/rsa.js';
import { toHex, utf8Encode } from '../../modules/util/bytes.js';
import { fixtureBytes, fixtureCert, fixtureKey } from '../support/pki-fixtures.js';
import { seededRandom } from '../support/pki-random.js';

const key = fixtureKey('alice');
const pub = fixtureCert('alice').publicKey;
const vector = fixtureBytes('vector');

describe('RSA', () => {
  it('signs PKCS#1 v1.5 exactly as openssl does (deterministic) and verifies its signatures', () => {
    expect(toHex(signPkcs1(key, 'sha256', vector))).toBe(toHex(fixtureBytes('alice-sig-pkcs1-sha256')));
    expect(toHex(signPkcs1(key, 'sha1', vector))).toBe(toHex(fixtureBytes('alice-sig-pkcs1-sha1')));
    expect(verifyPkcs1(pub, vector, fixtureBytes('alice-sig-pkcs1-sha1'))).toBe(true);
    expect(verifyPkcs1(pub, vector, fixtureBytes('alice-sig-pkcs1-sha1'), ['sha256'])).toBe(false);
    const bad = fixtureBytes('alice-sig-pkcs1-sha256');
    bad[3] ^= 0x10;
    expect(verifyPkcs1(pub, vector, bad)).toBe(false);
    expect(verifyPkcs1(pub, utf8Encode('another message'), fixtureBytes('alice-sig-pkcs1-sha256'))).toBe(false);
  });

  it('verifies openssl\'s PSS signatures and its own, and refuses altered ones', () => {
    expect(verifyPss(pub, 'sha256', vector, fixtureBytes('alice-sig-pss-sha256'))).toBe(true);
    expect(verifyPss(pub, 'sha1', vector, fixtureBytes('alice-sig-pss-sha1'))).toBe(true);
    expect(verifyPss(pub, 'sha1', vector, fixtureBytes('alice-sig-pss-sha256'))).toBe(false);
    const sig = signPss(key, 'sha256', vector, seededRandom('pss'));
    expect(verifyPss(pub, 'sha256', vector, sig)).toBe(true);
    sig[10] ^= 1;
    expect(verifyPss(pub, 'sha256', vector, sig)).toBe(false);
  });

  it('decrypts openssl\'s PKCS#1 v1.5 ciphertext and round-trips its own', () => {
    expect(toHex(rsaDecryptPkcs1(key, fixtureBytes('alice-enc-pkcs1')))).toBe(toHex(vector));
    const counter: ModExpCounter = { count: 0 };
    const c = rsaEncryptPkcs1(pub, vector, seededRandom('enc'), counter);
    expect(c).toHaveLength(128);
    expect(toHex(rsaDecryptPkcs1(key, c, counter))).toBe(toHex(vector));
    // One public exponentiation, then two CRT half-exponentiations.
    expect(counter.count).toBe(3);
  });

  it('refuses ciphertexts that do not decrypt to PKCS#1 v1.5 padding, all with the same error', () => {
    const c = rsaEncryptPkcs1(pub, vector, seededRandom('enc2'));
    c[0] ^= 0x01;
    expect(() => rsaDecryptPkcs1(key, c)).toThrow(RsaError);
    expect(() => rsaDecryptPkcs1(key, c.subarray(1))).toThrow('decryption error');
    expect(() => rsaEncryptPkcs1(pub, new Uint8Array(118), seededRandom('x'))).toThrow('message too long');
  });
});

describe('OAKLEY Diffie-Hellman', () => {
  it('maps MIKEY DH-Group ids to the RFC 2409/3526 primes', () => {
    expect(bitLength(DH_GROUPS[0].p)).toBe(1536);
    expect(bitLength(DH_GROUPS[1].p)).toBe(768);
    expect(bitLength(DH_GROUPS[2].p)).toBe(1024);
    // RFC 2409 §6.1: the 768-bit prime is 2^768 - 2^704 - 1 + 2^64 * { [2^638 pi] + 149686 }.
    expect(toHex(Uint8Array.from([Number(DH_GROUPS[1].p >> 760n), Number(DH_GROUPS[1].p & 0xffn)]))).toBe('ffff');
    expect(DH_GROUPS[2].p.toString(16).slice(0, 24)).toBe('ffffffffffffffffc90fdaa2');
    expect(dhGroup(3)).toBe(undefined);
  });

  it.each([[1, false], [1, true], [2, true]])('agrees on a shared secret in group %s (short exponent: %s)', (id, short) => {
    const g = dhGroup(id as number)!;
    const a = dhKeyPair(g, seededRandom(`a${id}${short}`), short as boolean);
    const b = dhKeyPair(g, seededRandom(`b${id}${short}`), short as boolean);
    expect(a.publicValue).toHaveLength(g.bytes);
    if (short) expect(bitLength(a.secret)).toBeLessThanOrEqual(g.shortExponentBits);
    expect(toHex(dhSharedSecret(a, b.publicValue))).toBe(toHex(dhSharedSecret(b, a.publicValue)));
  });

  it('refuses degenerate and wrong-length peer values', () => {
    const g = DH_GROUPS[1];
    const a = dhKeyPair(g, seededRandom('r'), true);
    const one = new Uint8Array(g.bytes);
    one[g.bytes - 1] = 1;
    expect(() => dhSharedSecret(a, one)).toThrow(DhError);
    expect(() => dhSharedSecret(a, new Uint8Array(g.bytes).fill(0xff))).toThrow('out of range');
    expect(() => dhSharedSecret(a, new Uint8Array(10))).toThrow('must be 96 bytes');
  });
});
