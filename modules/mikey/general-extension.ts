// General Extension payloads (RFC 3830 §6.15): Type (8) | Length (16) | Data. Type 0 carries a
// Vendor ID, type 1 the SDP IDs of RFC 4567 §4 (the key-management protocol ids offered in the
// SDP, here space-separated, so a stripped a=key-mgmt line can be detected). Any other type carries
// arbitrary bytes: other modules put their own typed data there (e.g. a priority table).
import { utf8Decode, utf8Encode } from '../util/bytes.js';
import { EXT_TYPE } from './codes.js';
import type { PayloadOf } from './payloads.js';

export type GeneralExtension = PayloadOf<'GENEXT'>;

export function generalExtension(extType: number, data: Uint8Array): GeneralExtension {
  return { type: 'GENEXT', extType, data };
}

export function vendorIdExtension(vendorId: Uint8Array): GeneralExtension {
  return generalExtension(EXT_TYPE.VENDOR_ID, vendorId);
}

export function sdpIdsExtension(protocolIds: readonly string[]): GeneralExtension {
  return generalExtension(EXT_TYPE.SDP_IDS, utf8Encode(protocolIds.join(' ')));
}

/** The protocol ids of an SDP IDs extension (type 1); empty list for empty data. */
export function sdpIdsOf(ext: GeneralExtension): string[] {
  if (ext.extType !== EXT_TYPE.SDP_IDS) throw new RangeError(`General Extension type ${ext.extType} is not SDP IDs`);
  return utf8Decode(ext.data).split(' ').filter((s) => s.length > 0);
}
