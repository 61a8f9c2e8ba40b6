// The callee's decision on an incoming INVITE's offer, before it rings: a MIKEY offer is screened
// (authenticated, the cheap step; RFC 3830 §5) and negotiated with the caller's table (seed
// §2.1.3); without MIKEY, the ladder decides between SDES (RFC 4568), plain RTP and a refusal.
// A peer known to speak priority MIKEY is pinned to it. Whatever cannot be taken is refused with
// 488 (RFC 3261 §21.4.26), logged here; the call handling (calls.ts) sends the response.
import type { Hal } from '../../hal/contracts.js';
import type { GeneralExtension, Refused, Screened } from '../mikey/pk-exchange.js';
import { decodeMessage } from '../mikey/pk-wire.js';
import { answerOffer } from '../negotiation/agreement.js';
import type { KeyAgreement } from '../negotiation/capabilities.js';
import { decideAnswer } from '../negotiation/ladder.js';
import { TableWireError, type WireTable } from '../negotiation/wire.js';
import { CRYPTO, parseCryptoAttribute, type CryptoAttribute } from '../sdp/crypto-attr.js';
import { activeAudio } from '../sdp/media-lines.js';
import type { MediaKeying } from '../sdp/offer-answer.js';
import { effectiveAttributes, parseSdp, type SessionDescription } from '../sdp/session-description.js';
import type { Settings } from '../settings/model.js';
import { callableTable, findTable, refusalWithTable, SP_SUITE, strippedProtocols, tableExtension } from './call-negotiation.js';
import { keyMgmtProtocols, mediaTarget, mikeyIn, type MediaTarget } from './call-sdp.js';
import type { Keyed } from './call-state.js';
import { certificateOf, offeredKeyAgreement, oneWayOffer, screenOffer, usableKeyAgreements, type KeyingContext } from './keying.js';
import type { MediaKeys } from './media.js';
import { sdesAnswer, sdesKey } from './sdes-keying.js';

/** What the callee's decision needs from the phone. */
export interface IncomingContext {
  readonly settings: Settings;
  readonly hal: Pick<Hal, 'log' | 'random' | 'clock'>;
  /** What MIKEY needs to screen the offer and narrow this phone's table for the peer. */
  keying(): KeyingContext;
  /** This phone's session description, for a 488 that carries its table. */
  description(rtpPort: number, keying: MediaKeying): string;
}

/** An offer this phone takes: the call rings with it. */
export interface IncomingOffer {
  readonly remote: MediaTarget;
  readonly answerExtensions: readonly GeneralExtension[];
  readonly keyed?: Keyed;
  /** A screened MIKEY offer; its expensive step runs at ring or at pick-up. */
  readonly screened?: Screened;
  /** SDES: the line to answer with (this phone's key) and the peer's key. */
  readonly sdes?: { readonly answer: CryptoAttribute; readonly theirs: MediaKeys['receive'] };
  /** The caller's table from its authenticated I_MESSAGE. */
  readonly learned?: WireTable;
  /** The caller's certificate from its authenticated I_MESSAGE. */
  readonly certificate?: Uint8Array;
}

/** A refused offer (the reason is logged): 488, with this phone's table in `body` when the caller should re-offer. */
export interface IncomingRefusal {
  readonly refused: 488;
  readonly body: string;
  /** The reason, for a Warning header (RFC 3261 §20.43), when the caller may be told it. */
  readonly warning?: string;
}

const REFUSED: IncomingRefusal = { refused: 488, body: '' };

/** Decides on the offer `body` of an INVITE from `from`. */
export function decideIncoming(ctx: IncomingContext, callId: string, from: string, body: string): IncomingOffer | IncomingRefusal {
  let sdp: SessionDescription;
  try {
    sdp = parseSdp(body);
  } catch (e) {
    ctx.hal.log(`incoming call ${callId}: ${(e as Error).message}`);
    return REFUSED;
  }
  return decideDescription(ctx, callId, from, sdp);
}

