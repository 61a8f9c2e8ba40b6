// Development key material for the desktop host (issue 4 §2): on first use, a development CA and,
// per simulated phone, an RSA key and a certificate whose subjectAltName URI is the phone's SIP URI
// (with the loopback names, so that it serves TLS too: issue 14), plus one development PSK the
// simulated phones share for PSK and DHHMAC; and on request, a TLS server certificate from the same
// CA for a SIP server on loopback (ensureDevServerKeys: Kamailio's TLS listener). Certificates are made
// with the openssl CLI (X.509 v3 with the extensions modules/pki checks); everything is kept as DER
// under the directory given (e.g. var/keys/) and reused on later starts; phones started at the same
// time take turns through a lock, so the CA is made once. Never for production use.
import { execFileSync } from 'node:child_process';
import { createPrivateKey, randomBytes, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeSipUri } from '../modules/pki/identity.js';
import { pkcs8RsaPrivateKey } from '../modules/pki/rsa-keys.js';

export interface DevPhoneKeys {
  readonly sipUri: string;
  /** The phone's certificate, DER; issued by the development CA. */
  readonly certificate: Uint8Array;
  /** The phone's RSA private key, DER: PKCS#1 or PKCS#8 as the openssl at hand writes it (OpenSSL 3.0: PKCS#1). */
  readonly privateKey: Uint8Array;
}

export interface DevKeys {
  /** The development CA's self-signed certificate, DER: every simulated phone's trust anchor. */
  readonly caCertificate: Uint8Array;
  /** A 32-byte PSK shared by the simulated phones. */
  readonly psk: Uint8Array;
  readonly phones: ReadonlyMap<string, DevPhoneKeys>;
}

export interface DevKeyOptions {
  /** RSA modulus bits for the CA and the phones (default 2048). */
  readonly bits?: number;
  /** Validity in days (default 3650). */
  readonly days?: number;
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    const err = e as { code?: string; stderr?: Buffer };
    if (err.code === 'ENOENT') throw new Error('the openssl command is needed to make development keys and was not found on PATH');
    throw new Error(`openssl ${args[0]} failed: ${err.stderr?.toString().trim() ?? String(e)}`);
  }
}

/** The file stem of a phone's key and certificate: its SIP URI with unsafe characters replaced. */
export function phoneFileStem(sipUri: string): string {
  return normalizeSipUri(sipUri)!.replace(/^sips?:/, '').replace(/[^A-Za-z0-9.@_-]/g, '_');
}

function ensureCa(dir: string, bits: number, days: number): void {
  if (existsSync(join(dir, 'ca.der')) && existsSync(join(dir, 'ca.key.der'))) return;
  openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${bits}`, '-outform', 'DER', '-out', 'ca.key.der'], dir);
  writeFileSync(
    join(dir, 'ca.cnf'),
    // authorityKeyIdentifier on the root too: the SDK's TLS on the device needs it on every
    // certificate after a server's leaf (hal/esp32/tls-stream.ts).
    '[ext]\nbasicConstraints = critical, CA:TRUE\nkeyUsage = critical, keyCertSign, cRLSign\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid:always\n',
  );
  openssl(
    ['req', '-new', '-x509', '-key', 'ca.key.der', '-keyform', 'DER', '-subj', '/O=Desk Phone Development/CN=Development CA',
      '-days', String(days), '-sha256', '-config', 'ca.cnf', '-extensions', 'ext', '-outform', 'DER', '-out', 'ca.der'],
    dir,
  );
  rmSync(join(dir, 'ca.cnf'));
}

/** The extensions of a TLS-capable end-entity certificate (RFC 5280 §4.2.1) with these subjectAltNames. */
function leafExtensions(altNames: readonly string[]): string {
  return [
    '[ext]',
    'basicConstraints = CA:FALSE',
    'keyUsage = critical, digitalSignature, keyEncipherment',
    'extendedKeyUsage = serverAuth, clientAuth',
    `subjectAltName = ${altNames.join(', ')}`,
    'subjectKeyIdentifier = hash',
    // The SDK's TLS on the device finds a certificate's issuer by this (modules/crypt/ssl/ssl_cert.js).
    'authorityKeyIdentifier = keyid',
    '',
  ].join('\n');
}

/**
 * Issues `${stem}.der` for the key `${stem}.key.der` (made first when missing) from the development
 * CA, with the subjectAltNames given.
 */
function issue(dir: string, stem: string, subject: string, altNames: readonly string[], bits: number, days: number): void {
  if (!existsSync(join(dir, `${stem}.key.der`))) {
    openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${bits}`, '-outform', 'DER', '-out', `${stem}.key.der`], dir);
  }
  writeFileSync(join(dir, `${stem}.cnf`), leafExtensions(altNames));
  openssl(['req', '-new', '-key', `${stem}.key.der`, '-keyform', 'DER', '-subj', subject, '-out', `${stem}.csr`], dir);
  openssl(
    ['x509', '-req', '-in', `${stem}.csr`, '-CA', 'ca.der', '-CAform', 'DER', '-CAkey', 'ca.key.der', '-CAkeyform', 'DER',
      '-set_serial', `0x${randomBytes(8).toString('hex')}`, '-days', String(days), '-sha256', '-extfile', `${stem}.cnf`,
      '-extensions', 'ext', '-outform', 'DER', '-out', `${stem}.der`],
    dir,
  );
  rmSync(join(dir, `${stem}.cnf`));
  rmSync(join(dir, `${stem}.csr`));
}

