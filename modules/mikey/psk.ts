// The pre-shared key method (RFC 3830 §3.1, §5):
//   I_MESSAGE = HDR(0) T RAND [IDi] [IDr] {SP} KEMAC,  KEMAC = E(encr_key, {TGK}) ‖ MAC
//   R_MESSAGE = HDR(1) T [IDr] V            (only when the initiator set the V flag)
//   Error     = HDR(6) T {ERR} [V]          (V whenever the responder holds a key, §5.1.2)
// Transport keys from the PSK, CSB ID and RAND (§4.1.4); KEMAC AES-CM-128, its HMAC-SHA-1-160 over
// the whole I_MESSAGE up to the MAC (§5.2); SRTP keys per crypto session from the TGK (§4.1.3).
// The responder checks, in order: decoding, data type, PRF, CS map and CSB ID, timestamp window
// (§5.4), RAND, IDi/IDr when the caller names them, key, KEMAC MAC (constant time), replay cache,
// SP, key data. Nothing from a
// message whose MAC fails is kept: the replay cache only learns authenticated messages.
import type { Crypto, Random } from '../../hal/contracts.js';
import { constantTimeEqual, utf8Decode, utf8Encode } from '../util/bytes.js';
import { normalizeSipUri } from '../pki/identity.js';
import { decodeMessageDetailed, encodeMessage, type DecodedMessage } from './codec.js';
import { DATA_TYPE, ENCR_ALG, ERROR_NO, ID_TYPE, KEY_TYPE, MAC_ALG, PAYLOAD, PROT_TYPE, TS_TYPE } from './codes.js';
import { decodeKeyData, encodeKeyData } from './key-data.js';
import { MikeyError } from './mikey-error.js';
import { findPayload, findPayloads, type CryptoSession, type Header, type KemacItem, type Message, type Payload, type PayloadOf } from './payloads.js';
import { hmacSha1, kemacCipher, transportKeys, type TransportKeys } from './pk-keys.js';
import { ntpTimestamp } from './pk-message.js';
import { ReplayCache } from './replay-cache.js';
import { mkisOf, sessionKeys, type SrtpKeys } from './session-keys.js';
import { suiteOf } from './srtp-policy.js';
import { DEFAULT_WINDOW_MS, checkTimestamp } from './timestamp.js';
import { checkV, encodeWithV, errorMessage } from './verification.js';

/** RAND must carry at least 128 bits (RFC 3830 §6.11). */
export const MIN_RAND_BYTES = 16;
const MAC_BYTES = 20;

export interface PskOfferRequest {
  readonly psk: Uint8Array;
  readonly sessions: readonly CryptoSession[];
  /** SP payloads the sessions' policy numbers refer to (e.g. suitePolicy(0, 'AES_CM_128_HMAC_SHA1_80')). */
  readonly policies: readonly PayloadOf<'SP'>[];
  /** V flag: ask the responder for a verification message. */
  readonly v: boolean;
  /** CSB ID; a re-key keeps the session's, a new session draws one. */
  readonly csbId?: number;
  readonly idi?: string;
  readonly idr?: string;
  /** MKI for the key (KV = SPI/MKI, RFC 3830 §6.13). */
  readonly mki?: Uint8Array;
  /** General Extension payloads to carry (e.g. SDP IDs, or another module's typed data). */
  readonly extensions?: readonly PayloadOf<'GENEXT'>[];
}

export interface MikeyEnvironment {
  readonly crypto: Crypto;
  readonly random: Random;
  /** Wall-clock ms since the Unix epoch. */
  readonly nowMs: number;
}

export interface PskOffer {
  readonly bytes: Uint8Array;
  readonly message: Message;
  /** The SRTP keys this offer installs (per crypto session). */
  readonly keys: SrtpKeys[];
  /** The offer's T value: the verification MAC covers it. */
  readonly t: Uint8Array;
  readonly transport: TransportKeys;
}

function idPayload(uri: string): Payload {
  return { type: 'ID', idType: ID_TYPE.URI, value: utf8Encode(uri) };
}

function u32(bytes: Uint8Array): number {
  return ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
}

