// What the phone shows on its 4x20 character display in each state. Pure: state in, lines out.
// Every line fits by design (modules/display/fit-text.ts): nothing is left for the display to cut.
import { PADLOCK } from '../../hal/contracts.js';
import type { KeyAgreement, SrtpSuiteName } from '../negotiation/capabilities.js';
import { fitTail, fitUri, fitWords, SCREEN_COLUMNS } from '../display/fit-text.js';
import { heldScreen, type HoldState } from './call-hold.js';
import { suiteLabel } from './call-negotiation.js';

export { SCREEN_COLUMNS } from '../display/fit-text.js';

export function idleScreen(displayName: string, address: string, sipPort: number, status: string): string[] {
  return [fitWords(displayName), fitUri(address), `SIP port ${sipPort}`, fitWords(status)];
}

export function dialingScreen(digits: string): string[] {
  return ['Dial:', fitTail(digits), '', 'Back=delete'];
}

/** What a call screen shows of the call (calls.ts builds it from the call's state). */
export type CallView =
  | { readonly kind: 'outgoing'; readonly peer: string; readonly ringing: boolean }
  | { readonly kind: 'incoming'; readonly peer: string; readonly method?: KeyAgreement | 'SDES' }
  | {
      readonly kind: 'connected';
      readonly peer: string;
      readonly hold: HoldState;
      readonly keyed?: { readonly method: KeyAgreement | 'SDES'; readonly suite: SrtpSuiteName };
      /** The DTMF digits sent and received (call-dtmf.ts), when there are any. */
      readonly dtmf?: string;
      /** Our re-key just went through. */
      readonly rekeyed: boolean;
    };

/** The padlock line of a connected call: the key agreement and the suite ("DH CM128/80"). */
export function securityLabel(keyed: { readonly method: KeyAgreement | 'SDES'; readonly suite: SrtpSuiteName }): string {
  return `${keyed.method} ${suiteLabel(keyed.suite)}`;
}

/** The call screen: what happens, with whom, how it is protected, and what a key does. */
export function callScreen(call: CallView): string[] {
  const peer = fitUri(call.peer.replace(/^sips?:/, ''));
  switch (call.kind) {
    case 'outgoing':
      return ['Calling', peer, call.ringing ? 'Ringing...' : 'Connecting...', 'Hangup=end'];
    case 'incoming':
      return ['Incoming call', peer, call.method ? `Secure: ${call.method}` : 'Not encrypted', 'OK=answer Hangup'];
    case 'connected': {
      const hint = call.hold.local ? 'Down=resume' : (call.dtmf ?? (call.rekeyed ? 'Re-keyed  Hangup=end' : 'Hangup=end'));
      return [heldScreen(call.hold), peer, call.keyed ? `${PADLOCK} ${securityLabel(call.keyed)}` : 'NOT ENCRYPTED', hint];
    }
  }
}

/**
 * Short reason phrases for the final responses whose RFC 3261 §21 (or later RFC) phrase does not
 * fit beside its code on one line.
 */
const SHORT_REASONS: Readonly<Record<number, string>> = {
  407: 'Proxy auth',
  412: 'Condition failed',
  413: 'Too large',
  414: 'URI too long',
  415: 'Bad media type',
  416: 'Bad URI scheme',
  421: 'Extension needed',
  423: 'Too brief',
  428: 'Identity needed',
  436: 'Bad ID info',
  437: 'Bad certificate',
  438: 'Bad identity',
  470: 'Unwanted',
  480: 'Unavailable',
  481: 'No such call',
  484: 'Incomplete',
  487: 'Cancelled',
  488: 'Not acceptable',
  494: 'Agreement needed',
  500: 'Server error',
  503: 'Unavailable',
  505: 'Bad SIP version',
  513: 'Too large',
  604: 'Does not exist',
};

/**
 * The idle-screen line after an outgoing call failed with `status`: "Busy" for 486, else the code
 * with its reason phrase ("404 Not Found"; "Failed: " before it would not leave room), a short
 * phrase when the peer's does not fit, or the whole words of it that fit.
 */
export function failureNotice(status: number, reason: string): string {
  if (status === 486) return 'Busy';
  const full = `${status} ${reason}`.trim();
  if (full.length <= SCREEN_COLUMNS) return full;
  const short = SHORT_REASONS[status];
  return `${status} ${short ?? fitWords(reason, SCREEN_COLUMNS - 4)}`;
}
