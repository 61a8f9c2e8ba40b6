// The openssl-made PKI fixtures (tests/fixtures/pki/make-fixtures.sh), decoded for tests that also
// run on XS: certificates parsed, keys parsed, and a time inside every certificate's validity.
import { fromBase64 } from '../../modules/util/bytes.js';
import { parseRsaPrivateKey, type RsaPrivateKey } from '../../modules/pki/rsa-keys.js';
import { parseCertificate, type Certificate } from '../../modules/pki/x509.js';
import fixtures from '../fixtures/pki/fixtures.json';

const table = fixtures as Record<string, string>;

export function fixtureBytes(name: string): Uint8Array {
  const b64 = table[name];
  if (b64 === undefined) throw new Error(`no PKI fixture ${name}`);
  return fromBase64(b64);
}

export function fixtureCert(name: string): Certificate {
  return parseCertificate(fixtureBytes(name));
}

export function fixtureKey(name: string): RsaPrivateKey {
  return parseRsaPrivateKey(fixtureBytes(`${name}.key`));
}

/** The fixtures were made on 2026-11-25 for 20 years: this instant lies inside all of them. */
export const FIXTURE_NOW = Date.UTC(2030, 0, 1);
