// Message-level steps every public-key mode repeats: NTP-UTC timestamps and the window check
// (RFC 3830 §5.4, §6.6), the replay guard interface, signing a message into its SIGN payload and
// finding the signed bytes of a received one (§5.2), the Error message (§5.1.2, §6.12), and the SRTP
// policy the offers carry (§6.10.1).
import type { Crypto } from '../../hal/contracts.js';
import { utf8Decode, utf8Encode } from '../util/bytes.js';
import { PK_ERROR, PkRefusal, signMessage, signatureLength, type PkCredentials, type PkEnvironment } from './pk-auth.js';
import { hmacSha1 } from './pk-keys.js';
import { MikeyError } from './mikey-error.js';
import { DATA_TYPE, decodeMessage, encodeMessage, type CryptoSession, type Header, type Message, type Payload } from './pk-wire.js';

/** Seconds from 1900-01-01 (NTP era 0) to 1970-01-01. */
const NTP_UNIX_OFFSET = 2208988800;

/** The default timestamp window: ±1 hour, as minisip and gortsplib use (RFC 3830 §5.4 leaves it to policy). */
export const DEFAULT_WINDOW_MS = 3600_000;

/** NTP-UTC timestamp (RFC 3830 §6.6, RFC 1305): 32-bit seconds since 1900 (modulo 2^32) ‖ 32-bit fraction. */
export function ntpTimestamp(ms: number): Uint8Array {
  const seconds = Math.floor(ms / 1000) + NTP_UNIX_OFFSET;
  const fraction = Math.floor(((ms % 1000) / 1000) * 2 ** 32);
  const out = new Uint8Array(8);
  const view = new DataView(out.buffer);
  view.setUint32(0, seconds >>> 0);
  view.setUint32(4, fraction >>> 0);
  return out;
}

/** NTP-UTC to Unix ms; seconds with the top bit clear are in NTP era 1, from 2036 (RFC 4330 §3). */
export function ntpToMs(value: Uint8Array): number {
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  let seconds = view.getUint32(0);
  if (seconds < 0x80000000) seconds += 2 ** 32;
  return (seconds - NTP_UNIX_OFFSET) * 1000 + Math.floor((view.getUint32(4) / 2 ** 32) * 1000);
}

/**
 * Remembers accepted I_MESSAGEs for the timestamp window (RFC 3830 §5.4), each under its own
 * timestamp (T, in Unix ms). `refusal` is asked before any costly check: why a message it has
 * seen, or one at or below its floor (older than a bounded cache can prove unseen), must be
 * refused, undefined for one it admits; `remember` is called only once the message has been
 * authenticated, so forged messages cannot fill it. replay-cache.ts is the one implementation.
 */
export interface ReplayGuard {
  refusal(id: string, timestampMs: number, nowMs: number): string | undefined;
  remember(id: string, timestampMs: number): void;
}

/** The replay identity of an I_MESSAGE: data type, CSB ID, T and RAND. */
export function replayId(message: Message, t: Uint8Array, rand: Uint8Array): string {
  let s = `${message.header.dataType}:${message.header.csbId}:`;
  for (const b of t) s += b.toString(16).padStart(2, '0');
  s += ':';
  for (const b of rand) s += b.toString(16).padStart(2, '0');
  return s;
}

export function find<K extends Payload['type']>(message: Message, type: K): Extract<Payload, { type: K }> | undefined {
  return message.payloads.find((p): p is Extract<Payload, { type: K }> => p.type === type);
}

export function findAll<K extends Payload['type']>(message: Message, type: K): Extract<Payload, { type: K }>[] {
  return message.payloads.filter((p): p is Extract<Payload, { type: K }> => p.type === type);
}

export function requirePayload<K extends Payload['type']>(message: Message, type: K): Extract<Payload, { type: K }> {
  const p = find(message, type);
  if (!p) throw new PkRefusal(PK_ERROR.UNSPECIFIED, `the message has no ${type} payload`);
  return p;
}

/** Decodes a message of the expected data type; failures become refusals. */
export function decodeExpected(bytes: Uint8Array, dataType: number, onHeader?: (header: Header) => void): Message {
  let message: Message;
  try {
    message = decodeMessage(bytes);
  } catch (e) {
    if (e instanceof MikeyError) throw new PkRefusal(PK_ERROR.UNSPECIFIED, e.message);
    throw e;
  }
  onHeader?.(message.header);
  if (message.header.dataType !== dataType) {
    throw new PkRefusal(PK_ERROR.DATA_TYPE_NOT_SUPPORTED, `expected data type ${dataType}, got ${message.header.dataType}`);
  }
  return message;
}

/** Checks the T payload is NTP-UTC and within ±windowMs of now; returns its 8-byte value. */
export function checkTimestamp(message: Message, nowMs: number, windowMs: number): Uint8Array {
  const t = requirePayload(message, 'T');
  if (t.tsType !== 0) throw new PkRefusal(PK_ERROR.INVALID_TS, `timestamp type ${t.tsType} is not NTP-UTC`);
  if (Math.abs(ntpToMs(t.value) - nowMs) > windowMs) throw new PkRefusal(PK_ERROR.INVALID_TS, 'timestamp outside the window');
  return t.value;
}

/** ID payload of type URI (RFC 3830 §6.7, ID type 1). */
export function uriId(uri: string): Payload {
  return { type: 'ID', idType: 1, value: utf8Encode(uri) };
}

