// What the phone keeps in flash: its priority table and SRTP mode, the SIP account, a pre-shared
// key per peer, what it learned of each peer's table, references to its keys and certificates,
// when to do heavy cryptography, and the last call's negotiation result (for the menu).
import {
  KEY_AGREEMENTS,
  SRTP_MODES,
  type PriorityTable,
  type SrtpMode,
} from '../negotiation/capabilities.js';
import { formatTable, parseTable } from '../negotiation/table.js';

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
}

export interface LearnedPeer {
  /** The peer's authenticated table, in the text form of modules/negotiation/table.ts. */
  readonly table: string;
  /** Wall-clock milliseconds when it was learned. */
  readonly learnedAt: number;
}

export interface LastCall {
  readonly peer: string;
  /** How the call was protected: negotiated MIKEY, plain MIKEY, SDES, or none. */
  readonly protection: 'mikey-priority' | 'mikey' | 'sdes' | 'none';
  readonly keyAgreement?: string;
  readonly suite?: string;
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

export interface Settings {
  readonly priorities: PriorityTable;
  readonly srtpMode: SrtpMode;
  readonly account: Account;
  /** Pre-shared keys by peer SIP URI, lower-case hex. */
  readonly peerKeys: Readonly<Record<string, string>>;
  readonly learnedPeers: Readonly<Record<string, LearnedPeer>>;
  readonly credentials: Credentials;
  readonly deferHeavyCrypto: DeferHeavyCrypto;
  readonly lastCall?: LastCall;
}

export class SettingsError extends Error {
  override name = 'SettingsError';
}

/** Factory defaults: every key agreement, the seed paper's three suites first, SRTP optional. */
export function factorySettings(): Settings {
  return {
    priorities: parseTable(
      `${KEY_AGREEMENTS.join(',')};AES_CM_128_HMAC_SHA1_80,AES_CM_128_HMAC_SHA1_32,AES_F8_128_HMAC_SHA1_80,AES_256_CM_HMAC_SHA1_80,AES_256_CM_HMAC_SHA1_32,AEAD_AES_128_GCM,AEAD_AES_256_GCM`,
    ),
    srtpMode: 'Optional',
    account: { sipUri: '', displayName: '', registrar: '', outboundProxy: '', username: '', password: '' },
    peerKeys: {},
    learnedPeers: {},
    credentials: { ownKey: '', ownChain: [], trustAnchors: [] },
    deferHeavyCrypto: 'at-pick-up',
  };
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function need(condition: boolean, what: string): void {
  if (!condition) throw new SettingsError(`invalid settings: ${what}`);
}

/** The JSON form stored in a record: tables as text, everything else as plain values. */
export function settingsToJson(s: Settings): unknown {
  return { ...s, priorities: formatTable(s.priorities) };
}

/** Reads and checks the JSON form; anything off is a SettingsError. */
export function settingsFromJson(json: unknown): Settings {
  need(isRecord(json), 'not an object');
  const j = json as Record<string, unknown>;
  need(isString(j.priorities), 'priorities');
  let priorities: PriorityTable;
  try {
    priorities = parseTable(j.priorities as string);
  } catch (e) {
    throw new SettingsError(`invalid settings: priorities: ${(e as Error).message}`);
  }
  need((SRTP_MODES as readonly unknown[]).includes(j.srtpMode), 'srtpMode');
  need(isRecord(j.account), 'account');
  const a = j.account as Record<string, unknown>;
  for (const k of ['sipUri', 'displayName', 'registrar', 'outboundProxy', 'username', 'password']) need(isString(a[k]), `account.${k}`);
  need(isRecord(j.peerKeys) && Object.values(j.peerKeys as object).every((v) => isString(v) && /^([0-9a-f]{2})+$/.test(v)), 'peerKeys');
  need(
    isRecord(j.learnedPeers) &&
      Object.values(j.learnedPeers as object).every((v) => isRecord(v) && isString(v.table) && typeof v.learnedAt === 'number'),
    'learnedPeers',
  );
  need(isRecord(j.credentials), 'credentials');
  const c = j.credentials as Record<string, unknown>;
  const isBase64 = (v: unknown) => isString(v) && /^[A-Za-z0-9+/]*={0,2}$/.test(v);
  const base64List = (v: unknown) => Array.isArray(v) && v.every(isBase64);
  need(isBase64(c.ownKey) && base64List(c.ownChain) && base64List(c.trustAnchors), 'credentials');
  need((DEFER_HEAVY_CRYPTO as readonly unknown[]).includes(j.deferHeavyCrypto), 'deferHeavyCrypto');
  if (j.lastCall !== undefined) {
    const l = j.lastCall as Record<string, unknown>;
    need(isRecord(l) && isString(l.peer) && isString(l.protection) && typeof l.at === 'number', 'lastCall');
  }
  return {
    priorities,
    srtpMode: j.srtpMode as SrtpMode,
    account: j.account as unknown as Account,
    peerKeys: j.peerKeys as Record<string, string>,
    learnedPeers: j.learnedPeers as Record<string, LearnedPeer>,
    credentials: j.credentials as unknown as Credentials,
    deferHeavyCrypto: j.deferHeavyCrypto as DeferHeavyCrypto,
    ...(j.lastCall !== undefined ? { lastCall: j.lastCall as LastCall } : {}),
  };
}
