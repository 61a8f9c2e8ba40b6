// Identity binding for MIKEY's public-key modes: the certificate's subjectAltName URI, or failing
// that its subject CN (RFC 3830 §4.3, RFC 4567 §4.2: the identity in ID/CERT must be the one the
// signalling claims), must match the SIP URI in the ID payload and in the From header. URIs are
// compared as RFC 3261 §19.1.4 says: scheme and host case-insensitively, user part exactly, with
// URI parameters and headers ignored; a display name and angle brackets around the URI are dropped.
import type { Certificate } from './x509.js';

/** The comparable form of a SIP or SIPS URI ("sip:user@host[:port]"), or undefined if it is not one. */
export function normalizeSipUri(text: string): string | undefined {
  let uri = text.trim();
  const open = uri.indexOf('<');
  if (open >= 0) {
    const close = uri.indexOf('>', open);
    if (close < 0) return undefined;
    uri = uri.slice(open + 1, close).trim();
  }
  const match = /^(sips?):([^;?]+)/i.exec(uri);
  if (!match) return undefined;
  const scheme = match[1].toLowerCase();
  const rest = match[2];
  const at = rest.lastIndexOf('@');
  const user = at >= 0 ? rest.slice(0, at + 1) : '';
  const hostPort = rest.slice(at + 1).toLowerCase();
  if (hostPort.length === 0) return undefined;
  return `${scheme}:${user}${hostPort}`;
}

/** The SIP identities a certificate vouches for: its SAN URIs, else its CN (taken as a sip: URI). */
export function certificateIdentities(cert: Certificate): string[] {
  const fromSan = cert.subjectAltNameUris.map(normalizeSipUri).filter((u): u is string => u !== undefined);
  if (cert.subjectAltNameUris.length > 0) return fromSan;
  if (cert.commonName === undefined) return [];
  const cn = /^sips?:/i.test(cert.commonName) ? cert.commonName : `sip:${cert.commonName}`;
  const normal = normalizeSipUri(cn);
  return normal ? [normal] : [];
}

/** True when `cert` vouches for every one of `claimed` (ID payload URI, From header URI, ...). */
export function identityMatches(cert: Certificate, ...claimed: readonly string[]): boolean {
  const vouched = certificateIdentities(cert);
  return claimed.every((c) => {
    const n = normalizeSipUri(c);
    return n !== undefined && vouched.includes(n);
  });
}