/**
 * Whether the certificate at `path` is one this version issues: TLS server and client use and every
 * subjectAltName in `altNames` (as openssl's config spells them: URI:, IP:, DNS:). Certificates from
 * before TLS (a URI only) are re-issued for the same key.
 */
function current(path: string, altNames: readonly string[]): boolean {
  if (!existsSync(path)) return false;
  const cert = new X509Certificate(readFileSync(path));
  const have = (cert.subjectAltName ?? '').split(', ');
  const want = altNames.map((n) => n.replace(/^IP:/, 'IP Address:'));
  return (cert.keyUsage ?? []).includes(SERVER_AUTH) && want.every((n) => have.includes(n));
}

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

/**
 * The names a desktop phone's certificate carries besides its SIP URI: the loopback address the
 * desktop host binds and its name, so that a TLS client connecting to the phone (another phone, a
 * proxy) finds the name it connected to (RFC 5922 §7.2; the phone's TLS identity is its MIKEY one).
 */
export const DEV_PHONE_HOST_NAMES = ['IP:127.0.0.1', 'DNS:localhost'] as const;

function ensurePhone(dir: string, sipUri: string, bits: number, days: number): DevPhoneKeys {
  const stem = phoneFileStem(sipUri);
  const certPath = join(dir, `${stem}.der`);
  const altNames = [`URI:${normalizeSipUri(sipUri)!}`, ...DEV_PHONE_HOST_NAMES];
  if (!existsSync(join(dir, `${stem}.key.der`)) || !current(certPath, altNames)) issue(dir, stem, `/CN=${stem}`, altNames, bits, days);
  return { sipUri, certificate: new Uint8Array(readFileSync(certPath)), privateKey: new Uint8Array(readFileSync(join(dir, `${stem}.key.der`))) };
}

/** Longer than making a CA and a phone key takes: a lock this old was left by a process that died. */
const STALE_LOCK_MS = 60_000;
/** How long to wait for another process's turn before giving up. */
const LOCK_WAIT_MS = 180_000;

/**
 * Runs `work` holding `dir`'s lock, a directory made atomically (mkdir fails if it exists), so that
 * phones started together neither make two CAs nor read a half-written file.
 */
