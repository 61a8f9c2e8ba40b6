// What the phone keeps in flash: its priority table and SRTP mode, the SIP account, a pre-shared
// key per peer, what it learned of each peer's table, references to its keys and certificates,
// when to do heavy cryptography, and the last call's negotiation result (for the menu).
import {
  isKeyAgreement,
  isSrtpSuiteName,
  KEY_AGREEMENTS,
  SRTP_MODES,
  type KeyAgreement,
  type PriorityTable,
  type SrtpMode,
  type SrtpSuiteName,
} from '../negotiation/capabilities.js';
import { formatTable, parseTable } from '../negotiation/table.js';

/**
 * The SIP transport of the account (RFC 3261 §18): UDP, TCP or TLS for every request whose next
 * hop's URI names none, or Auto: UDP, with requests over 1,300 bytes on TCP (§18.1.1).
 */
export const ACCOUNT_TRANSPORTS = ['auto', 'udp', 'tcp', 'tls'] as const;
export type AccountTransport = (typeof ACCOUNT_TRANSPORTS)[number];

export interface Account {
  /** e.g. "sip:alice@example.com" */
  readonly sipUri: string;
  readonly displayName: string;
  /** host[:port] of the registrar; empty: no registration. */
  readonly registrar: string;
  /** host[:port] of the outbound proxy; empty: none. */
  readonly outboundProxy: string;
  readonly username: string;
  readonly password: string;
  readonly transport: AccountTransport;
}

export interface LearnedPeer {
  /** The peer's authenticated table (kept in flash in the text form of modules/negotiation/table.ts). */
  readonly table: PriorityTable;
  /** Wall-clock milliseconds when it was learned. */
  readonly learnedAt: number;
}

/** How a call was protected: negotiated MIKEY, plain MIKEY, SDES, or none. */
export const CALL_PROTECTIONS = ['mikey-priority', 'mikey', 'sdes', 'none'] as const;
export type CallProtection = (typeof CALL_PROTECTIONS)[number];

export interface LastCall {
  readonly peer: string;
  readonly protection: CallProtection;
  readonly keyAgreement?: KeyAgreement;
  readonly suite?: SrtpSuiteName;
  readonly at: number;
}

/**
 * The phone's public-key material, kept in flash with the settings (base64 of DER): its RSA private
 * key (PKCS#8 or PKCS#1), its certificate chain (leaf first) and the CA certificates it trusts.
 * Empty until the phone is provisioned.
 */
export interface Credentials {
  readonly ownKey: string;
  readonly ownChain: readonly string[];
  readonly trustAnchors: readonly string[];
}

export const DEFER_HEAVY_CRYPTO = ['at-ring', 'at-pick-up'] as const;
export type DeferHeavyCrypto = (typeof DEFER_HEAVY_CRYPTO)[number];

/**
 * How long an incoming call rings before the phone gives up with 480 Temporarily Unavailable
 * (RFC 3261 §21.4.18), in seconds: the choices the menu offers, and the factory default.
 */
export const RING_TIMEOUTS_S = [15, 30, 45, 60, 90, 120, 180] as const;
export const DEFAULT_RING_TIMEOUT_S = 60;
/**
 * How long a connected call that is not on hold may go without one valid RTP/SRTP packet before
 * the phone ends it with BYE, in seconds: the menu's choices and the factory default.
 */
export const MEDIA_TIMEOUTS_S = [10, 20, 30, 60, 120, 300] as const;
export const DEFAULT_MEDIA_TIMEOUT_S = 30;

