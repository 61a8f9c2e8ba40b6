// KEMAC as the envelope-key modes use it (PKE, RFC 3830 §3.2; RSA-R, RFC 4738 §3): AES-CM-128
// encryption of ID ‖ TGK under the transport keys, and an HMAC-SHA-1-160 over the KEMAC payload
// alone (the whole message is covered by SIGN), its next-payload byte taken as 0, as minisip
// computes it. A wrong MAC or malformed plaintext is a refusal.
import type { Crypto } from '../../hal/contracts.js';
import { constantTimeEqual } from '../util/bytes.js';
import { PK_ERROR, PkRefusal } from './pk-auth.js';
import { hmacSha1, kemacCipher, type TransportKeys } from './pk-keys.js';
import { MikeyError } from './mikey-error.js';
import { PT, decodeKeyData, encodeMessage, type KeyDataItem, type Payload } from './pk-wire.js';

/** KEMAC with AES-CM-128 and HMAC-SHA-1-160; the MAC covers the KEMAC payload alone, its next-payload byte as 0 [src minisip]. */
export function sealKemac(crypto: Crypto, keys: TransportKeys, csbId: number, t: Uint8Array, plaintext: Uint8Array): Payload {
  const encrData = kemacCipher(crypto, keys, csbId, t, plaintext);
  const mac = hmacSha1(crypto, keys.authKey, [kemacMacInput(encrData)]);
  return { type: 'KEMAC', encrAlg: 1, encrData, macAlg: 1, mac };
}

function kemacMacInput(encrData: Uint8Array): Uint8Array {
  const encoded = encodeMessage({ header: { dataType: 0, v: false, csbId: 0, sessions: [] }, payloads: [{ type: 'KEMAC', encrAlg: 1, encrData, macAlg: 1, mac: new Uint8Array(20) }] });
  // Skip the 10-byte header; the KEMAC payload then starts with next payload = 0; drop its MAC.
  return encoded.subarray(10, encoded.length - 20);
}

/** Checks a KEMAC's MAC and decrypts it; a wrong MAC is an authentication failure. */
export function openKemac(crypto: Crypto, keys: TransportKeys, csbId: number, t: Uint8Array, kemac: Extract<Payload, { type: 'KEMAC' }>): Uint8Array {
  if (kemac.encrAlg !== 1) throw new PkRefusal(4, `KEMAC encryption ${kemac.encrAlg} is not AES-CM-128`);
  if (kemac.macAlg !== 1) throw new PkRefusal(3, `KEMAC MAC ${kemac.macAlg} is not HMAC-SHA-1-160`);
  if (!constantTimeEqual(hmacSha1(crypto, keys.authKey, [kemacMacInput(kemac.encrData)]), kemac.mac)) {
    throw new PkRefusal(PK_ERROR.AUTH_FAILURE, 'KEMAC MAC does not verify');
  }
  return kemacCipher(crypto, keys, csbId, t, kemac.encrData);
}

/** KEMAC's plaintext as sub-payloads, IDi first (RFC 3830 §3.2); malformed plaintext is a refusal. */
export function decodeKeyDataOrRefuse(plaintext: Uint8Array): KeyDataItem[] {
  try {
    return decodeKeyData(plaintext, PT.ID);
  } catch (e) {
    if (e instanceof MikeyError) throw new PkRefusal(PK_ERROR.UNSPECIFIED, e.message);
    throw e;
  }
}
