// Whether the key material in flash is this phone's own: its certificate must vouch for the phone's
// SIP URI (subjectAltName URI, else CN: modules/pki/identity.ts), or every peer refuses its signed
// MIKEY messages (RFC 3830 §4.3, RFC 4567 §4.2: the identity in ID/CERT must be the one the
// signalling claims). A flash kept from an earlier identity (another --domain on the desktop, a
// re-provisioned account) is found at boot and said so. Pure: settings in, a finding out.
import { certificateIdentities, normalizeSipUri } from '../pki/identity.js';
import { parseCertificate } from '../pki/x509.js';
import type { Credentials } from '../settings/model.js';
import { fromBase64 } from '../util/bytes.js';

export type CredentialsCheck =
  | { readonly kind: 'none' }
  | { readonly kind: 'ok'; readonly certFor: string }
  | { readonly kind: 'mismatch'; readonly certFor: string }
  | { readonly kind: 'unreadable'; readonly reason: string };

/** The idle screen's line when the certificate in flash is for another identity (20 columns). */
export const NOTICE_WRONG_IDENTITY = 'Cert: wrong identity';

/** Checks the stored certificate (the chain's first) against `selfUri`, the phone's SIP URI. */
export function checkCredentials(credentials: Credentials, selfUri: string): CredentialsCheck {
  if (credentials.ownKey === '' || credentials.ownChain.length === 0) return { kind: 'none' };
  let identities: string[];
  try {
    identities = certificateIdentities(parseCertificate(fromBase64(credentials.ownChain[0])));
  } catch (e) {
    return { kind: 'unreadable', reason: (e as Error).message };
  }
  // Compared as RFC 3261 §19.1.4 says (identity.ts normalizeSipUri): the user part exactly.
  const self = normalizeSipUri(selfUri);
  const match = identities.find((id) => id === self);
  if (match) return { kind: 'ok', certFor: match };
  return { kind: 'mismatch', certFor: identities[0] ?? '(no identity)' };
}

/** The boot log line for a certificate made for another identity. */
export function mismatchLogLine(certFor: string, selfUri: string): string {
  return `credentials mismatch: the certificate in flash is for ${certFor}, this phone is ${selfUri}; public-key modes (PKE, DH, RSA-R) are off until it has credentials for its identity (menu "Credentials")`;
}
