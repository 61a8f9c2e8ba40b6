// The menu's pick-one lists (SRTP mode, heavy crypto, plain RTP fallback, SIP transport, the call
// timeouts): a setting with a few values, shown with "*" on the value in force and saved on OK. Each
// says how to read and set its value, so one view serves them all.
import { SRTP_MODES } from '../negotiation/capabilities.js';
import { ACCOUNT_TRANSPORTS, DEFER_HEAVY_CRYPTO, MEDIA_TIMEOUTS_S, RING_TIMEOUTS_S, type AccountTransport, type Settings } from '../settings/model.js';

export interface Choice<T = string> {
  readonly title: string;
  readonly options: readonly T[];
  /** An option as the list shows it. */
  label(option: T): string;
  current(s: Settings): T;
  set(s: Settings, option: T): Settings;
}

export const SRTP_MODE_CHOICE: Choice = {
  title: 'SRTP mode',
  options: SRTP_MODES,
  label: (o) => o,
  current: (s) => s.srtpMode,
  set: (s, o) => ({ ...s, srtpMode: o as Settings['srtpMode'] }),
};

export const HEAVY_CRYPTO_CHOICE: Choice = {
  title: 'Heavy crypto',
  options: DEFER_HEAVY_CRYPTO,
  label: (o) => o,
  current: (s) => s.deferHeavyCrypto,
  set: (s, o) => ({ ...s, deferHeavyCrypto: o as Settings['deferHeavyCrypto'] }),
};

/** How plain RTP is offered in SRTP mode Optional: settings.fallbackInOneOffer false, true. */
const FALLBACK_WAYS = ['After a 488', 'In one offer'] as const;

export const FALLBACK_CHOICE: Choice<boolean> = {
  title: 'Plain RTP fallback',
  options: [false, true],
  label: (o) => FALLBACK_WAYS[Number(o)],
  current: (s) => s.fallbackInOneOffer,
  set: (s, o) => ({ ...s, fallbackInOneOffer: o }),
};

/** How the account's transport reads on the screen: "Auto" (UDP, TCP when large), "UDP", "TCP", "TLS". */
export const transportLabel = (t: AccountTransport): string => (t === 'auto' ? 'Auto' : t.toUpperCase());

export const TRANSPORT_CHOICE: Choice = {
  title: 'SIP transport',
  options: ACCOUNT_TRANSPORTS,
  label: (o) => transportLabel(o as AccountTransport),
  current: (s) => s.account.transport,
  set: (s, o) => ({ ...s, account: { ...s.account, transport: o as AccountTransport } }),
};

export const RING_TIMEOUT_CHOICE: Choice<number> = {
  title: 'Ring timeout',
  options: RING_TIMEOUTS_S,
  label: (o) => `${o} s`,
  current: (s) => s.ringTimeoutS,
  set: (s, o) => ({ ...s, ringTimeoutS: o }),
};

export const MEDIA_TIMEOUT_CHOICE: Choice<number> = {
  title: 'No-media timeout',
  options: MEDIA_TIMEOUTS_S,
  label: (o) => `${o} s`,
  current: (s) => s.mediaTimeoutS,
  set: (s, o) => ({ ...s, mediaTimeoutS: o }),
};
