// Message authentication with a transport auth_key (RFC 3830 §4.1.4 key, HMAC-SHA-1-160 of §4.2.4):
// the V payload of the verification and Error messages (§5.2, §6.9) — HMAC over the message up to
// the MAC ‖ the I_MESSAGE's T value, as minisip computes it — and the Error message itself (§5.1.2:
// HDR(6) with the offer's CSB ID and map, T, one ERR per error, V when a key exists).
import type { Crypto } from '../../hal/contracts.js';
import { constantTimeEqual } from '../util/bytes.js';
import { encodeMessage } from './codec.js';
import { DATA_TYPE, MAC_ALG, TS_TYPE } from './codes.js';
import type { Header, Message, Payload } from './payloads.js';
import { hmacSha1 } from './pk-keys.js';
import { ntpTimestamp } from './pk-message.js';

const MAC_BYTES = 20;

/** Encodes `payloads` followed by a V payload: HMAC(authKey, message less the MAC ‖ offerT). */
export function encodeWithV(crypto: Crypto, header: Header, payloads: readonly Payload[], authKey: Uint8Array, offerT: Uint8Array): Uint8Array {
  const draft = encodeMessage({ header, payloads: [...payloads, { type: 'V', macAlg: MAC_ALG.HMAC_SHA1_160, mac: new Uint8Array(MAC_BYTES) }] });
  draft.set(hmacSha1(crypto, authKey, [draft.subarray(0, draft.length - MAC_BYTES), offerT]), draft.length - MAC_BYTES);
  return draft;
}

/**
 * Checks a received message's V payload: it must be the last payload, HMAC-SHA-1-160, and match in
 * constant time. `end` is where the last payload ends in `bytes` (decodeMessageDetailed's `end`).
 */
export function checkV(crypto: Crypto, bytes: Uint8Array, end: number, message: Message, authKey: Uint8Array, offerT: Uint8Array): boolean {
  const last = message.payloads[message.payloads.length - 1];
  if (!last || last.type !== 'V' || last.macAlg !== MAC_ALG.HMAC_SHA1_160) return false;
  return constantTimeEqual(hmacSha1(crypto, authKey, [bytes.subarray(0, end - MAC_BYTES), offerT]), last.mac);
}

/** The Error message (data type 6) for `errorNos`, with V when `auth` is given. */
export function errorMessage(
  crypto: Crypto,
  offer: Header | undefined,
  errorNos: readonly number[],
  nowMs: number,
  auth?: { readonly authKey: Uint8Array; readonly offerT: Uint8Array },
): Uint8Array {
  const header: Header = { dataType: DATA_TYPE.ERROR, v: false, prf: 0, csbId: offer?.csbId ?? 0, map: offer?.map ?? { type: 'srtp-id', sessions: [] } };
  const payloads: Payload[] = [{ type: 'T', tsType: TS_TYPE.NTP_UTC, value: ntpTimestamp(nowMs) }, ...errorNos.map((errorNo): Payload => ({ type: 'ERR', errorNo }))];
  return auth ? encodeWithV(crypto, header, payloads, auth.authKey, auth.offerT) : encodeMessage({ header, payloads });
}
