// Who a phone is before its settings say more: the name shown on the idle screen, the SIP user,
// the port it listens for SIP on over UDP and TCP (RFC 3261 §18: 5060 by default) and over TLS
// (§26.2: 5061 by default).
import type { AccountTransport } from '../settings/model.js';

export interface PhoneIdentity {
  readonly displayName: string;
  readonly user: string;
  readonly sipPort: number;
  /** The TLS port (0: any free port); 5061 when absent. Listened on when the phone has a TLS identity. */
  readonly tlsPort?: number;
  /** The account's SIP transport when the settings say Auto (settings.account.transport). */
  readonly transport?: AccountTransport;
  /** host:port every call goes through when the settings name no outbound proxy (RFC 3261 §8.1.2). */
  readonly outboundProxy?: string;
  /** The SIP domain of this phone's address of record; the phone's own address when absent. */
  readonly domain?: string;
  /** host:port of the registrar, when the settings name none (RFC 3261 §10). */
  readonly registrar?: string;
  /** The digest password for the registrar and proxy, when the settings hold none. */
  readonly password?: string;
  /**
   * Development only: log each call's SRTP master keys (as SSLKEYLOGFILE does for TLS), so a
   * capture can be decrypted. Never set on a phone in service.
   */
  readonly keyLog?: boolean;
}

/** The TLS port when the identity names none (RFC 3261 §26.2, the sips: default). */
export const DEFAULT_TLS_PORT = 5061;

export const DEFAULT_IDENTITY: PhoneIdentity = { displayName: 'Desk phone', user: 'phone', sipPort: 5060, tlsPort: DEFAULT_TLS_PORT };