export function withDevKeysLock<T>(dir: string, work: () => T): T {
  const lock = join(dir, '.lock');
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let age: number;
    try {
      age = Date.now() - statSync(lock).mtimeMs;
    } catch {
      continue; // released in the meantime
    }
    if (age > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
    else if (Date.now() > deadline) throw new Error(`${lock} is held by another process; remove it if none is running`);
    else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  }
  try {
    return work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Loads the development keys from `dir`, first making whatever is missing: the CA, the shared PSK,
 * and a key and certificate for each SIP URI in `phones`.
 */
export function ensureDevKeys(dir: string, phones: readonly string[], options: DevKeyOptions = {}): DevKeys {
  for (const uri of phones) if (!normalizeSipUri(uri)) throw new Error(`not a SIP URI: ${uri}`);
  mkdirSync(dir, { recursive: true });
  return withDevKeysLock(dir, () => makeDevKeys(dir, phones, options.bits ?? 2048, options.days ?? 3650));
}

function makeDevKeys(dir: string, phones: readonly string[], bits: number, days: number): DevKeys {
  ensureCa(dir, bits, days);
  const pskPath = join(dir, 'psk.bin');
  if (!existsSync(pskPath)) writeFileSync(pskPath, randomBytes(32), { mode: 0o600 });
  const map = new Map<string, DevPhoneKeys>();
  for (const uri of phones) map.set(uri, ensurePhone(dir, uri, bits, days));
  return {
    caCertificate: new Uint8Array(readFileSync(join(dir, 'ca.der'))),
    psk: new Uint8Array(readFileSync(pskPath)),
    phones: map,
  };
}

export interface DevServerKeys {
  /** The server's certificate, DER, issued by the development CA. */
  readonly certificate: Uint8Array;
  /** Its RSA private key, DER (as DevPhoneKeys.privateKey). */
  readonly privateKey: Uint8Array;
  /** The certificate then the CA's, PEM: the chain a TLS server serves (Kamailio's `certificate`). */
  readonly chainPemPath: string;
  /** The private key, PKCS#8 PEM (Kamailio's `private_key`), readable by its owner only. */
  readonly privateKeyPemPath: string;
  /** The development CA's certificate, PEM (Kamailio's `ca_list`: the phones' certificates chain to it). */
  readonly caPemPath: string;
}

/** The names a SIP server on this machine is reached by. */
export const DEV_SERVER_NAMES = ['IP:127.0.0.1', 'DNS:localhost'] as const;

/**
 * A TLS server certificate for a SIP server such as Kamailio, issued by the development CA in `dir`
 * (made first if missing, the same the phones trust), with subjectAltNames `altNames` in openssl's
 * spelling (default IP:127.0.0.1 and DNS:localhost), and server and client use. Kept as
 * `server-NAME.der` / `.key.der` and written as PEM files for the server's configuration. Made once
 * and reused; re-issued for the same key when the names asked for are not all in it.
 */
export function ensureDevServerKeys(dir: string, name: string, options: DevKeyOptions & { altNames?: readonly string[] } = {}): DevServerKeys {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`a server name for files must be letters, digits, '.', '_' or '-': ${name}`);
  mkdirSync(dir, { recursive: true });
  const altNames = options.altNames ?? DEV_SERVER_NAMES;
  return withDevKeysLock(dir, () => {
    const bits = options.bits ?? 2048;
    const days = options.days ?? 3650;
    ensureCa(dir, bits, days);
    const stem = `server-${name}`;
    if (!existsSync(join(dir, `${stem}.key.der`)) || !current(join(dir, `${stem}.der`), altNames)) issue(dir, stem, `/O=Desk Phone Development/CN=${name}`, altNames, bits, days);
    const certificate = new Uint8Array(readFileSync(join(dir, `${stem}.der`)));
    const privateKey = new Uint8Array(readFileSync(join(dir, `${stem}.key.der`)));
    const caPem = new X509Certificate(readFileSync(join(dir, 'ca.der'))).toString();
    const paths = { chainPemPath: join(dir, `${stem}.chain.pem`), privateKeyPemPath: join(dir, `${stem}.key.pem`), caPemPath: join(dir, 'ca.pem') };
    writeFileSync(paths.chainPemPath, new X509Certificate(certificate).toString() + caPem);
    const keyPem = createPrivateKey({ key: Buffer.from(pkcs8RsaPrivateKey(privateKey)), format: 'der', type: 'pkcs8' }).export({ format: 'pem', type: 'pkcs8' });
    writeFileSync(paths.privateKeyPemPath, keyPem, { mode: 0o600 });
    writeFileSync(paths.caPemPath, caPem);
    return { certificate, privateKey, ...paths };
  });
}
