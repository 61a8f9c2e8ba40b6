// "MIKEY-NULL": the PSK message shape with KEMAC encryption NULL and MAC NULL (RFC 3830 §6.2 codes
// 0/0), carrying the SRTP master key ‖ salt in the clear as one TEK key data per message. GStreamer,
// live555, gortsplib and ONVIF/Axis cameras use it inside an already confidential channel
// (RTSPS/TLS, SIPS). It authenticates nothing: a caller opts in only where the carrier is secure.
//   HDR(0) T RAND {SP} KEMAC(NULL, key data TEK [KV SPI/MKI], NULL)
import type { Crypto, Random } from '../../hal/contracts.js';
import { concatBytes } from '../util/bytes.js';
import { encodeMessage } from './codec.js';
import { DATA_TYPE, ENCR_ALG, KEY_TYPE, MAC_ALG, PAYLOAD, TS_TYPE } from './codes.js';
import { decodeKeyData, encodeKeyData } from './key-data.js';
import { MikeyError } from './mikey-error.js';
import { findPayload, type CryptoSession, type Message, type PayloadOf } from './payloads.js';
import { ntpTimestamp } from './pk-message.js';
import { mkisOf, sessionKeys, type SrtpKeys } from './session-keys.js';

export interface NullOfferRequest {
  readonly sessions: readonly CryptoSession[];
  readonly policies: readonly PayloadOf<'SP'>[];
  /** 16-byte master key and 14-byte master salt shared by every session (as GStreamer sends). */
  readonly masterKey: Uint8Array;
  readonly masterSalt: Uint8Array;
  readonly mki?: Uint8Array;
  readonly csbId: number;
}

export function nullOffer(req: NullOfferRequest, env: { readonly random: Random; readonly nowMs: number }): Uint8Array {
  const keyData = encodeKeyData([{ type: 'KEY_DATA', keyType: KEY_TYPE.TEK, key: concatBytes(req.masterKey, req.masterSalt), kv: req.mki ? { type: 'spi', spi: req.mki } : { type: 'none' } }]);
  return encodeMessage({
    header: { dataType: DATA_TYPE.PSK_INIT, v: false, prf: 0, csbId: req.csbId, map: { type: 'srtp-id', sessions: req.sessions } },
    payloads: [
      { type: 'T', tsType: TS_TYPE.NTP_UTC, value: ntpTimestamp(env.nowMs) },
      { type: 'RAND', value: env.random.bytes(16) },
      ...req.policies,
      { type: 'KEMAC', encrAlg: ENCR_ALG.NULL, encrData: keyData, macAlg: MAC_ALG.NULL, mac: new Uint8Array(0) },
    ],
  });
}

/** The SRTP keys of a MIKEY-NULL message (KEMAC NULL/NULL); MikeyError if it is not one or its key data is unusable. */
export function openNull(crypto: Crypto, message: Message): { keys: SrtpKeys[]; mkis: (Uint8Array | undefined)[] } {
  const kemac = findPayload(message, 'KEMAC');
  if (!kemac) throw new MikeyError('KEMAC', 0, 'no KEMAC payload');
  if (kemac.encrAlg !== ENCR_ALG.NULL || kemac.macAlg !== MAC_ALG.NULL) throw new MikeyError('KEMAC', 0, `not MIKEY-NULL (encryption ${kemac.encrAlg}, MAC ${kemac.macAlg})`);
  const items = decodeKeyData(kemac.encrData, PAYLOAD.KEY_DATA);
  return { keys: sessionKeys(crypto, message.header, items, findPayload(message, 'RAND')?.value), mkis: mkisOf(items) };
}