export function idText(p: { idType: number; value: Uint8Array }): string {
  if (p.idType !== 1) throw new PkRefusal(PK_ERROR.ID_NOT_SUPPORTED, `ID type ${p.idType} is not URI`);
  return utf8Decode(p.value);
}

/** CERT payloads (type 0, X.509v3) for a chain, leaf first (RFC 3830 §6.7). */
export function certPayloads(chain: readonly Uint8Array[]): Payload[] {
  return chain.map((value) => ({ type: 'CERT', certType: 0, value }) as Payload);
}

/** The DER chain from CERT payloads; only X.509v3 certificates themselves (type 0) are accepted. */
export function certChain(message: Message): Uint8Array[] {
  return findAll(message, 'CERT').map((c) => {
    if (c.certType !== 0) throw new PkRefusal(PK_ERROR.CERT_NOT_SUPPORTED, `certificate type ${c.certType} is not X.509v3`);
    return c.value;
  });
}

/** Encodes `payloads` followed by a SIGN payload signed with our key over everything before the signature. */
export function encodeSigned(self: PkCredentials, header: Header, payloads: readonly Payload[], env: PkEnvironment): Uint8Array {
  const length = signatureLength(self.privateKey);
  const signType = self.signType ?? 0;
  const draft = encodeMessage({ header, payloads: [...payloads, { type: 'SIGN', signType, signature: new Uint8Array(length) }] });
  const signed = draft.subarray(0, draft.length - length);
  draft.set(signMessage(self, signed, env), draft.length - length);
  return draft;
}

/** The bytes a received message's SIGN covers (everything before the signature) and the SIGN itself. */
export function signedPart(bytes: Uint8Array, message: Message): { signed: Uint8Array; signType: number; signature: Uint8Array } {
  const last = message.payloads[message.payloads.length - 1];
  if (!last || last.type !== 'SIGN') throw new PkRefusal(PK_ERROR.UNSPECIFIED, 'the message does not end with SIGN');
  // The canonical encoding has the same length as what was received, less a tolerated trailing 0x00.
  const end = encodeMessage(message).length;
  return { signed: bytes.subarray(0, end - last.signature.length), signType: last.signType, signature: last.signature };
}

/**
 * The Error message (RFC 3830 §5.1.2): HDR (data type 6, the offer's CSB ID and map), T, ERR. With
 * an auth key (DHHMAC's PSK-derived key) it carries a V payload over the message and the offer's
 * T; the public-key modes send it unauthenticated rather than spend a private-key operation on
 * every refused offer (seed §2.1.3).
 */
export function errorMessage(
  crypto: Crypto,
  offer: Header | undefined,
  errorNo: number,
  nowMs: number,
  auth?: { key: Uint8Array; offerT: Uint8Array },
): Uint8Array {
  const header: Header = { dataType: DATA_TYPE.ERROR, v: false, csbId: offer?.csbId ?? 0, sessions: offer?.sessions ?? [] };
  const payloads: Payload[] = [{ type: 'T', tsType: 0, value: ntpTimestamp(nowMs) }, { type: 'ERR', errorNo }];
  if (!auth) return encodeMessage({ header, payloads });
  return encodeVerified(crypto, header, payloads, auth.key, auth.offerT);
}

/** Encodes `payloads` followed by a V payload: HMAC over the message (less the MAC) ‖ the offer's T. */
export function encodeVerified(crypto: Crypto, header: Header, payloads: readonly Payload[], authKey: Uint8Array, offerT: Uint8Array): Uint8Array {
  const draft = encodeMessage({ header, payloads: [...payloads, { type: 'V', macAlg: 1, mac: new Uint8Array(20) }] });
  draft.set(hmacSha1(crypto, authKey, [draft.subarray(0, draft.length - 20), offerT]), draft.length - 20);
  return draft;
}

/** The bytes a received V payload's MAC covers, less the offer's T (which the caller appends). */
export function verifiedPart(received: Uint8Array, message: Message): { covered: Uint8Array; mac: Uint8Array } {
  const last = message.payloads[message.payloads.length - 1];
  if (!last || last.type !== 'V' || last.macAlg !== 1) throw new PkRefusal(PK_ERROR.AUTH_FAILURE, 'the message does not end with an HMAC-SHA-1 V payload');
  // The received bytes, not a re-encoding, so that bits the decoder ignores (ERR's reserved field)
  // are covered too; the canonical length drops only the one trailing zero byte decoding tolerates.
  const end = encodeMessage(message).length;
  return { covered: received.subarray(0, end - 20), mac: last.mac };
}

/**
 * The SRTP policy an offer carries (RFC 3830 §6.10.1) for AES_CM_128_HMAC_SHA1_80, the suite
 * minisip uses by default: AES-CM, 16-byte key, HMAC-SHA-1, 20-byte auth key, 14-byte salt,
 * AES-CM PRF, KDR 0, SRTP and SRTCP encryption on, FEC order 0, SRTP auth on, 10-byte tag, prefix 0.
 */
export function srtpPolicy(policy = 0): Payload {
  const params: number[] = [];
  const values = [1, 16, 1, 20, 14, 0, 0, 1, 1, 0, 1, 10, 0];
  values.forEach((v, type) => params.push(type, 1, v));
  return { type: 'SP', policy, protType: 0, params: Uint8Array.from(params) };
}

export function defaultSessions(ssrcs: readonly number[]): CryptoSession[] {
  return ssrcs.map((ssrc) => ({ policy: 0, ssrc, roc: 0 }));
}
