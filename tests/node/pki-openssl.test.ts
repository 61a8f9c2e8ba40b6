// modules/pki against openssl itself: development keys made by sim/dev-keys.ts are parsed and their
// fields compared with what `openssl x509` prints, the chain verifies, and RSA results cross-check
// with openssl pkeyutl and node:crypto in both directions.
import { execFileSync } from 'node:child_process';
import { X509Certificate, constants, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyChain } from '../../modules/pki/chain.js';
import { identityMatches } from '../../modules/pki/identity.js';
import { parseRsaPrivateKey } from '../../modules/pki/rsa-keys.js';
import { rsaEncryptPkcs1, signPkcs1, signPss } from '../../modules/pki/rsa.js';
import { parseCertificate } from '../../modules/pki/x509.js';
import { toHex, utf8Encode } from '../../modules/util/bytes.js';
import { ensureDevKeys, phoneFileStem } from '../../sim/dev-keys.js';
import { seededRandom } from '../support/pki-random.js';

const PHONES = ['sip:alice@127.0.0.1:5060', 'sip:bob@example.org'];
let dir: string;

function openssl(args: string[], input?: Uint8Array): string {
  return execFileSync('openssl', args, { encoding: 'latin1', input, stdio: ['pipe', 'pipe', 'pipe'] });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pki-openssl-'));
  ensureDevKeys(dir, PHONES, { bits: 1024 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('development keys made with openssl', () => {
  it('parse to the fields openssl prints', () => {
    for (const uri of PHONES) {
      const file = join(dir, `${phoneFileStem(uri)}.der`);
      const cert = parseCertificate(new Uint8Array(readFileSync(file)));
      const text = openssl(['x509', '-inform', 'DER', '-in', file, '-noout', '-serial', '-startdate', '-enddate', '-modulus', '-ext', 'subjectAltName,basicConstraints']);
      expect(cert.serial.toString(16).toUpperCase().padStart(16, '0')).toBe(/serial=(\w+)/.exec(text)![1]);
      expect(cert.notBefore).toBe(Date.parse(/notBefore=(.+)/.exec(text)![1]));
      expect(cert.notAfter).toBe(Date.parse(/notAfter=(.+)/.exec(text)![1]));
      expect(cert.publicKey.n.toString(16).toUpperCase()).toBe(/Modulus=(\w+)/.exec(text)![1]);
      expect(cert.subjectAltNameUris).toEqual([/URI:([^\s,]+)/.exec(text)![1]]);
      expect(cert.basicConstraints?.ca).toBe(false);
      expect(text).toContain('CA:FALSE');
    }
  });

  it('chain to the development CA and bind each phone\'s SIP URI', () => {
    const keys = ensureDevKeys(dir, PHONES, { bits: 1024 });
    const ca = parseCertificate(keys.caCertificate);
    for (const uri of PHONES) {
      const leaf = parseCertificate(keys.phones.get(uri)!.certificate);
      expect(verifyChain([leaf], [ca], Date.now())).toBe(leaf);
      expect(identityMatches(leaf, uri)).toBe(true);
      // openssl agrees the chain verifies.
      const pem = (der: Uint8Array) => openssl(['x509', '-inform', 'DER'], der);
      writeFileSync(join(dir, 'ca.pem'), pem(keys.caCertificate));
      writeFileSync(join(dir, 'leaf.pem'), pem(keys.phones.get(uri)!.certificate));
      expect(openssl(['verify', '-CAfile', join(dir, 'ca.pem'), join(dir, 'leaf.pem')])).toContain('OK');
    }
    expect(keys.psk).toHaveLength(32);
  });

  it('are kept: a second start reuses the same CA, keys and PSK', () => {
    const first = ensureDevKeys(dir, PHONES, { bits: 1024 });
    const second = ensureDevKeys(dir, PHONES, { bits: 1024 });
    expect(toHex(second.caCertificate)).toBe(toHex(first.caCertificate));
    expect(toHex(second.psk)).toBe(toHex(first.psk));
    expect(toHex(second.phones.get(PHONES[0])!.privateKey)).toBe(toHex(first.phones.get(PHONES[0])!.privateKey));
  });
});

describe('RSA cross-checked with openssl and node:crypto', () => {
  it('openssl decrypts our PKCS#1 v1.5 envelope and node:crypto verifies our signatures', () => {
    const keys = ensureDevKeys(dir, PHONES, { bits: 1024 });
    const phone = keys.phones.get(PHONES[1])!;
    const key = parseRsaPrivateKey(phone.privateKey);
    const envelope = seededRandom('env').bytes(32);
    const ciphertext = rsaEncryptPkcs1(key, envelope, seededRandom('pad'));
    const keyFile = join(dir, `${phoneFileStem(PHONES[1])}.key.der`);
    const plain = execFileSync('openssl', ['pkeyutl', '-decrypt', '-keyform', 'DER', '-inkey', keyFile, '-pkeyopt', 'rsa_padding_mode:pkcs1'], { input: ciphertext });
    expect(toHex(new Uint8Array(plain))).toBe(toHex(envelope));

    const publicKey = new X509Certificate(Buffer.from(phone.certificate)).publicKey;
    const message = utf8Encode('MIKEY SIGN input');
    expect(verify('sha1', message, publicKey, signPkcs1(key, 'sha1', message))).toBe(true);
    expect(verify('sha256', message, publicKey, signPkcs1(key, 'sha256', message))).toBe(true);
    const pss = signPss(key, 'sha256', message, seededRandom('salt'));
    expect(verify('sha256', message, { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, pss)).toBe(true);
  });
});
