// What the phone learned about its peers, for the "Known peers" menu: the peers it holds a pinned
// table for (settings.learnedPeers: authenticated MIKEY exchanges, docs/negotiation.md "pinning") or
// a certificate for (settings.peerCertificates: PKE toward them, RFC 3830 §4.2.2), their details
// on one screen, and forgetting one. Pure: settings in, screen text or new settings out.
import { sha256 } from '@noble/hashes/sha2.js';
import { elideMiddle } from '../display/fit-text.js';
import { identityMatches } from '../pki/identity.js';
import { parseCertificate } from '../pki/x509.js';
import type { Settings } from '../settings/model.js';
import { fromBase64, toHex } from '../util/bytes.js';

/** Bytes of the certificate's SHA-256 shown on the details screen (10 hex digits). */
export const FINGERPRINT_BYTES = 5;

/** Every peer URI with a pinned table or a certificate, sorted, each once. */
export function knownPeers(settings: Settings): string[] {
  const peers = new Set([...Object.keys(settings.learnedPeers), ...Object.keys(settings.peerCertificates)]);
  return [...peers].sort();
}

/**
 * The peer as it fits `width` columns: user@host without the usual "sip:" scheme ("sips:" stays,
 * it says more: RFC 3261 §19.1), its middle elided when longer (modules/display/fit-text.ts).
 */
export function peerLabel(uri: string, width: number): string {
  return elideMiddle(uri.startsWith('sip:') ? uri.slice(4) : uri, width);
}

/** The first FINGERPRINT_BYTES of SHA-256 over the certificate's DER, in lower-case hex. */
export function certificateFingerprint(der: Uint8Array): string {
  return toHex(sha256(der).subarray(0, FINGERPRINT_BYTES));
}

/** "YYYY-MM-DD" (UTC) of a wall-clock time, or undefined outside the years 0000 to 9999. */
function day(ms: number): string | undefined {
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return undefined;
  const iso = date.toISOString();
  return /^\d{4}-\d\d-\d\d/.test(iso) ? iso.slice(0, 10) : undefined;
}

/** The pin line of the details screen: whether a table is pinned, and since when. */
export function pinLine(settings: Settings, uri: string): string {
  const learned = settings.learnedPeers[uri];
  if (!learned) return 'No table pinned';
  const since = day(learned.learnedAt);
  return since ? `Pinned ${since}` : 'Pinned';
}

/**
 * The certificate line of the details screen: "Cert <fingerprint> ok" when its subjectAltName URI
 * or CN names this peer (modules/pki/identity.ts), "!ID" when it names someone else, "bad" when it
 * does not parse as X.509; "No certificate" when none is held.
 */
export function certificateLine(settings: Settings, uri: string): string {
  const b64 = settings.peerCertificates[uri];
  if (b64 === undefined) return 'No certificate';
  let der: Uint8Array;
  try {
    der = fromBase64(b64);
  } catch {
    return 'Cert unreadable';
  }
  let fits: string;
  try {
    fits = identityMatches(parseCertificate(der), uri) ? 'ok' : '!ID';
  } catch {
    fits = 'bad';
  }
  return `Cert ${certificateFingerprint(der)} ${fits}`;
}

/**
 * The settings without what was learned about `uri`: its pinned table and its certificate. Its
 * pre-shared key stays: that is the user's own entry under "Peer keys".
 */
export function forgetPeer(settings: Settings, uri: string): Settings {
  const learnedPeers = { ...settings.learnedPeers };
  const peerCertificates = { ...settings.peerCertificates };
  delete learnedPeers[uri];
  delete peerCertificates[uri];
  return { ...settings, learnedPeers, peerCertificates };
}
