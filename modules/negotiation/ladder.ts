// Backward compatibility: the rungs a call can be protected on, best first, and how to step down.
//
//   mikey-priority   MIKEY carrying both priority tables (this product's phones)
//   mikey            plain RFC 3830 MIKEY: the peer ignores the table extension
//   sdes             SDES a=crypto (RFC 4568): most deployed SRTP phones
//   none             plain RTP: only in SRTP mode Optional (and Off), never in Mandatory
//
// Offers use RTP/SAVP whenever they carry keys, and plain RTP/AVP only on the last rung: some peers
// (FreeSWITCH) refuse RTP/AVP with a=crypto, and RFC 5939 capability negotiation is rarely
// implemented, so stepping down is done by a new offer after a 488 (RFC 3261 §21.4.26).
import type { CryptoAttribute } from '../sdp/crypto-attr.js';
import type { PriorityTable, SrtpMode, SrtpSuiteName } from './capabilities.js';
import { enabledInRankOrder } from './table.js';

export const RUNGS = ['mikey-priority', 'mikey', 'sdes', 'none'] as const;
export type Rung = (typeof RUNGS)[number];

/** The rungs a phone in `mode` may offer or accept, best first. */
export function allowedRungs(mode: SrtpMode): Rung[] {
  if (mode === 'Off') return ['none'];
  if (mode === 'Mandatory') return ['mikey-priority', 'mikey', 'sdes'];
  return [...RUNGS];
}

/**
 * The rungs a phone in `mode` may offer, best first: SDES only when `sdes` says it may be offered
 * (over TLS, or with the setting that allows it without: RFC 4568 §8.3, its keys are otherwise in
 * clear on every hop). Answering an SDES offer is not limited by this.
 */
export function offerRungs(mode: SrtpMode, sdes: boolean): Rung[] {
  return allowedRungs(mode).filter((r) => r !== 'sdes' || sdes);
}

/** SIP statuses that mean "not this offer" rather than "not this call" (RFC 3261 §21.4.26, §21.6.4; §21.4.13). */
const OFFER_REFUSED = new Set([488, 606, 415]);

/**
 * After the peer refused an offer on `rung` with `status`, the rung to offer next, or undefined
 * when the call ends (busy, declined, or nothing weaker is allowed). Plain MIKEY is skipped when
 * the refused offer was already MIKEY without a table the peer could use (it refused MIKEY itself),
 * and SDES when it may not be offered (`sdes`, see offerRungs).
 */
export function nextRung(mode: SrtpMode, rung: Rung, status: number, peerSpeaksMikey: boolean, sdes = true): Rung | undefined {
  if (!OFFER_REFUSED.has(status)) return undefined;
  const allowed = offerRungs(mode, sdes);
  const below = allowed.slice(allowed.indexOf(rung) + 1);
  return below.find((r) => r !== 'mikey' || peerSpeaksMikey);
}

/** The SDES spelling of a suite (RFC 4568 §6.2 names F8 without "AES_"). */
export function sdesSuiteName(suite: SrtpSuiteName): string {
  return suite === 'AES_F8_128_HMAC_SHA1_80' ? 'F8_128_HMAC_SHA1_80' : suite;
}

/** What an answerer saw in an offer, once its MIKEY message (if any) was checked. */
export interface OfferSummary {
  /** The m=audio transport: RTP/AVP or RTP/SAVP. */
  readonly protocol: string;
  /** A MIKEY message the phone accepted, and whether it carried a priority table. */
  readonly mikey?: { readonly withTable: boolean };
  readonly crypto: readonly CryptoAttribute[];
}

export type AnswerDecision =
  | { readonly rung: 'mikey-priority' | 'mikey' }
  | { readonly rung: 'sdes'; readonly offered: CryptoAttribute }
  | { readonly rung: 'none' }
  | { readonly reject: 488; readonly reason: string };

/**
 * The answerer's choice of rung (RFC 4568 §7.1.3 for SDES: the offered line whose suite ranks best
 * here), as its SRTP mode allows.
 */
export function decideAnswer(offer: OfferSummary, mode: SrtpMode, table: PriorityTable): AnswerDecision {
  const secureTransport = offer.protocol === 'RTP/SAVP' || offer.protocol === 'RTP/SAVPF';
  if (mode === 'Off') return secureTransport ? { reject: 488, reason: 'SRTP is off on this phone' } : { rung: 'none' };
  if (offer.mikey) return { rung: offer.mikey.withTable ? 'mikey-priority' : 'mikey' };
  const ranked = enabledInRankOrder(table.suites).map((e) => sdesSuiteName(e.name));
  const usable = offer.crypto
    .filter((c) => ranked.includes(c.suite) && !c.sessionParams.some((p) => p.startsWith('UNENCRYPTED') || p.startsWith('UNAUTHENTICATED')))
    .sort((a, b) => ranked.indexOf(a.suite) - ranked.indexOf(b.suite));
  if (usable.length > 0) return { rung: 'sdes', offered: usable[0] };
  if (mode === 'Optional' && !secureTransport) return { rung: 'none' };
  return { reject: 488, reason: mode === 'Mandatory' ? 'SRTP is mandatory on this phone' : 'no acceptable key management or suite' };
}
