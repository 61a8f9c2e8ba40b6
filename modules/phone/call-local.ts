// This phone's side of every exchange: its SDP offers and answers (RFC 3264 §5, §6: one audio
// line of G.711 and telephone-events, RFC 4733), each with a new session version (RFC 4566 §5.2),
// and what MIKEY needs to offer or screen an exchange (keying.ts): the phone's credentials, its
// pre-shared keys and pinned peer certificates from the settings, and the replay cache of
// accepted I_MESSAGEs, kept for the timestamp window (RFC 3830 §5.4).
import type { Hal } from '../../hal/contracts.js';
import type { PkCredentials } from '../mikey/pk-auth.js';
import { ReplayCache } from '../mikey/replay-cache.js';
import type { Direction } from '../sdp/direction.js';
import { audioDescription, PCMA, PCMU, TELEPHONE_EVENT, type MediaKeying } from '../sdp/offer-answer.js';
import { serializeSdp, type SessionDescription } from '../sdp/session-description.js';
import type { SettingsStore } from '../settings/store.js';
import { fromBase64, fromHex } from '../util/bytes.js';
import type { KeyingContext } from './keying.js';

/** How long accepted I_MESSAGEs are remembered: the timestamp window (RFC 3830 §5.4). */
const REPLAY_WINDOW_MS = 3600_000;

export interface LocalConfig {
  readonly hal: Pick<Hal, 'network' | 'crypto' | 'random' | 'clock'>;
  readonly store: SettingsStore;
  /** The phone's public-key credentials now (the menu may install new ones). */
  readonly credentials: () => PkCredentials | undefined;
  readonly user: string;
  readonly domain: string;
  /** SIP's port: the SDP session id (RFC 4566 §5.2). */
  readonly sipPort: number;
}

/** This phone's descriptions and keying. */
export class LocalSide {
  private readonly replay = new ReplayCache(REPLAY_WINDOW_MS);
  private sessionVersion = 1;

  constructor(private readonly c: LocalConfig) {}

  /** What MIKEY needs to offer or screen an exchange with a peer now. */
  keying(): KeyingContext {
    const { hal, store } = this.c;
    return {
      selfUri: `sip:${this.c.user}@${this.c.domain}`,
      credentials: this.c.credentials(),
      pskFor: (peer) => {
        const hex = store.settings.peerKeys[peer];
        return hex ? fromHex(hex) : undefined;
      },
      peerCertificate: (peer) => {
        const der = store.settings.peerCertificates[peer];
        return der ? fromBase64(der) : undefined;
      },
      crypto: hal.crypto,
      random: hal.random,
      nowMs: hal.clock.wallClockMs(),
      replay: this.replay,
    };
  }

  /**
   * An offer or answer; `events` is the telephone-event payload type, undefined to leave it out.
   * `shape` turns the one-line description into the m= lines of the exchange (media-lines.ts).
   */
  description(rtpPort: number, keying: MediaKeying, events: number | undefined = TELEPHONE_EVENT, direction?: Direction, shape?: (d: SessionDescription) => SessionDescription): string {
    const address = this.c.hal.network.localAddress;
    const formats = events === undefined ? [PCMU, PCMA] : [PCMU, PCMA, events];
    const single = audioDescription({ address, rtpPort, sessionId: String(this.c.sipPort), sessionVersion: this.sessionVersion++, keying, formats, telephoneEvent: events, ...(direction ? { direction } : {}) });
    return serializeSdp(shape ? shape(single) : single);
  }
}
