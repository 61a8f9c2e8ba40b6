// The states of the one call a phone handles at a time (calls.ts): placing it (outgoing), ringing
// (incoming), and connected, with how it is keyed and what a re-INVITE in progress waits for.
import type { UdpSocket } from '../../hal/contracts.js';
import type { GeneralExtension, Screened } from '../mikey/pk-exchange.js';
import type { SrtpKeys } from '../mikey/pk-keys.js';
import type { KeyAgreement, SrtpSuiteName } from '../negotiation/capabilities.js';
import type { Rung } from '../negotiation/ladder.js';
import type { WireTable } from '../negotiation/wire.js';
import type { CryptoAttribute } from '../sdp/crypto-attr.js';
import type { LineLayout } from '../sdp/media-lines.js';
import type { LastCall } from '../settings/model.js';
import type { CallDtmf } from './call-dtmf.js';
import type { HoldState } from './call-hold.js';
import type { MediaTarget } from './call-sdp.js';
import type { CallOffer } from './keying.js';
import type { MediaKeys, MediaSession } from './media.js';
import type { SdesSession } from './sdes-reoffer.js';

type Protection = LastCall['protection'];

/** How a call is keyed once both sides agree. */
export interface Keyed {
  /** The MIKEY key agreement, or SDES. */
  readonly method: KeyAgreement | 'SDES';
  readonly suite: SrtpSuiteName;
  readonly protection: Protection;
}

export type Call =
  | {
      kind: 'outgoing';
      callId: string;
      peer: string;
      rtp: UdpSocket;
      rung: Rung;
      offer: CallOffer | undefined;
      sdes: readonly CryptoAttribute[];
      ringing: boolean;
      reoffered: boolean;
      /** The offer's m= lines when it carried the plain fallback line (media-lines.ts). */
      lines?: LineLayout;
    }
  | {
      kind: 'incoming';
      callId: string;
      peer: string;
      rtp: UdpSocket;
      remote: MediaTarget;
      keyed?: Keyed;
      screened?: Screened;
      answerExtensions: readonly GeneralExtension[];
      keys?: readonly SrtpKeys[];
      response?: Uint8Array;
      /** SDES: the line answered with (this phone's key) and the peer's key. */
      sdes?: { readonly answer: CryptoAttribute; readonly theirs: MediaKeys['receive'] };
      /** The caller's table from its authenticated I_MESSAGE, remembered once the call connects. */
      learned?: WireTable;
      /** The caller's certificate from its authenticated I_MESSAGE (PKE for later calls). */
      certificate?: Uint8Array;
      /** The offer's m= lines when it had more than one: the answer keeps them (RFC 3264 §6). */
      lines?: LineLayout;
    }
  | {
      kind: 'connected';
      callId: string;
      peer: string;
      media: MediaSession;
      /** How the call is keyed (undefined: plain RTP); a re-key keeps the key agreement and suite. */
      keyed?: Keyed;
      rtpPort: number;
      /** This phone put the call on hold / the peer did (RFC 3264 §8.4); see call-hold.ts. */
      hold: HoldState;
      /** Our re-INVITE waiting for its answer. */
      update?: { readonly kind: 'hold' | 'resume' } | { readonly kind: 'rekey'; readonly offer: CallOffer };
      /** Our 2xx to the peer's re-INVITE without an offer made one: its ACK brings the answer (RFC 3261 §14.2). */
      answerInAck?: boolean;
      /** The peer's re-key, answered: our new send key goes in force on its ACK. */
      nextSend?: SrtpKeys;
      /** A re-INVITE to send again after a 491 (RFC 3261 §14.1). */
      retry?: number;
      /** Our re-key went through: the timer that ends the screen's "Re-keyed" notice. */
      rekeyed?: number;
      /** This phone placed the call (it owns the Call-ID, which sets the 491 back-off). */
      placed: boolean;
      dtmf: CallDtmf;
      /** The peer's telephone-event payload type (RFC 4733), kept in re-offers and answers. */
      events?: number;
      /** SDES calls: the a=crypto line with our key and the peer's key, repeated in re-offers (sdes-reoffer.ts). */
      sdes?: SdesSession;
      /** The exchange's m= lines when the offer had more than one; `taken` is the call's (RFC 3264 §8). */
      lines?: LineLayout;
    };

export type Connected = Extract<Call, { kind: 'connected' }>;
export type Update = NonNullable<Connected['update']>;