export interface Settings {
  readonly priorities: PriorityTable;
  readonly srtpMode: SrtpMode;
  readonly account: Account;
  /** Pre-shared keys by peer SIP URI, lower-case hex. */
  readonly peerKeys: Readonly<Record<string, string>>;
  readonly learnedPeers: Readonly<Record<string, LearnedPeer>>;
  /**
   * Peer certificates by peer SIP URI (base64 of DER), provisioned or learned from a verified
   * signed exchange: PKE needs the responder's certificate beforehand (RFC 3830 §3.2, §4.2.2).
   */
  readonly peerCertificates: Readonly<Record<string, string>>;
  readonly credentials: Credentials;
  readonly deferHeavyCrypto: DeferHeavyCrypto;
  /** Seconds an unanswered incoming call rings (one of RING_TIMEOUTS_S). */
  readonly ringTimeoutS: number;
  /** Seconds without received media before a connected call ends (one of MEDIA_TIMEOUTS_S). */
  readonly mediaTimeoutS: number;
  /**
   * Offer plain RTP/AVP as a second m= line of the SRTP offer (the seed paper's Fig. 6), so a
   * phone without SRTP is reached without a 488 and a new offer. Off by default; SRTP mode
   * Optional only (docs/negotiation.md).
   */
  readonly fallbackInOneOffer: boolean;
  /**
   * Whether SDES (a=crypto, RFC 4568) may be offered when the INVITE goes over UDP or TCP, where
   * every hop reads its keys (RFC 4568 §8.3 asks for TLS or S/MIME). Off, as on desk phones: SDES
   * is offered over TLS only. Answering an SDES offer is always allowed.
   */
  readonly sdesOverNonTls: boolean;
  readonly lastCall?: LastCall;
}

export class SettingsError extends Error {
  override name = 'SettingsError';
}

/** A pre-shared key is an SRTP/MIKEY master key of 16 to 32 bytes (RFC 3711 §8.2, RFC 6188). */
export const PSK_MIN_BYTES = 16;
export const PSK_MAX_BYTES = 32;

/** Peers are named by their SIP or SIPS URI, user@host (RFC 3261 §19.1). */
export function isPeerUri(uri: string): boolean {
  return /^sips?:[^\s@]+@[^\s@]+$/.test(uri);
}

/** Is `hex` a pre-shared key as the settings keep it: lower-case hex of 16 to 32 bytes? */
export function isPskHex(hex: string): boolean {
  return /^([0-9a-f]{2})+$/.test(hex) && hex.length >= 2 * PSK_MIN_BYTES && hex.length <= 2 * PSK_MAX_BYTES;
}

