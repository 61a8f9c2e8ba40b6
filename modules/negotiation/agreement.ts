// Reaching the same choice on both sides from authenticated tables. The answerer computes the
// choice from the offerer's table (taken from the MAC- or signature-checked I_MESSAGE) and its own,
// and states it in its answer table; the offerer recomputes it from the same two tables (the
// answer's from the checked R_MESSAGE) and refuses the call if anything differs. So an attacker who
// cannot forge MIKEY messages cannot move the result: editing either table breaks the MAC or
// signature, and a forged unauthenticated hint (e.g. in a 488) is re-checked against the tables.
import type { PriorityTable } from './capabilities.js';
import { select, type Policy, type Selection } from './select.js';
import type { WireTable } from './wire.js';

export class NegotiationMismatchError extends Error {
  override name = 'NegotiationMismatchError';
}

/** The answerer's side: its selection and the table to put in its R_MESSAGE. The offer's policy applies. */
export function answerOffer(offer: WireTable, own: PriorityTable, seed: number): { selection: Selection; answer: WireTable } {
  if (offer.role !== 'offerer') throw new NegotiationMismatchError('the offer carries an answerer table');
  const selection = select(offer.table, own, offer.policy, seed);
  return {
    selection,
    answer: {
      role: 'answerer',
      policy: offer.policy,
      table: own,
      chosen: { keyAgreement: selection.keyAgreement?.name, suite: selection.suite?.name },
    },
  };
}

/** The offerer's side: recompute from both tables; throw if the answer's stated choice differs. */
export function confirmAnswer(ownOffer: { table: PriorityTable; policy: Policy }, answer: WireTable, seed: number): Selection {
  if (answer.role !== 'answerer' || !answer.chosen) throw new NegotiationMismatchError('the answer carries no answerer table');
  if (answer.policy !== ownOffer.policy) throw new NegotiationMismatchError(`the answer used policy ${answer.policy}, the offer ${ownOffer.policy}`);
  const selection = select(ownOffer.table, answer.table, ownOffer.policy, seed);
  if (selection.keyAgreement?.name !== answer.chosen.keyAgreement || selection.suite?.name !== answer.chosen.suite) {
    throw new NegotiationMismatchError(
      `the answer chose ${answer.chosen.keyAgreement ?? 'none'}/${answer.chosen.suite ?? 'none'}, the tables give ${selection.keyAgreement?.name ?? 'none'}/${selection.suite?.name ?? 'none'}`,
    );
  }
  return selection;
}
