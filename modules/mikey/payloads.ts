// The MIKEY message model (RFC 3830 §6): the common header with its crypto-session map and one
// typed record per payload. Byte fields are Uint8Array; every enumerated field keeps its number,
// so a value this project does not use still round-trips.

/** One crypto session of the SRTP-ID map (RFC 3830 §6.1.1). SSRC 0 = not yet known (§6.1.1). */
export interface CryptoSession {
  readonly policy: number;
  readonly ssrc: number;
  readonly roc: number;
}

/** CS ID map: SRTP-ID (RFC 3830 §6.1.1) or the empty map (RFC 4563 §4), which carries only #CS. */
export type CsIdMap =
  | { readonly type: 'srtp-id'; readonly sessions: readonly CryptoSession[] }
  | { readonly type: 'empty'; readonly count: number };

export interface Header {
  readonly dataType: number;
  /** V flag: the initiator asks for a verification message (RFC 3830 §6.1). */
  readonly v: boolean;
  /** PRF func, 7 bits (0 = MIKEY-1). */
  readonly prf: number;
  readonly csbId: number;
  readonly map: CsIdMap;
}

/** Key validity (RFC 3830 §6.13): none, SPI/MKI, or a validity interval (§6.14 encodings). */
export type KeyValidity =
  | { readonly type: 'none' }
  | { readonly type: 'spi'; readonly spi: Uint8Array }
  | { readonly type: 'interval'; readonly from: Uint8Array; readonly to: Uint8Array };

/** Key data sub-payload (RFC 3830 §6.13); `salt` is present exactly for TGK+SALT (1) and TEK+SALT (3). */
export interface KeyData {
  readonly type: 'KEY_DATA';
  readonly keyType: number;
  readonly key: Uint8Array;
  readonly salt?: Uint8Array;
  readonly kv: KeyValidity;
}

export interface IdPayload {
  readonly type: 'ID';
  readonly idType: number;
  readonly value: Uint8Array;
}

/** One SRTP policy parameter (RFC 3830 §6.10.1): type, and the value bytes (length ≤ 255). */
export interface SpParam {
  readonly type: number;
  readonly value: Uint8Array;
}

export type Payload =
  | { readonly type: 'KEMAC'; readonly encrAlg: number; readonly encrData: Uint8Array; readonly macAlg: number; readonly mac: Uint8Array }
  | { readonly type: 'PKE'; readonly cache: number; readonly data: Uint8Array }
  | { readonly type: 'DH'; readonly group: number; readonly value: Uint8Array; readonly kv: KeyValidity }
  | { readonly type: 'SIGN'; readonly signType: number; readonly signature: Uint8Array }
  | { readonly type: 'T'; readonly tsType: number; readonly value: Uint8Array }
  | IdPayload
  | { readonly type: 'CERT'; readonly certType: number; readonly value: Uint8Array }
  | { readonly type: 'CHASH'; readonly hashFunc: number; readonly value: Uint8Array }
  | { readonly type: 'V'; readonly macAlg: number; readonly mac: Uint8Array }
  | { readonly type: 'SP'; readonly policy: number; readonly protType: number; readonly params: readonly SpParam[] }
  | { readonly type: 'RAND'; readonly value: Uint8Array }
  | { readonly type: 'ERR'; readonly errorNo: number }
  /** General Extension (RFC 3830 §6.15): any 8-bit type with up to 65535 bytes of data. */
  | { readonly type: 'GENEXT'; readonly extType: number; readonly data: Uint8Array };

export type PayloadOf<K extends Payload['type']> = Extract<Payload, { type: K }>;

/** What a KEMAC's (decrypted) Encr data holds: key data sub-payloads, in PK modes after an ID (§3.2). */
export type KemacItem = KeyData | IdPayload;

export interface Message {
  readonly header: Header;
  readonly payloads: readonly Payload[];
}

export function findPayload<K extends Payload['type']>(message: Message, type: K): PayloadOf<K> | undefined {
  return message.payloads.find((p): p is PayloadOf<K> => p.type === type);
}

export function findPayloads<K extends Payload['type']>(message: Message, type: K): PayloadOf<K>[] {
  return message.payloads.filter((p): p is PayloadOf<K> => p.type === type);
}

/** The crypto sessions of a header: the SRTP-ID entries, or none for the empty map. */
export function sessionsOf(header: Header): readonly CryptoSession[] {
  return header.map.type === 'srtp-id' ? header.map.sessions : [];
}

/** #CS of a header (RFC 3830 §6.1). */
export function sessionCount(header: Header): number {
  return header.map.type === 'srtp-id' ? header.map.sessions.length : header.map.count;
}
