// Development key material for the desktop host (issue 4 §2): on first use, a development CA and,
// per simulated phone, an RSA key and a certificate whose subjectAltName URI is the phone's SIP URI,
// plus one development PSK the simulated phones share for PSK and DHHMAC. Certificates are made
// with the openssl CLI (X.509 v3 with the extensions modules/pki checks); everything is kept as DER
// under the directory given (e.g. var/keys/) and reused on later starts; phones started at the same
// time take turns through a lock, so the CA is made once. Never for production use.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeSipUri } from '../modules/pki/identity.js';

export interface DevPhoneKeys {
  readonly sipUri: string;
  /** The phone's certificate, DER; issued by the development CA. */
  readonly certificate: Uint8Array;
  /** The phone's RSA private key, PKCS#8 DER. */
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
    '[ext]\nbasicConstraints = critical, CA:TRUE\nkeyUsage = critical, keyCertSign, cRLSign\nsubjectKeyIdentifier = hash\n',
  );
  openssl(
    ['req', '-new', '-x509', '-key', 'ca.key.der', '-keyform', 'DER', '-subj', '/O=Desk Phone Development/CN=Development CA',
      '-days', String(days), '-sha256', '-config', 'ca.cnf', '-extensions', 'ext', '-outform', 'DER', '-out', 'ca.der'],
    dir,
  );
  rmSync(join(dir, 'ca.cnf'));
}

function ensurePhone(dir: string, sipUri: string, bits: number, days: number): DevPhoneKeys {
  const stem = phoneFileStem(sipUri);
  const certPath = join(dir, `${stem}.der`);
  const keyPath = join(dir, `${stem}.key.der`);
  if (!existsSync(certPath) || !existsSync(keyPath)) {
    openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${bits}`, '-outform', 'DER', '-out', `${stem}.key.der`], dir);
    const uri = normalizeSipUri(sipUri)!;
    writeFileSync(
      join(dir, `${stem}.cnf`),
      `[ext]\nbasicConstraints = CA:FALSE\nkeyUsage = critical, digitalSignature, keyEncipherment\nsubjectAltName = URI:${uri}\n`,
    );
    openssl(['req', '-new', '-key', `${stem}.key.der`, '-keyform', 'DER', '-subj', `/CN=${stem}`, '-out', `${stem}.csr`], dir);
    openssl(
      ['x509', '-req', '-in', `${stem}.csr`, '-CA', 'ca.der', '-CAform', 'DER', '-CAkey', 'ca.key.der', '-CAkeyform', 'DER',
        '-set_serial', `0x${randomBytes(8).toString('hex')}`, '-days', String(days), '-sha256', '-extfile', `${stem}.cnf`,
        '-extensions', 'ext', '-outform', 'DER', '-out', `${stem}.der`],
      dir,
    );
    rmSync(join(dir, `${stem}.cnf`));
    rmSync(join(dir, `${stem}.csr`));
  }
  return { sipUri, certificate: new Uint8Array(readFileSync(certPath)), privateKey: new Uint8Array(readFileSync(keyPath)) };
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
