// Which key agreement the caller's I_MESSAGE uses. A MIKEY offer is made with one key agreement,
// but the best common one is known only once the callee's table is: so the first call to a peer
// uses the caller's favourite it can use with that peer, and at most one more round trip fixes a
// miss (the callee's 488 carries its table; the caller re-offers with the negotiated choice). The
// table learned from the peer is remembered (settings.learnedPeers), and later calls need one
// round trip.
import type { KeyAgreement, PriorityTable } from './capabilities.js';
import { select, type Policy } from './select.js';
import { enabledInRankOrder } from './table.js';

/**
 * The key agreement to offer with. `canUse` says whether this phone holds what a key agreement
 * needs for this peer (a PSK for PSK/DHHMAC, the peer's certificate for PKE, its own for DH/RSA-R).
 */
export function firstOfferKeyAgreement(
  own: PriorityTable,
  learned: PriorityTable | undefined,
  canUse: (ka: KeyAgreement) => boolean,
  policy: Policy = 'priority',
): KeyAgreement | undefined {
  const usable: PriorityTable = { ...own, keyAgreements: own.keyAgreements.filter((e) => canUse(e.name)) };
  if (learned) {
    const chosen = select(usable, learned, policy).keyAgreement?.name;
    if (chosen) return chosen;
  }
  return enabledInRankOrder(usable.keyAgreements)[0]?.name;
}

/**
 * After a 488 carrying the callee's (authenticated) table: the key agreement to re-offer with, or
 * undefined when the one already offered was the right one or nothing is common (then the ladder
 * steps down instead).
 */
export function reofferKeyAgreement(
  own: PriorityTable,
  callee: PriorityTable,
  offered: KeyAgreement,
  canUse: (ka: KeyAgreement) => boolean,
  policy: Policy = 'priority',
): KeyAgreement | undefined {
  const usable: PriorityTable = { ...own, keyAgreements: own.keyAgreements.filter((e) => canUse(e.name)) };
  const chosen = select(usable, callee, policy).keyAgreement?.name;
  return chosen && chosen !== offered ? chosen : undefined;
}
