// SDES in the re-offers and answers of a call in progress (RFC 4568 §7.1.4): every re-offer and
// answer carries a=crypto again. This phone keeps its own key (re-offered under its tag, or
// answered under the tag the peer chose); the peer may keep or change its key, and a changed one
// replaces the receive key. The suite stays the call's: a change of suite is refused.
import type { SrtpSuiteName } from '../negotiation/capabilities.js';
import type { CryptoAttribute } from '../sdp/crypto-attr.js';
import { equalBytes } from '../util/bytes.js';
import { SdesError, sdesKey } from './sdes-keying.js';

export interface SdesKeyMaterial {
  readonly masterKey: Uint8Array;
  readonly masterSalt: Uint8Array;
}

/** The SDES state of a connected call: the line with this phone's key, and the peer's key. */
export interface SdesSession {
  readonly suite: SrtpSuiteName;
  readonly ours: CryptoAttribute;
  readonly theirs: SdesKeyMaterial;
}

export interface SdesUpdate {
  readonly session: SdesSession;
  /** The peer's new key, when it changed it: receive under this from now on. */
  readonly newReceive?: SdesKeyMaterial;
}

function take(session: SdesSession, ours: CryptoAttribute, line: CryptoAttribute): SdesUpdate {
  const key = sdesKey(line);
  if (key.suite !== session.suite) throw new SdesError(`the call is keyed with ${session.suite}, not ${key.suite}`);
  const same = equalBytes(key.masterKey, session.theirs.masterKey) && equalBytes(key.masterSalt, session.theirs.masterSalt);
  const theirs = { masterKey: key.masterKey, masterSalt: key.masterSalt };
  return { session: { suite: session.suite, ours, theirs }, ...(same ? {} : { newReceive: theirs }) };
}

/** The peer's answer to our re-offer: one line, under the tag we offered (RFC 4568 §7.1.3). */
export function takeSdesAnswer(session: SdesSession, lines: readonly CryptoAttribute[]): SdesUpdate {
  if (lines.length !== 1) throw new SdesError('an SDES answer has exactly one a=crypto line');
  if (lines[0].tag !== session.ours.tag) throw new SdesError(`the answer's tag ${lines[0].tag} was not offered`);
  return take(session, session.ours, lines[0]);
}

/** The peer's re-offer: the first line of the call's suite, answered with our key under its tag. */
export function answerSdesReoffer(session: SdesSession, lines: readonly CryptoAttribute[]): SdesUpdate & { readonly answer: CryptoAttribute } {
  for (const line of lines) {
    let suite: SrtpSuiteName;
    try {
      suite = sdesKey(line).suite;
    } catch (e) {
      if (e instanceof SdesError) continue;
      throw e;
    }
    if (suite !== session.suite) continue;
    const answer: CryptoAttribute = { ...session.ours, tag: line.tag };
    return { ...take(session, answer, line), answer };
  }
  throw new SdesError(`no usable a=crypto line of ${session.suite} in the re-offer`);
}
