// Who a phone is before its settings say more: the name shown on the idle screen, the SIP user,
// and the UDP port it listens for SIP on (RFC 3261 §18.1: 5060 by default).
export interface PhoneIdentity {
  readonly displayName: string;
  readonly user: string;
  readonly sipPort: number;
  /** host:port every call goes through when the settings name no outbound proxy (RFC 3261 §8.1.2). */
  readonly outboundProxy?: string;
  /**
   * Development only: log each call's SRTP master keys (as SSLKEYLOGFILE does for TLS), so a
   * capture can be decrypted. Never set on a phone in service.
   */
  readonly keyLog?: boolean;
}

export const DEFAULT_IDENTITY: PhoneIdentity = { displayName: 'Desk phone', user: 'phone', sipPort: 5060 };
