// The SRTP security policy (SP payload, prot type 0, RFC 3830 §6.10.1): every parameter type 0–12
// plus the AEAD tag length (20, RFC 7714 §12), read into named fields and built from the project's
// SDES suite names. Reading is tolerant of GStreamer's quirk: it writes the auth *tag* length
// (4 or 10) into type 3 (auth key length) and never writes type 11; then the tag is that value
// and the auth key is 20 bytes (shared MIKEY notes §1.3).
import type { SrtpSuiteName } from '../negotiation/capabilities.js';
import { PROT_TYPE } from './codes.js';
import type { PayloadOf, SpParam } from './payloads.js';

/** SRTP policy parameter types (RFC 3830 §6.10.1; 20 from RFC 7714 §12). */
export const SRTP_PARAM = {
  ENCR_ALG: 0, ENCR_KEY_LEN: 1, AUTH_ALG: 2, AUTH_KEY_LEN: 3, SALT_KEY_LEN: 4, PRF: 5, KDR: 6, SRTP_ENCR: 7,
  SRTCP_ENCR: 8, FEC_ORDER: 9, SRTP_AUTH: 10, AUTH_TAG_LEN: 11, PREFIX_LEN: 12, AEAD_TAG_LEN: 20,
} as const;

export type SrtpParamName = keyof typeof SRTP_PARAM;

/** The parameters present in an SP payload, by name; each is the value's big-endian integer. */
export type SrtpPolicyValues = Partial<Record<SrtpParamName, number>>;

const NAMES = new Map<number, SrtpParamName>(Object.entries(SRTP_PARAM).map(([k, v]) => [v, k as SrtpParamName]));

function valueOf(bytes: Uint8Array): number {
  let v = 0;
  for (const b of bytes) v = v * 256 + b;
  return v;
}

export interface SrtpPolicyReading {
  readonly values: SrtpPolicyValues;
  /** Parameter types this reader does not know (kept for display). */
  readonly unknown: readonly SpParam[];
  /** Authentication tag length in bytes after the GStreamer tolerance, when one is given. */
  readonly tagLength?: number;
  /** True when type 3 held the tag length (GStreamer) rather than the auth key length. */
  readonly gstreamerTagQuirk: boolean;
}

export function readSrtpPolicy(sp: PayloadOf<'SP'>): SrtpPolicyReading {
  if (sp.protType !== PROT_TYPE.SRTP) throw new RangeError(`SP prot type ${sp.protType} is not SRTP`);
  const values: SrtpPolicyValues = {};
  const unknown: SpParam[] = [];
  for (const p of sp.params) {
    const name = NAMES.get(p.type);
    if (name && p.value.length >= 1 && p.value.length <= 4) values[name] = valueOf(p.value);
    else unknown.push(p);
  }
  const quirk = values.AUTH_TAG_LEN === undefined && (values.AUTH_KEY_LEN === 4 || values.AUTH_KEY_LEN === 10);
  const tagLength = quirk ? values.AUTH_KEY_LEN : values.AUTH_TAG_LEN;
  return { values, unknown, gstreamerTagQuirk: quirk, ...(tagLength === undefined ? {} : { tagLength }) };
}

export function spPayload(policy: number, values: SrtpPolicyValues): PayloadOf<'SP'> {
  const params: SpParam[] = [];
  for (const [name, type] of Object.entries(SRTP_PARAM) as [SrtpParamName, number][]) {
    const v = values[name];
    if (v !== undefined) params.push({ type, value: Uint8Array.of(v) });
  }
  return { type: 'SP', policy, protType: PROT_TYPE.SRTP, params };
}

interface SuiteShape {
  readonly encr: number;
  readonly keyLen: number;
  readonly authAlg: number;
  readonly saltLen: number;
  readonly tag: number;
  readonly aead: boolean;
}

/** Each project suite in SP terms (RFC 3830 §6.10.1; AES-256 per RFC 6188 §7; GCM per RFC 7714 §12). */
const SUITES: Readonly<Record<SrtpSuiteName, SuiteShape>> = {
  AES_CM_128_HMAC_SHA1_80: { encr: 1, keyLen: 16, authAlg: 1, saltLen: 14, tag: 10, aead: false },
  AES_CM_128_HMAC_SHA1_32: { encr: 1, keyLen: 16, authAlg: 1, saltLen: 14, tag: 4, aead: false },
  AES_F8_128_HMAC_SHA1_80: { encr: 2, keyLen: 16, authAlg: 1, saltLen: 14, tag: 10, aead: false },
  AES_256_CM_HMAC_SHA1_80: { encr: 1, keyLen: 32, authAlg: 1, saltLen: 14, tag: 10, aead: false },
  AES_256_CM_HMAC_SHA1_32: { encr: 1, keyLen: 32, authAlg: 1, saltLen: 14, tag: 4, aead: false },
  AEAD_AES_128_GCM: { encr: 6, keyLen: 16, authAlg: 0, saltLen: 12, tag: 16, aead: true },
  AEAD_AES_256_GCM: { encr: 6, keyLen: 32, authAlg: 0, saltLen: 12, tag: 16, aead: true },
};

/**
 * The full policy for one of the project's suites, in minisip's order of parameters: cipher, key
 * length, auth algorithm, auth key length (20 for HMAC-SHA-1), salt length, AES-CM PRF, KDR 0,
 * SRTP/SRTCP encryption on, FEC order 0, SRTP auth on, tag length (type 11, or 20 for AEAD), prefix 0.
 */
export function suitePolicy(policy: number, suite: SrtpSuiteName): PayloadOf<'SP'> {
  const s = SUITES[suite];
  return spPayload(policy, {
    ENCR_ALG: s.encr, ENCR_KEY_LEN: s.keyLen, AUTH_ALG: s.authAlg, AUTH_KEY_LEN: s.authAlg ? 20 : 0, SALT_KEY_LEN: s.saltLen, PRF: 0, KDR: 0,
    SRTP_ENCR: 1, SRTCP_ENCR: 1, FEC_ORDER: 0, SRTP_AUTH: s.aead ? 0 : 1, ...(s.aead ? { AEAD_TAG_LEN: s.tag } : { AUTH_TAG_LEN: s.tag }), PREFIX_LEN: 0,
  });
}

/** The project suite an SP payload describes (defaults of RFC 3711 §8.2 for absent fields; GStreamer quirk tolerated). */
export function suiteOf(sp: PayloadOf<'SP'>): SrtpSuiteName | undefined {
  const { values, tagLength } = readSrtpPolicy(sp);
  const encr = values.ENCR_ALG ?? 1;
  const aead = encr === 6;
  const shape: SuiteShape = {
    encr, keyLen: values.ENCR_KEY_LEN ?? 16, authAlg: values.AUTH_ALG ?? (aead ? 0 : 1), saltLen: values.SALT_KEY_LEN ?? (aead ? 12 : 14),
    tag: aead ? (values.AEAD_TAG_LEN ?? 16) : (tagLength ?? 10), aead,
  };
  return (Object.keys(SUITES) as SrtpSuiteName[]).find((name) => {
    const s = SUITES[name];
    return s.encr === shape.encr && s.keyLen === shape.keyLen && s.authAlg === shape.authAlg && s.saltLen === shape.saltLen && s.tag === shape.tag;
  });
}
