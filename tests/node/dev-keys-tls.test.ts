// The development keys serve TLS (issue 14): OpenSSL itself verifies a phone certificate for TLS
// server and client use and the SIP server certificate (ensureDevServerKeys, for Kamailio) for
// server use with its loopback names, and Node's TLS accepts both ways; certificates made before
// TLS (a SIP URI only) are re-issued for the same key; the phone's PKCS#1 key becomes the PKCS#8
// that openssl writes for it, byte for byte.
import { execFileSync, spawnSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer } from 'node:tls';
import { DerError } from '../../modules/pki/der.js';
import { pkcs8RsaPrivateKey } from '../../modules/pki/rsa-keys.js';
import { ensureDevKeys, ensureDevServerKeys, phoneFileStem } from '../../sim/dev-keys.js';

const PHONE = 'sip:alice@127.0.0.1';
const dir = mkdtempSync(join(tmpdir(), 'dev-keys-tls-'));
const keysDir = join(dir, 'keys');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const openssl = (args: string[], input?: Buffer) => spawnSync('openssl', args, { input, encoding: 'buffer' });
const pem = (der: Uint8Array, path: string) => writeFileSync(path, new X509Certificate(der).toString());

/** `openssl verify` for `purpose` of the certificate in `file` against the dev CA: its verdict line. */
function verify(purpose: string, file: string): string {
  const r = openssl(['verify', '-CAfile', join(keysDir, 'ca.pem'), '-purpose', purpose, file]);
  return `${r.stdout.toString()}${r.stderr.toString()}`.trim();
}

