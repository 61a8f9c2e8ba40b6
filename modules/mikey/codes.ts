// MIKEY code points: HDR data types (RFC 3830 §6.1, RFC 4650 §5.1, RFC 4738 §6), CS ID map types
// (RFC 3830 §6.1, RFC 4563 §4), payload types (§6.1 table 6.1.c, §6.13, §6.15), and the per-payload
// enumerations whose value fixes a length on the wire.

/** HDR data type (RFC 3830 §6.1; DHHMAC RFC 4650; RSA-R RFC 4738). */
export const DATA_TYPE = {
  PSK_INIT: 0, PSK_RESP: 1, PK_INIT: 2, PK_RESP: 3, DH_INIT: 4, DH_RESP: 5, ERROR: 6,
  DHHMAC_INIT: 7, DHHMAC_RESP: 8, RSA_R_INIT: 9, RSA_R_RESP: 10,
} as const;

/** CS ID map type (RFC 3830 §6.1: 0 SRTP-ID; RFC 4563 §4: 1 empty map). */
export const CS_MAP = { SRTP_ID: 0, EMPTY: 1 } as const;

/** Next-payload / payload type codes (RFC 3830 §6.1 table 6.1.c). */
export const PAYLOAD = {
  LAST: 0, KEMAC: 1, PKE: 2, DH: 3, SIGN: 4, T: 5, ID: 6, CERT: 7, CHASH: 8, V: 9, SP: 10, RAND: 11, ERR: 12,
  KEY_DATA: 20, GENERAL_EXTENSION: 21,
} as const;

/** KEMAC encryption algorithm (RFC 3830 §6.2; AES-KW-128 RFC 6043 §6.2). */
export const ENCR_ALG = { NULL: 0, AES_CM_128: 1, AES_KW_128: 2 } as const;

/** KEMAC / V MAC algorithm (RFC 3830 §6.2) and the MAC length each fixes. */
export const MAC_ALG = { NULL: 0, HMAC_SHA1_160: 1 } as const;
export const MAC_BYTES: Readonly<Record<number, number>> = { 0: 0, 1: 20 };

/** T payload TS type (RFC 3830 §6.6) and the value length each fixes. */
export const TS_TYPE = { NTP_UTC: 0, NTP: 1, COUNTER: 2 } as const;
export const TS_BYTES: Readonly<Record<number, number>> = { 0: 8, 1: 8, 2: 4 };

/** DH-Group (RFC 3830 §6.4): OAKLEY 5, 1, 2, and the DH-value length each fixes. */
export const DH_BYTES: Readonly<Record<number, number>> = { 0: 192, 1: 96, 2: 128 };

/** CHASH hash function (RFC 3830 §6.8): SHA-1, MD5, and the hash length each fixes. */
export const CHASH_BYTES: Readonly<Record<number, number>> = { 0: 20, 1: 16 };

/** Key data type (RFC 3830 §6.13). Types 1 and 3 carry a salt. */
export const KEY_TYPE = { TGK: 0, TGK_SALT: 1, TEK: 2, TEK_SALT: 3 } as const;

/** Key validity type (RFC 3830 §6.13). */
export const KV_TYPE = { NULL: 0, SPI: 1, INTERVAL: 2 } as const;

/** ID type (RFC 3830 §6.7). */
export const ID_TYPE = { NAI: 0, URI: 1 } as const;

/** CERT type (RFC 3830 §6.7). */
export const CERT_TYPE = { X509V3: 0, X509V3_URL: 1, X509V3_SIGN: 2, X509V3_ENCR: 3 } as const;

/** SIGN S type (RFC 3830 §6.5). */
export const SIGN_TYPE = { RSA_PKCS1: 0, RSA_PSS: 1 } as const;

/** General Extension type (RFC 3830 §6.15: 0 Vendor ID, 1 SDP IDs). Any 8-bit type may be carried. */
export const EXT_TYPE = { VENDOR_ID: 0, SDP_IDS: 1 } as const;

/** SP protocol type (RFC 3830 §6.10): 0 SRTP. */
export const PROT_TYPE = { SRTP: 0 } as const;

/** ERR error numbers (RFC 3830 §6.12). */
export const ERROR_NO = {
  AUTH_FAILURE: 0, INVALID_TS: 1, INVALID_PRF: 2, INVALID_MAC: 3, INVALID_EA: 4, INVALID_HA: 5, INVALID_DH: 6,
  INVALID_ID: 7, INVALID_CERT: 8, INVALID_SP: 9, INVALID_SPPAR: 10, INVALID_DT: 11, UNSPECIFIED: 12,
} as const;