/** Factory defaults: every key agreement, the seed paper's three suites first, SRTP optional. */
export function factorySettings(): Settings {
  return {
    priorities: parseTable(
      `${KEY_AGREEMENTS.join(',')};AES_CM_128_HMAC_SHA1_80,AES_CM_128_HMAC_SHA1_32,AES_F8_128_HMAC_SHA1_80,AES_256_CM_HMAC_SHA1_80,AES_256_CM_HMAC_SHA1_32,AEAD_AES_128_GCM,AEAD_AES_256_GCM`,
    ),
    srtpMode: 'Optional',
    account: { sipUri: '', displayName: '', registrar: '', outboundProxy: '', username: '', password: '', transport: 'auto' },
    peerKeys: {},
    learnedPeers: {},
    peerCertificates: {},
    credentials: { ownKey: '', ownChain: [], trustAnchors: [] },
    deferHeavyCrypto: 'at-pick-up',
    ringTimeoutS: DEFAULT_RING_TIMEOUT_S,
    mediaTimeoutS: DEFAULT_MEDIA_TIMEOUT_S,
    fallbackInOneOffer: false,
    sdesOverNonTls: false,
  };
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function need(condition: boolean, what: string): void {
  if (!condition) throw new SettingsError(`invalid settings: ${what}`);
}

/** The JSON form stored in a record: tables as text, everything else as plain values. */
export function settingsToJson(s: Settings): unknown {
  const learnedPeers: Record<string, { table: string; learnedAt: number }> = {};
  for (const [peer, learned] of Object.entries(s.learnedPeers)) learnedPeers[peer] = { table: formatTable(learned.table), learnedAt: learned.learnedAt };
  return { ...s, priorities: formatTable(s.priorities), learnedPeers };
}

function tableFromText(text: unknown, what: string): PriorityTable {
  need(isString(text), what);
  try {
    return parseTable(text as string);
  } catch (e) {
    throw new SettingsError(`invalid settings: ${what}: ${(e as Error).message}`);
  }
}

/** Reads and checks the JSON form; anything off is a SettingsError. */
export function settingsFromJson(json: unknown): Settings {
  need(isRecord(json), 'not an object');
  const j = json as Record<string, unknown>;
  const priorities = tableFromText(j.priorities, 'priorities');
  need((SRTP_MODES as readonly unknown[]).includes(j.srtpMode), 'srtpMode');
  need(isRecord(j.account), 'account');
  const a = j.account as Record<string, unknown>;
  for (const k of ['sipUri', 'displayName', 'registrar', 'outboundProxy', 'username', 'password']) need(isString(a[k]), `account.${k}`);
  // Absent in records written before the SIP transports (issue 14): Auto, and no SDES without TLS.
  const transport = a.transport ?? 'auto';
  need((ACCOUNT_TRANSPORTS as readonly unknown[]).includes(transport), 'account.transport');
  const sdesOverNonTls = j.sdesOverNonTls ?? false;
  need(typeof sdesOverNonTls === 'boolean', 'sdesOverNonTls');
  need(isRecord(j.peerKeys) && Object.entries(j.peerKeys as object).every(([peer, v]) => isPeerUri(peer) && isString(v) && isPskHex(v)), 'peerKeys');
  need(isRecord(j.learnedPeers), 'learnedPeers');
  const learnedPeers: Record<string, LearnedPeer> = {};
  for (const [peer, v] of Object.entries(j.learnedPeers as object)) {
    need(isPeerUri(peer) && isRecord(v) && Number.isFinite(v.learnedAt), 'learnedPeers');
    learnedPeers[peer] = { table: tableFromText(v.table, `learnedPeers["${peer}"]`), learnedAt: v.learnedAt as number };
  }
  need(isRecord(j.credentials), 'credentials');
  const c = j.credentials as Record<string, unknown>;
  const isBase64 = (v: unknown) => isString(v) && /^[A-Za-z0-9+/]*={0,2}$/.test(v);
  // Absent in records written before the field existed: no peer certificates.
  const peerCertificates = j.peerCertificates ?? {};
  need(isRecord(peerCertificates) && Object.entries(peerCertificates).every(([peer, v]) => isPeerUri(peer) && isBase64(v) && (v as string).length > 0), 'peerCertificates');
  const base64List = (v: unknown) => Array.isArray(v) && v.every(isBase64);
  need(isBase64(c.ownKey) && base64List(c.ownChain) && base64List(c.trustAnchors), 'credentials');
  need((DEFER_HEAVY_CRYPTO as readonly unknown[]).includes(j.deferHeavyCrypto), 'deferHeavyCrypto');
  // Absent in records written before the timeouts existed: the factory defaults.
  const ringTimeoutS = j.ringTimeoutS ?? DEFAULT_RING_TIMEOUT_S;
  need((RING_TIMEOUTS_S as readonly unknown[]).includes(ringTimeoutS), 'ringTimeoutS');
  const mediaTimeoutS = j.mediaTimeoutS ?? DEFAULT_MEDIA_TIMEOUT_S;
  need((MEDIA_TIMEOUTS_S as readonly unknown[]).includes(mediaTimeoutS), 'mediaTimeoutS');
  // Absent in records written before the setting existed: off.
  const fallbackInOneOffer = j.fallbackInOneOffer ?? false;
  need(typeof fallbackInOneOffer === 'boolean', 'fallbackInOneOffer');
  if (j.lastCall !== undefined) {
    const l = j.lastCall as Record<string, unknown>;
    need(
      isRecord(l) &&
        isString(l.peer) &&
        (CALL_PROTECTIONS as readonly unknown[]).includes(l.protection) &&
        (l.keyAgreement === undefined || (isString(l.keyAgreement) && isKeyAgreement(l.keyAgreement))) &&
        (l.suite === undefined || (isString(l.suite) && isSrtpSuiteName(l.suite))) &&
        Number.isFinite(l.at),
      'lastCall',
    );
  }
  return {
    priorities,
    srtpMode: j.srtpMode as SrtpMode,
    account: { ...(j.account as unknown as Account), transport: transport as AccountTransport },
    peerKeys: j.peerKeys as Record<string, string>,
    learnedPeers,
    peerCertificates: peerCertificates as Record<string, string>,
    credentials: j.credentials as unknown as Credentials,
    deferHeavyCrypto: j.deferHeavyCrypto as DeferHeavyCrypto,
    ringTimeoutS: ringTimeoutS as number,
    mediaTimeoutS: mediaTimeoutS as number,
    fallbackInOneOffer: fallbackInOneOffer as boolean,
    sdesOverNonTls: sdesOverNonTls as boolean,
    ...(j.lastCall !== undefined ? { lastCall: j.lastCall as LastCall } : {}),
  };
}
