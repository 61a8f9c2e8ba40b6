// The names of what two phones negotiate: MIKEY key agreements and SRTP crypto suites. These
// strings are public: they appear in settings, on the display, in `phonectl` and on the wire.

/** MIKEY key-agreement methods (RFC 3830 §3, RFC 4650, RFC 4738). */
export const KEY_AGREEMENTS = ['PSK', 'PKE', 'DH', 'DHHMAC', 'RSA-R'] as const;
export type KeyAgreement = (typeof KEY_AGREEMENTS)[number];

/** SRTP protection profiles by their SDES names (RFC 4568 §6.2, RFC 6188, RFC 7714). */
export const SRTP_SUITES = [
  'AES_CM_128_HMAC_SHA1_80',
  'AES_CM_128_HMAC_SHA1_32',
  'AES_F8_128_HMAC_SHA1_80',
  'AES_256_CM_HMAC_SHA1_80',
  'AES_256_CM_HMAC_SHA1_32',
  'AEAD_AES_128_GCM',
  'AEAD_AES_256_GCM',
] as const;
export type SrtpSuiteName = (typeof SRTP_SUITES)[number];

/** The three-state SRTP setting every desk phone has. */
export const SRTP_MODES = ['Off', 'Optional', 'Mandatory'] as const;
export type SrtpMode = (typeof SRTP_MODES)[number];

/** One ranked capability: rank 0 is the favourite; a disabled entry is never chosen. */
export interface RankedEntry<Name extends string> {
  readonly name: Name;
  readonly rank: number;
  readonly enabled: boolean;
}

/** A phone's priority table. */
export interface PriorityTable {
  readonly keyAgreements: readonly RankedEntry<KeyAgreement>[];
  readonly suites: readonly RankedEntry<SrtpSuiteName>[];
}

export function isKeyAgreement(name: string): name is KeyAgreement {
  return (KEY_AGREEMENTS as readonly string[]).includes(name);
}

export function isSrtpSuiteName(name: string): name is SrtpSuiteName {
  return (SRTP_SUITES as readonly string[]).includes(name);
}