/** Builds a PSK I_MESSAGE with a fresh 16-byte TGK. */
export function pskOffer(req: PskOfferRequest, env: MikeyEnvironment): PskOffer {
  const csbId = req.csbId ?? u32(env.random.bytes(4));
  const header: Header = { dataType: DATA_TYPE.PSK_INIT, v: req.v, prf: 0, csbId, map: { type: 'srtp-id', sessions: req.sessions } };
  const t = ntpTimestamp(env.nowMs);
  const rand = env.random.bytes(MIN_RAND_BYTES);
  const transport = transportKeys(env.crypto, req.psk, csbId, rand);
  const items: KemacItem[] = [{ type: 'KEY_DATA', keyType: KEY_TYPE.TGK, key: env.random.bytes(16), kv: req.mki ? { type: 'spi', spi: req.mki } : { type: 'none' } }];
  const encrData = kemacCipher(env.crypto, transport, csbId, t, encodeKeyData(items));
  const payloads: Payload[] = [
    { type: 'T', tsType: TS_TYPE.NTP_UTC, value: t },
    { type: 'RAND', value: rand },
    ...(req.idi ? [idPayload(req.idi)] : []),
    ...(req.idr ? [idPayload(req.idr)] : []),
    ...req.policies,
    ...(req.extensions ?? []),
    { type: 'KEMAC', encrAlg: ENCR_ALG.AES_CM_128, encrData, macAlg: MAC_ALG.HMAC_SHA1_160, mac: new Uint8Array(MAC_BYTES) },
  ];
  const bytes = encodeMessage({ header, payloads });
  bytes.set(hmacSha1(env.crypto, transport.authKey, [bytes.subarray(0, bytes.length - MAC_BYTES)]), bytes.length - MAC_BYTES);
  const message: Message = { header, payloads: [...payloads.slice(0, -1), { ...(payloads[payloads.length - 1] as PayloadOf<'KEMAC'>), mac: bytes.slice(bytes.length - MAC_BYTES) }] };
  return { bytes, message, keys: sessionKeys(env.crypto, header, items, rand), t, transport };
}

export interface PskResponderConfig {
  /** The PSK for the initiator named by IDi (undefined when the offer has no IDi); undefined = unknown peer. */
  pskFor(idi: string | undefined): Uint8Array | undefined;
  readonly replay: ReplayCache;
  /** Timestamp window, ±ms; default ±1 hour. */
  readonly windowMs?: number;
  /** For a re-key: the CSB ID the session already has (RFC 3830 §4.5: re-keys keep the CSB). */
  readonly expectedCsbId?: number;
  /** IDr to put into the verification message. */
  readonly idr?: string;
  /**
   * The SIP identities the offer must name as IDi and IDr (RFC 3830 §3.1; in a call: the From URI
   * and this phone's own URI), compared as normalized SIP URIs. Unset: IDs are not checked.
   */
  readonly expectedIds?: { readonly idi: string; readonly idr: string };
}

export interface PskAccepted {
  readonly ok: true;
  readonly keys: SrtpKeys[];
  readonly message: Message;
  readonly idi?: string;
  readonly mkis: (Uint8Array | undefined)[];
  /** The verification message, when the initiator set V. */
  readonly response?: Uint8Array;
  /** The verification message carrying `extensions` under its MAC (undefined when V was not set). */
  verification(extensions: readonly PayloadOf<'GENEXT'>[]): Uint8Array | undefined;
}

export type PskAnswer =
  | PskAccepted
  | { readonly ok: false; readonly errorNo: number; readonly reason: string; readonly error: Uint8Array };

class Refusal {
  constructor(readonly errorNo: number, readonly reason: string, readonly authenticated: boolean) {}
}

/** The IDi of a message: the first ID payload, when IDs are present (RFC 3830 §3.1: [IDi] [IDr]). */
function idiOf(message: Message): string | undefined {
  const id = findPayload(message, 'ID');
  return id && id.idType === ID_TYPE.URI ? utf8Decode(id.value) : undefined;
}

/** IDi and IDr must name the expected SIP identities (RFC 3830 §3.1); the reason when they do not. */
function idMismatch(message: Message, expected: { readonly idi: string; readonly idr: string }): string | undefined {
  const [idi, idr] = findPayloads(message, 'ID').map((id) => (id.idType === ID_TYPE.URI ? normalizeSipUri(utf8Decode(id.value)) : undefined));
  if (!idi || idi !== normalizeSipUri(expected.idi)) return `IDi ${idi ?? '(none)'} is not ${expected.idi}`;
  if (!idr || idr !== normalizeSipUri(expected.idr)) return `the offer is addressed to ${idr ?? '(no IDr)'}`;
  return undefined;
}

