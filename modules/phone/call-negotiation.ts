// The priority negotiation as a call carries it: tables in MIKEY General Extensions, the suites a
// MIKEY-keyed call can use, and the 488 that tells the caller which key agreement to re-offer.
import { EXT_TYPE } from '../mikey/codes.js';
import { sdpIdsExtension, sdpIdsOf } from '../mikey/general-extension.js';
import type { GeneralExtension } from '../mikey/pk-exchange.js';
import { ntpTimestamp } from '../mikey/pk-message.js';
import { MikeyError } from '../mikey/mikey-error.js';
import { DATA_TYPE, decodeMessage, encodeMessage } from '../mikey/pk-wire.js';
import type { KeyAgreement, PriorityTable, SrtpSuiteName } from '../negotiation/capabilities.js';
import type { Policy } from '../negotiation/select.js';
import { decodeWireTable, encodeWireTable, PRIORITY_TABLE_EXTENSION, TableWireError, type WireTable } from '../negotiation/wire.js';

/**
 * Suites a MIKEY-keyed call can run: the TEK and salt these modes derive are 128 and 112 bits
 * (RFC 3830 §4.1.3 with the SP lengths of pk-message.ts), which fits the AES-128 suites. Both
 * phones narrow their tables the same way before selecting, so they still agree.
 */
export const MIKEY_CALL_SUITES: readonly SrtpSuiteName[] = ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32', 'AES_F8_128_HMAC_SHA1_80'];

/** The suite the SP payload of these modes describes: what a plain RFC 3830 peer gets. */
export const SP_SUITE: SrtpSuiteName = 'AES_CM_128_HMAC_SHA1_80';

export const CALL_POLICY: Policy = 'priority';

/**
 * The table as this phone can honour it in this call: suites a MIKEY-keyed call can run, and only
 * the key agreements it holds what they need for this peer (`usable`, when given). Each side
 * advertises and selects from this narrowed table, so a choice is always one both can carry out.
 */
export function callableTable(table: PriorityTable, usable?: (ka: KeyAgreement) => boolean): PriorityTable {
  return {
    keyAgreements: usable ? table.keyAgreements.filter((k) => usable(k.name)) : table.keyAgreements,
    suites: table.suites.filter((s) => MIKEY_CALL_SUITES.includes(s.name)),
  };
}

export function tableExtension(table: WireTable): GeneralExtension {
  return { type: 'GENEXT', extType: PRIORITY_TABLE_EXTENSION, data: encodeWireTable(table) };
}

/** The priority table among General Extensions; undefined when the peer sent none (plain RFC 3830). */
export function findTable(extensions: readonly GeneralExtension[]): WireTable | undefined {
  const ext = extensions.find((e) => e.extType === PRIORITY_TABLE_EXTENSION);
  return ext ? decodeWireTable(ext.data) : undefined;
}

/** The MIKEY Error message a 488 carries: ERR "unspecified" and the callee's table (a hint). */
export function refusalWithTable(offer: Uint8Array, answer: WireTable, nowMs: number): Uint8Array {
  const header = decodeMessage(offer).header;
  return encodeMessage({
    header: { dataType: DATA_TYPE.ERROR, v: false, csbId: header.csbId, sessions: header.sessions },
    payloads: [{ type: 'T', tsType: 0, value: ntpTimestamp(nowMs) }, { type: 'ERR', errorNo: 12 }, tableExtension(answer)],
  });
}

/** The callee's table from a 488's MIKEY Error message, if it carries one that parses. */
export function tableFromRefusal(message: Uint8Array): WireTable | undefined {
  try {
    const m = decodeMessage(message);
    if (m.header.dataType !== DATA_TYPE.ERROR) return undefined;
    return findTable(m.payloads.filter((p): p is GeneralExtension => p.type === 'GENEXT'));
  } catch (e) {
    if (e instanceof MikeyError || e instanceof TableWireError) return undefined;
    throw e;
  }
}

/** A short name for the display: "CM128/80", "CM128/32", "F8/80", "CM256/80", "GCM128", "GCM256". */
export function suiteLabel(suite: SrtpSuiteName): string {
  return suite
    .replace('AES_CM_128_HMAC_SHA1_', 'CM128/')
    .replace('AES_F8_128_HMAC_SHA1_', 'F8/')
    .replace('AES_256_CM_HMAC_SHA1_', 'CM256/')
    .replace(/^AEAD_AES_(128|256)_GCM$/, 'GCM$1');
}

/** RFC 4567 §4: the key-management protocol ids this offer's SDP carries, inside the MIKEY message. */
export function sdpIds(protocols: readonly string[]): GeneralExtension {
  return sdpIdsExtension(protocols);
}

/**
 * Protocol ids the (authenticated) SDP IDs extension lists but the received SDP no longer carries:
 * a=key-mgmt lines stripped in transit to bid the call down (RFC 4567 §4). Empty when none were.
 */
export function strippedProtocols(extensions: readonly GeneralExtension[], received: readonly string[]): string[] {
  const ids = extensions.find((e) => e.extType === EXT_TYPE.SDP_IDS);
  return ids ? sdpIdsOf(ids).filter((p) => !received.includes(p)) : [];
}
