// SRTP protection profiles: the lengths and transforms each crypto suite fixes (RFC 3711 §8.2,
// RFC 4568 §6.2, RFC 6188 §3-4, RFC 7714 §12), plus NULL-cipher / NULL-auth profiles for tests.
import type { SrtpSuiteName } from '../negotiation/capabilities.js';

export type SrtpCipherKind = 'AES_CM' | 'AES_F8' | 'AES_GCM' | 'NULL';

/** Profiles that switch off encryption or authentication: for tests and captures only. */
export const TEST_ONLY_PROFILES = ['NULL_HMAC_SHA1_80', 'AES_CM_128_NULL_AUTH', 'NULL_NULL'] as const;
export type TestOnlyProfileName = (typeof TEST_ONLY_PROFILES)[number];
export type ProtectionProfileName = SrtpSuiteName | TestOnlyProfileName;

export interface ProtectionProfile {
  readonly name: ProtectionProfileName;
  readonly cipher: SrtpCipherKind;
  /** Master key length; it also picks AES-128 or AES-256 for the key derivation PRF (RFC 6188 §4). */
  readonly masterKeyLength: number;
  /** Master salt length: 14 bytes, 12 for AEAD (RFC 7714 §12). */
  readonly masterSaltLength: number;
  /** Session encryption key n_e (0 for the NULL cipher). */
  readonly sessionKeyLength: number;
  /** Session salt n_s. */
  readonly sessionSaltLength: number;
  /** Session authentication key n_a: 20 for HMAC-SHA1, 0 for none (and for AEAD). */
  readonly authKeyLength: number;
  /** SRTP tag length in bytes (the AEAD tag for GCM). */
  readonly srtpTagLength: number;
  /**
   * SRTCP tag length: 10 even for the _32 suites, whose 32-bit tag is meant for SRTP only
   * (RFC 3711 §3.4 makes SRTCP authentication mandatory; libsrtp and pjsip use 80 bits).
   */
  readonly srtcpTagLength: number;
  /** True for AEAD suites (RFC 7714): the tag comes from the cipher, no HMAC. */
  readonly aead: boolean;
}

function hmac(name: ProtectionProfileName, cipher: SrtpCipherKind, keyLength: number, tag: number): ProtectionProfile {
  return {
    name,
    cipher,
    masterKeyLength: keyLength,
    masterSaltLength: 14,
    sessionKeyLength: cipher === 'NULL' ? 0 : keyLength,
    sessionSaltLength: 14,
    authKeyLength: tag === 0 ? 0 : 20,
    srtpTagLength: tag,
    srtcpTagLength: tag === 0 ? 0 : 10,
    aead: false,
  };
}

function gcm(name: ProtectionProfileName, keyLength: number): ProtectionProfile {
  return {
    name,
    cipher: 'AES_GCM',
    masterKeyLength: keyLength,
    masterSaltLength: 12,
    sessionKeyLength: keyLength,
    sessionSaltLength: 12,
    authKeyLength: 0,
    srtpTagLength: 16,
    srtcpTagLength: 16,
    aead: true,
  };
}

const PROFILES: Readonly<Record<ProtectionProfileName, ProtectionProfile>> = {
  AES_CM_128_HMAC_SHA1_80: hmac('AES_CM_128_HMAC_SHA1_80', 'AES_CM', 16, 10),
  AES_CM_128_HMAC_SHA1_32: hmac('AES_CM_128_HMAC_SHA1_32', 'AES_CM', 16, 4),
  AES_F8_128_HMAC_SHA1_80: hmac('AES_F8_128_HMAC_SHA1_80', 'AES_F8', 16, 10),
  AES_256_CM_HMAC_SHA1_80: hmac('AES_256_CM_HMAC_SHA1_80', 'AES_CM', 32, 10),
  AES_256_CM_HMAC_SHA1_32: hmac('AES_256_CM_HMAC_SHA1_32', 'AES_CM', 32, 4),
  AEAD_AES_128_GCM: gcm('AEAD_AES_128_GCM', 16),
  AEAD_AES_256_GCM: gcm('AEAD_AES_256_GCM', 32),
  NULL_HMAC_SHA1_80: hmac('NULL_HMAC_SHA1_80', 'NULL', 16, 10),
  AES_CM_128_NULL_AUTH: hmac('AES_CM_128_NULL_AUTH', 'AES_CM', 16, 0),
  NULL_NULL: hmac('NULL_NULL', 'NULL', 16, 0),
};

export function isProtectionProfileName(name: string): name is ProtectionProfileName {
  return Object.prototype.hasOwnProperty.call(PROFILES, name);
}

export function protectionProfile(name: ProtectionProfileName): ProtectionProfile {
  return PROFILES[name];
}
