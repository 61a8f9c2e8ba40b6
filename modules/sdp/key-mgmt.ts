// a=key-mgmt (RFC 4567 §3.1): "key-mgmt:<prtcl-id> <keymgmt-data>", the data being the base64 of
// the key-management protocol's message (a MIKEY message for prtcl-id "mikey").
import { fromBase64, toBase64 } from '../util/bytes.js';
import type { Attribute } from './session-description.js';

export class KeyMgmtError extends Error {
  override name = 'KeyMgmtError';
}

export const KEY_MGMT = 'key-mgmt';
export const MIKEY_PROTOCOL_ID = 'mikey';

export interface KeyMgmt {
  readonly protocol: string;
  readonly data: Uint8Array;
}

export function parseKeyMgmt(attribute: Attribute): KeyMgmt {
  if (attribute.name !== KEY_MGMT) throw new KeyMgmtError(`not a key-mgmt attribute: ${attribute.name}`);
  const m = /^([!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+) +([A-Za-z0-9+/=]+)$/.exec(attribute.value ?? '');
  if (!m) throw new KeyMgmtError('key-mgmt is "<prtcl-id> <base64 data>"');
  try {
    return { protocol: m[1], data: fromBase64(m[2]) };
  } catch (e) {
    throw new KeyMgmtError(`key-mgmt data: ${(e as Error).message}`);
  }
}

export function keyMgmtAttribute(protocol: string, data: Uint8Array): Attribute {
  return { name: KEY_MGMT, value: `${protocol} ${toBase64(data)}` };
}