/** Decides on an offer's parsed description (one audio line: see call-lines.ts for more). */
export function decideDescription(ctx: IncomingContext, callId: string, from: string, sdp: SessionDescription): IncomingOffer | IncomingRefusal {
  const { settings, hal } = ctx;
  let remote: MediaTarget;
  let mikey: Uint8Array | undefined;
  try {
    remote = mediaTarget(sdp);
    mikey = mikeyIn(sdp);
  } catch (e) {
    hal.log(`incoming call ${callId}: ${(e as Error).message}`);
    return REFUSED;
  }
  const protocol = activeAudio(sdp)!.protocol;
  let keyed: Keyed | undefined;
  let screened: Screened | undefined;
  let answerExtensions: readonly GeneralExtension[] = [];
  let learned: WireTable | undefined;
  let certificate: Uint8Array | undefined;
  if (mikey && settings.srtpMode !== 'Off') {
    // A structural refusal the caller may be told, before any cryptography is spent on the offer.
    const oneWay = oneWayOffer(mikey);
    if (oneWay) {
      hal.log(`incoming call ${callId} refused: ${oneWay}`);
      return { refused: 488, body: '', warning: oneWay };
    }
    const s = screenOffer(mikey, ctx.keying(), from);
    const refused = 'unsupported' in s ? s.unsupported : s.result.ok ? undefined : (s.result as Refused).reason;
    if (refused !== undefined) {
      hal.log(`incoming call ${callId} refused: ${refused}`);
      return tableForUnusableOffer(ctx, callId, mikey, from) ?? REFUSED;
    }
    const offered = (s as { keyAgreement: KeyAgreement }).keyAgreement;
    screened = (s as { result: Screened }).result;
    const stripped = strippedProtocols(screened.extensions, keyMgmtProtocols(sdp));
    if (stripped.length > 0) {
      hal.log(`incoming call ${callId} refused: key-mgmt for ${stripped.join(', ')} was stripped from the offer`);
      return REFUSED;
    }
    const decided = negotiateIncoming(ctx, callId, mikey, offered, screened);
    if ('refused' in decided) return decided;
    ({ keyed, answerExtensions, learned } = decided);
    certificate = certificateOf(mikey);
  }
  if (!mikey && settings.learnedPeers[from] && settings.srtpMode !== 'Off') {
    // Pinning: this peer proved it speaks priority MIKEY; an offer without it is a downgrade. Not in
    // SRTP mode Off: the phone then takes plain RTP from everyone, and there is nothing to protect.
    hal.log(`incoming call ${callId} refused: ${from} is known to speak MIKEY; refusing a weaker offer`);
    return REFUSED;
  }
  let sdes: { answer: CryptoAttribute; theirs: MediaKeys['receive'] } | undefined;
  if (!screened) {
    // No MIKEY (or SRTP off): SDES, plain RTP or a refusal, as the ladder and the mode say.
    const audio = activeAudio(sdp)!;
    let offered: CryptoAttribute[];
    try {
      offered = effectiveAttributes(sdp, audio, CRYPTO).map(parseCryptoAttribute);
    } catch {
      offered = [];
    }
    const decision = decideAnswer({ protocol, crypto: offered }, settings.srtpMode, settings.priorities);
    if ('reject' in decision) {
      hal.log(`incoming call ${callId} refused: ${decision.reason}`);
      return REFUSED;
    }
    if (decision.rung === 'sdes') {
      try {
        const theirs = sdesKey(decision.offered);
        sdes = { answer: sdesAnswer(decision.offered, hal.random), theirs };
        keyed = { method: 'SDES', suite: theirs.suite, protection: 'sdes' };
      } catch (e) {
        hal.log(`incoming call ${callId} refused: ${(e as Error).message}`);
        return REFUSED;
      }
    }
  }
  return {
    remote, answerExtensions,
    ...(keyed ? { keyed } : {}), ...(screened ? { screened } : {}), ...(sdes ? { sdes } : {}), ...(learned ? { learned } : {}),
    ...(certificate ? { certificate } : {}),
  };
}