/** Processes a PSK I_MESSAGE; returns the keys to install and the response, or the Error message to send. */
export function pskRespond(bytes: Uint8Array, config: PskResponderConfig, env: MikeyEnvironment): PskAnswer {
  let decoded: DecodedMessage;
  try {
    decoded = decodeMessageDetailed(bytes);
  } catch (e) {
    if (!(e instanceof MikeyError)) throw e;
    return { ok: false, errorNo: ERROR_NO.UNSPECIFIED, reason: e.message, error: errorMessage(env.crypto, undefined, [ERROR_NO.UNSPECIFIED], env.nowMs) };
  }
  const { message } = decoded;
  const t = findPayload(message, 'T');
  const rand = findPayload(message, 'RAND');
  const idi = idiOf(message);
  const psk = config.pskFor(idi);
  const transport = psk && rand ? transportKeys(env.crypto, psk, message.header.csbId, rand.value) : undefined;
  try {
    return accept(bytes, decoded, config, env, transport, idi);
  } catch (e) {
    if (!(e instanceof Refusal)) throw e;
    const auth = e.authenticated && transport && t ? { authKey: transport.authKey, offerT: t.value } : undefined;
    return { ok: false, errorNo: e.errorNo, reason: e.reason, error: errorMessage(env.crypto, message.header, [e.errorNo], env.nowMs, auth) };
  }
}

function accept(bytes: Uint8Array, decoded: DecodedMessage, config: PskResponderConfig, env: MikeyEnvironment, transport: TransportKeys | undefined, idi: string | undefined): PskAnswer {
  const { message, spans, end } = decoded;
  const { header } = message;
  // Before the MAC is checked an Error message is still authenticated when we hold the key: the
  // V proves the refusal comes from the PSK holder (RFC 3830 §5.1.2).
  const refuse = (errorNo: number, reason: string, authenticated = true): never => {
    throw new Refusal(errorNo, reason, authenticated);
  };
  if (header.dataType !== DATA_TYPE.PSK_INIT) refuse(ERROR_NO.INVALID_DT, `data type ${header.dataType} is not a PSK I_MESSAGE`);
  if (header.prf !== 0) refuse(ERROR_NO.INVALID_PRF, `PRF ${header.prf} is not MIKEY-1`);
  if (header.map.type !== 'srtp-id' || header.map.sessions.length === 0) refuse(ERROR_NO.UNSPECIFIED, 'no SRTP crypto session in the CS ID map');
  if (config.expectedCsbId !== undefined && header.csbId !== config.expectedCsbId) refuse(ERROR_NO.UNSPECIFIED, `CSB ID ${header.csbId} is not this session's ${config.expectedCsbId}`);
  const t = findPayload(message, 'T');
  const window = checkTimestamp(t, env.nowMs, config.windowMs ?? DEFAULT_WINDOW_MS);
  if (!window.ok) return refuse(ERROR_NO.INVALID_TS, window.reason);
  const rand = findPayload(message, 'RAND');
  if (!rand || rand.value.length < MIN_RAND_BYTES) refuse(ERROR_NO.UNSPECIFIED, `RAND must carry at least ${MIN_RAND_BYTES} bytes`);
  const wrongIds = config.expectedIds && idMismatch(message, config.expectedIds);
  if (wrongIds) refuse(ERROR_NO.INVALID_ID, wrongIds, false);
  if (!transport) return refuse(ERROR_NO.INVALID_ID, idi ? `no pre-shared key for ${idi}` : 'no pre-shared key for an anonymous initiator', false);
  const last = message.payloads[message.payloads.length - 1];
  if (!last || last.type !== 'KEMAC') return refuse(ERROR_NO.UNSPECIFIED, 'the I_MESSAGE does not end with KEMAC');
  if (last.macAlg !== MAC_ALG.HMAC_SHA1_160) refuse(ERROR_NO.INVALID_MAC, `KEMAC MAC algorithm ${last.macAlg} is not HMAC-SHA-1-160`);
  if (last.encrAlg !== ENCR_ALG.AES_CM_128) refuse(ERROR_NO.INVALID_EA, `KEMAC encryption ${last.encrAlg} is not AES-CM-128`);
  const macAt = end - MAC_BYTES;
  if (!constantTimeEqual(hmacSha1(env.crypto, transport.authKey, [bytes.subarray(0, macAt)]), last.mac)) refuse(ERROR_NO.AUTH_FAILURE, 'KEMAC MAC does not verify');
  // Authenticated from here on.
  const replayId = `${header.csbId}:${hex(t!.value)}:${hex(rand!.value)}`;
  const replayed = config.replay.refusal(replayId, window.ms, env.nowMs);
  if (replayed !== undefined) refuse(ERROR_NO.INVALID_TS, replayed);
  const policies = findPayloads(message, 'SP');
  for (const sp of policies) {
    if (sp.protType !== PROT_TYPE.SRTP) refuse(ERROR_NO.INVALID_SP, `SP prot type ${sp.protType} is not SRTP`);
    if (!suiteOf(sp)) refuse(ERROR_NO.INVALID_SPPAR, `SP policy ${sp.policy} is not a supported SRTP suite`);
  }
  for (const cs of header.map.type === 'srtp-id' ? header.map.sessions : []) {
    if (policies.length > 0 && !policies.some((sp) => sp.policy === cs.policy)) refuse(ERROR_NO.INVALID_SP, `crypto session names policy ${cs.policy}, which no SP defines`);
  }
  const kemacStart = spans[spans.length - 1][0];
  let items: KemacItem[];
  let keys: SrtpKeys[];
  try {
    items = decodeKeyData(kemacCipher(env.crypto, transport, header.csbId, t!.value, last.encrData), PAYLOAD.KEY_DATA, kemacStart + 4);
    keys = sessionKeys(env.crypto, header, items, rand!.value);
  } catch (e) {
    if (!(e instanceof MikeyError)) throw e;
    return refuse(ERROR_NO.UNSPECIFIED, e.message);
  }
  config.replay.remember(replayId, window.ms);
  const mkis = mkisOf(items);
  const verification = (extensions: readonly PayloadOf<'GENEXT'>[]) => (header.v ? pskVerification(env, header, transport, t!.value, config.idr, extensions) : undefined);
  const response = verification([]);
  return { ok: true, keys, message, mkis, verification, ...(idi === undefined ? {} : { idi }), ...(response ? { response } : {}) };
}