describe('development keys for TLS', () => {
  const keys = ensureDevKeys(keysDir, [PHONE]);
  const server = ensureDevServerKeys(keysDir, 'kamailio');

  it('openssl verifies the phone certificate for TLS server and client use, and the SIP server certificate for server use', () => {
    const phonePem = join(dir, 'phone.pem');
    pem(keys.phones.get(PHONE)!.certificate, phonePem);
    const serverPem = join(dir, 'server.pem');
    pem(server.certificate, serverPem);
    expect(verify('sslserver', phonePem)).toBe(`${phonePem}: OK`);
    expect(verify('sslclient', phonePem)).toBe(`${phonePem}: OK`);
    expect(verify('sslserver', serverPem)).toBe(`${serverPem}: OK`);
    const text = execFileSync('openssl', ['x509', '-in', serverPem, '-noout', '-ext', 'subjectAltName,extendedKeyUsage'], { encoding: 'utf8' });
    expect(text).toMatch(/IP Address:127\.0\.0\.1, DNS:localhost/);
    expect(text).toMatch(/TLS Web Server Authentication/);
    // The SDK's TLS on the device wants an authority key identifier on every certificate after a
    // server's leaf, the root included: the CA names itself.
    const ca = execFileSync('openssl', ['x509', '-in', join(keysDir, 'ca.pem'), '-noout', '-ext', 'subjectKeyIdentifier,authorityKeyIdentifier'], { encoding: 'utf8' });
    const ids = [...ca.matchAll(/^\s+((?:[0-9A-F]{2}:)+[0-9A-F]{2})$/gm)].map((m) => m[1]);
    expect(ids).toHaveLength(2);
    expect(ids[1]).toBe(ids[0]);
  });

  it('the server files are what Kamailio takes: a chain of the certificate then the CA, and the PKCS#8 key that goes with it', () => {
    const chain = readFileSync(server.chainPemPath, 'utf8');
    expect(chain.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    expect(chain.endsWith(readFileSync(server.caPemPath, 'utf8'))).toBe(true);
    const keyPem = readFileSync(server.privateKeyPemPath, 'utf8');
    expect(keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const modulus = (args: string[]) => execFileSync('openssl', args, { encoding: 'utf8' }).trim();
    expect(modulus(['rsa', '-in', server.privateKeyPemPath, '-noout', '-modulus'])).toBe(modulus(['x509', '-in', server.chainPemPath, '-noout', '-modulus']));
  });

  it.each([['localhost'], ['127.0.0.1']])('Node TLS accepts the SIP server as %s with the dev CA as anchor', async (name) => {
    const tlsServer = createServer({ cert: readFileSync(server.chainPemPath), key: readFileSync(server.privateKeyPemPath), minVersion: 'TLSv1.2' }, (s) => s.end());
    await new Promise<void>((r) => tlsServer.listen(0, '127.0.0.1', r));
    try {
      const port = (tlsServer.address() as { port: number }).port;
      const authorized = await new Promise<boolean>((resolve, reject) => {
        const c = connect({ host: '127.0.0.1', port, ca: readFileSync(server.caPemPath), ...(name === 'localhost' ? { servername: name } : {}) });
        c.on('secureConnect', () => (resolve(c.authorized), c.destroy())).on('error', reject);
      });
      expect(authorized).toBe(true);
    } finally {
      tlsServer.close();
    }
  });

  it('re-issues a phone certificate made before TLS (a SIP URI only) for the same key', () => {
    const old = join(dir, 'old');
    const uri = 'sip:bob@127.0.0.1';
    ensureDevKeys(old, [uri]);
    const stem = phoneFileStem(uri);
    // The certificate as the earlier dev-keys made it: the URI subjectAltName alone, no extended key usage.
    writeFileSync(join(old, 'old.cnf'), `[ext]\nbasicConstraints = CA:FALSE\nkeyUsage = critical, digitalSignature, keyEncipherment\nsubjectAltName = URI:${uri}\n`);
    const run = (args: string[]) => execFileSync('openssl', args, { cwd: old, stdio: 'pipe' });
    run(['req', '-new', '-key', `${stem}.key.der`, '-keyform', 'DER', '-subj', `/CN=${stem}`, '-out', 'old.csr']);
    run(['x509', '-req', '-in', 'old.csr', '-CA', 'ca.der', '-CAform', 'DER', '-CAkey', 'ca.key.der', '-CAkeyform', 'DER', '-set_serial', '7', '-days', '30', '-extfile', 'old.cnf', '-extensions', 'ext', '-outform', 'DER', '-out', `${stem}.der`]);
    const key = readFileSync(join(old, `${stem}.key.der`));
    expect(new X509Certificate(readFileSync(join(old, `${stem}.der`))).subjectAltName).toBe(`URI:${uri}`);
    const reissued = new X509Certificate(ensureDevKeys(old, [uri]).phones.get(uri)!.certificate);
    expect(reissued.subjectAltName).toBe(`URI:${uri}, IP Address:127.0.0.1, DNS:localhost`);
    expect(readFileSync(join(old, `${stem}.key.der`)).equals(key)).toBe(true);
    expect(reissued.checkPrivateKey(createKey(key))).toBe(true);
  });

  it('pkcs8RsaPrivateKey wraps the PKCS#1 key as openssl pkcs8 -topk8 does, and keeps a PKCS#8 key as it is', () => {
    const pkcs1 = keys.phones.get(PHONE)!.privateKey;
    const byOpenssl = openssl(['pkcs8', '-topk8', '-nocrypt', '-inform', 'DER', '-outform', 'DER'], Buffer.from(pkcs1));
    expect(byOpenssl.status).toBe(0);
    expect(Buffer.from(pkcs8RsaPrivateKey(pkcs1)).equals(byOpenssl.stdout)).toBe(true);
    expect(pkcs8RsaPrivateKey(new Uint8Array(byOpenssl.stdout))).toEqual(new Uint8Array(byOpenssl.stdout));
    expect(() => pkcs8RsaPrivateKey(keys.caCertificate)).toThrow(DerError);
  });
});

function createKey(der: Buffer) {
  return createPrivateKey({ key: Buffer.from(pkcs8RsaPrivateKey(new Uint8Array(der))), format: 'der', type: 'pkcs8' });
}