/**
 * An offer keyed with a key agreement this phone cannot use with the caller (no PSK shared with it,
 * no certificate of its own) cannot be screened, but the caller's table in it says the caller can
 * re-offer: the 488 carries this phone's table, without what it cannot use, so the caller re-offers
 * once with a key agreement both can (seed §2.1.3). As in every 488 the table is a hint; the
 * re-offer's authenticated answer confirms it (calls.ts). Undefined when no such 488 applies,
 * nor when the tables leave no key agreement both can use.
 */
function tableForUnusableOffer(ctx: IncomingContext, callId: string, mikey: Uint8Array, from: string): IncomingRefusal | undefined {
  const offered = offeredKeyAgreement(mikey);
  const usable = usableKeyAgreements(ctx.keying(), from, 'responder');
  if (!offered || usable(offered)) return undefined;
  let offerTable: WireTable | undefined;
  try {
    offerTable = findTable(decodeMessage(mikey).payloads.filter((p): p is GeneralExtension => p.type === 'GENEXT'));
  } catch {
    return undefined; // not even decodable: a plain refusal
  }
  if (!offerTable) return undefined;
  const own = callableTable(ctx.settings.priorities, usable);
  const { selection, answer } = answerOffer({ ...offerTable, table: callableTable(offerTable.table) }, own, 0);
  // Nothing both phones can key with: a table would not help the caller, the refusal is plain.
  if (!selection.keyAgreement) return undefined;
  ctx.hal.log(`incoming call ${callId}: ${offered} cannot be used with ${from}: 488 with this table`);
  return { refused: 488, body: ctx.description(9, { kind: 'mikey', message: refusalWithTable(mikey, answer, ctx.hal.clock.wallClockMs()) }) };
}

/**
 * The callee's side of the negotiation for a screened (authenticated) offer. With the caller's
 * table: the rule picks the key agreement and suite; an offer keyed with another key agreement
 * is answered 488 with this phone's table so the caller re-offers once. Without a table (a plain
 * RFC 3830 phone): the offered key agreement is taken if enabled here, with the SP's suite.
 */
function negotiateIncoming(
  ctx: IncomingContext,
  callId: string,
  mikey: Uint8Array,
  offered: KeyAgreement,
  screened: Screened,
): { keyed: Keyed; answerExtensions: GeneralExtension[]; learned?: WireTable } | IncomingRefusal {
  const { hal, settings } = ctx;
  const own = callableTable(settings.priorities, usableKeyAgreements(ctx.keying(), screened.peerUri, 'responder'));
  let offerTable: WireTable | undefined;
  try {
    offerTable = findTable(screened.extensions);
  } catch (e) {
    if (!(e instanceof TableWireError)) throw e;
    hal.log(`incoming call ${callId} refused: ${e.message}`);
    return REFUSED;
  }
  if (!offerTable) {
    if (!own.keyAgreements.some((k) => k.name === offered && k.enabled)) {
      hal.log(`incoming call ${callId} refused: ${offered} is not enabled here`);
      return REFUSED;
    }
    return { keyed: { method: offered, suite: SP_SUITE, protection: 'mikey' }, answerExtensions: [] };
  }
  const { selection, answer } = answerOffer({ ...offerTable, table: callableTable(offerTable.table) }, own, 0);
  if (!selection.keyAgreement || !selection.suite) {
    hal.log(`incoming call ${callId} refused: no key agreement or suite in common`);
    return REFUSED;
  }
  if (selection.keyAgreement.name !== offered) {
    hal.log(`incoming call ${callId}: offered ${offered}, the tables give ${selection.keyAgreement.name}: 488 with this table`);
    return { refused: 488, body: ctx.description(9, { kind: 'mikey', message: refusalWithTable(mikey, answer, hal.clock.wallClockMs()) }) };
  }
  return { keyed: { method: offered, suite: selection.suite.name, protection: 'mikey-priority' }, answerExtensions: [tableExtension(answer)], learned: offerTable };
}
