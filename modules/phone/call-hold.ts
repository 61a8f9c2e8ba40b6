// Hold and resume of a call (RFC 3264 §8.4, RFC 6337 §5). Pure: the two hold flags in, the
// directions to offer or answer and what the phone sends and shows out.
//
// The holder offers sendonly (inactive if the peer already holds it) and the peer answers recvonly
// (inactive). This phone, as holder, then sends nothing at all: sendonly only allows sending
// (RFC 3264 §5.1) and a desk phone without music on hold keeps its microphone to itself; the held
// side must not send (it answered recvonly or inactive). Resume offers sendrecv (recvonly while
// the peer still holds).
import { answerDirection, directionFor, flows, type Direction } from '../sdp/direction.js';

export interface HoldState {
  /** This phone put the call on hold. */
  readonly local: boolean;
  /** The peer put the call on hold: its last offer or answer refuses to receive. */
  readonly remote: boolean;
}

export const NOT_HELD: HoldState = { local: false, remote: false };

/** The direction this phone offers to hold (`local` true) or resume (false). */
export function holdOffer(state: HoldState, local: boolean): Direction {
  return directionFor(!state.remote, !local);
}

/** The state once the peer answered our offer with `answered`. */
export function afterAnswer(local: boolean, answered: Direction): HoldState {
  return { local, remote: !flows(answered).receive };
}

/** The answer to the peer's offer and the state it leaves. */
export function answerHold(state: HoldState, offered: Direction): { readonly direction: Direction; readonly state: HoldState } {
  return { direction: answerDirection(offered, true, !state.local), state: { local: state.local, remote: !flows(offered).receive } };
}

/** Whether this phone sends audio: only while neither side holds the call. */
export function sending(state: HoldState): boolean {
  return !state.local && !state.remote;
}

/** Line 0 of the call screen. */
export function heldScreen(state: HoldState): string {
  return state.local ? 'On hold' : state.remote ? 'Held by peer' : 'Connected';
}