function hex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += (x < 16 ? '0' : '') + x.toString(16);
  return s;
}

/**
 * R_MESSAGE = HDR(1, same CSB ID and map) T [IDr] V (RFC 3830 §3.1), with General Extensions (§6.15)
 * before V so that its MAC covers them.
 */
function pskVerification(env: MikeyEnvironment, offer: Header, transport: TransportKeys, offerT: Uint8Array, idr: string | undefined, extensions: readonly PayloadOf<'GENEXT'>[]): Uint8Array {
  const header: Header = { ...offer, dataType: DATA_TYPE.PSK_RESP, v: false };
  const payloads: Payload[] = [{ type: 'T', tsType: TS_TYPE.NTP_UTC, value: ntpTimestamp(env.nowMs) }, ...(idr ? [idPayload(idr)] : []), ...extensions];
  return encodeWithV(env.crypto, header, payloads, transport.authKey, offerT);
}

export type PskVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: string; readonly errorNos?: readonly number[] };

/**
 * The initiator's check of the answer to its offer: an R_MESSAGE (or an Error message) with the
 * offer's CSB ID, a timestamp in the window, and a V that verifies in constant time. An Error
 * message is reported with its ERR numbers only when its V verifies.
 */
export function pskCheckResponse(offer: PskOffer, bytes: Uint8Array, env: Pick<MikeyEnvironment, 'crypto' | 'nowMs'>, windowMs = DEFAULT_WINDOW_MS): PskVerdict {
  let decoded: DecodedMessage;
  try {
    decoded = decodeMessageDetailed(bytes);
  } catch (e) {
    if (!(e instanceof MikeyError)) throw e;
    return { ok: false, reason: e.message };
  }
  const { message, end } = decoded;
  const { header } = message;
  if (header.dataType !== DATA_TYPE.PSK_RESP && header.dataType !== DATA_TYPE.ERROR) return { ok: false, reason: `data type ${header.dataType} answers no PSK offer` };
  if (header.csbId !== offer.message.header.csbId) return { ok: false, reason: `CSB ID ${header.csbId} is not the offer's` };
  const window = checkTimestamp(findPayload(message, 'T'), env.nowMs, windowMs);
  if (!window.ok) return { ok: false, reason: window.reason };
  if (!checkV(env.crypto, bytes, end, message, offer.transport.authKey, offer.t)) return { ok: false, reason: 'V payload missing or does not verify' };
  if (header.dataType === DATA_TYPE.ERROR) {
    const errorNos = findPayloads(message, 'ERR').map((e) => e.errorNo);
    return { ok: false, reason: `peer refused with ERR ${errorNos.join(', ')}`, errorNos };
  }
  return { ok: true };
}
