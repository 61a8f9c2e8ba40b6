// What the phone keeps per peer, apart from its settings: the pre-shared key the user entered
// (settings.peerKeys), the peer's table learned in an authenticated exchange (settings.learnedPeers)
// and its certificate (settings.peerCertificates). One entry per peer SIP URI, with a use stamp:
// entries changed by a later save are more recently used. Pure: the book's JSON form, and the
// bound that keeps it in its flash slot (fitBook).
//
// The bound and the eviction rule, as a desk phone user would expect them:
//   - at most MAX_PEERS peers, and the whole book fits its flash slot;
//   - what the phone learned by itself (a pinned table, a certificate) is forgotten least recently
//     used first when room is needed: the peers not met for the longest time go first;
//   - a pre-shared key the user entered is never dropped to make room: when only keys are left,
//     a new key is refused ("Not saved: full ...") and the user decides which key to delete;
//   - learned data that does not fit even then (or a certificate larger than MAX_CERTIFICATE_CHARS)
//     is not kept, and the phone says so on its screen ("Peer not kept: full").
import { formatTable, parseTable } from '../negotiation/table.js';
import type { PriorityTable } from '../negotiation/capabilities.js';
import { isPeerUri, isPskHex, SettingsError, type Settings } from './model.js';

/** Peers the book holds at most (entered keys and learned peers together). */
export const MAX_PEERS = 128;
/** Longest peer URI kept (a SIP From header can be far longer than any real address). */
export const MAX_PEER_URI = 128;
/** Largest certificate kept, base64 characters (about 3 KB of DER: an RSA-4096 certificate). */
export const MAX_CERTIFICATE_CHARS = 4096;

export interface PeerEntry {
  /** Pre-shared key, lower-case hex (settings.peerKeys). */
  readonly psk?: string;
  /** The peer's authenticated table and when it was learned (settings.learnedPeers). */
  readonly learned?: { readonly table: PriorityTable; readonly learnedAt: number };
  /** The peer's certificate, base64 of DER (settings.peerCertificates). */
  readonly certificate?: string;
  /** Use stamp: larger is more recent. */
  readonly used: number;
}

export type PeerBook = Readonly<Record<string, PeerEntry>>;

/** A key the user entered cannot be saved: the book holds only keys and has no room. */
export class PeerBookFullError extends SettingsError {
  override name = 'PeerBookFullError';
}

/** The three per-peer maps of `settings`, from the book. */
export function peerFields(book: PeerBook): Pick<Settings, 'peerKeys' | 'learnedPeers' | 'peerCertificates'> {
  const peerKeys: Record<string, string> = {};
  const learnedPeers: Record<string, { table: PriorityTable; learnedAt: number }> = {};
  const peerCertificates: Record<string, string> = {};
  for (const [uri, e] of Object.entries(book)) {
    if (e.psk !== undefined) peerKeys[uri] = e.psk;
    if (e.learned !== undefined) learnedPeers[uri] = e.learned;
    if (e.certificate !== undefined) peerCertificates[uri] = e.certificate;
  }
  return { peerKeys, learnedPeers, peerCertificates };
}

/** What an entry says, without its use stamp (to see whether a save changed it). */
const content = (e: PeerEntry | undefined): string =>
  e === undefined ? '' : JSON.stringify([e.psk ?? null, e.learned ? [formatTable(e.learned.table), e.learned.learnedAt] : null, e.certificate ?? null]);

/**
 * The book for the per-peer maps of `next`: entries it does not change keep their use stamp,
 * changed and new ones (`touched`) get new stamps after every stamp in `previous`.
 */
export function bookFromSettings(next: Pick<Settings, 'peerKeys' | 'learnedPeers' | 'peerCertificates'>, previous: PeerBook): { book: Record<string, PeerEntry>; touched: Set<string> } {
  const uris = [...new Set([...Object.keys(next.peerKeys), ...Object.keys(next.learnedPeers), ...Object.keys(next.peerCertificates)])].sort();
  let stamp = Object.values(previous).reduce((m, e) => Math.max(m, e.used), 0);
  const book: Record<string, PeerEntry> = {};
  const touched = new Set<string>();
  for (const uri of uris) {
    const psk = next.peerKeys[uri];
    const learned = next.learnedPeers[uri];
    const certificate = next.peerCertificates[uri];
    const entry = { ...(psk !== undefined ? { psk } : {}), ...(learned ? { learned } : {}), ...(certificate !== undefined ? { certificate } : {}), used: 0 };
    const before = previous[uri];
    if (before && content(before) === content(entry)) book[uri] = { ...entry, used: before.used };
    else {
      book[uri] = { ...entry, used: ++stamp };
      touched.add(uri);
    }
  }
  return { book, touched };
}

export interface Fitted {
  readonly book: PeerBook;
  /** Peers whose learned data made room, least recently used first (the eviction rule). */
  readonly evicted: readonly string[];
  /** Peers whose new learned data could not be kept. */
  readonly dropped: readonly string[];
}

/** The entry without what the phone learned: its key, or nothing. */
const keyOnly = (e: PeerEntry): PeerEntry | undefined => (e.psk !== undefined ? { psk: e.psk, used: e.used } : undefined);

/**
 * `book` within the bounds (MAX_PEERS, and `fits`: the flash slot), by the eviction rule above.
 * `touched`: the entries this save changes; their learned data goes only when nothing else can.
 * Throws PeerBookFullError when the entered keys alone do not fit.
 */
export function fitBook(book: PeerBook, touched: ReadonlySet<string>, fits: (book: PeerBook) => boolean): Fitted {
  const out: Record<string, PeerEntry> = { ...book };
  const evicted: string[] = [];
  const dropped: string[] = [];
  const forget = (uri: string, into: string[]) => {
    const rest = keyOnly(out[uri]);
    if (rest) out[uri] = rest;
    else delete out[uri];
    into.push(uri);
  };
  for (const [uri, e] of Object.entries(out)) {
    if (uri.length > MAX_PEER_URI) {
      if (e.psk !== undefined) throw new PeerBookFullError(`the peer URI is longer than ${MAX_PEER_URI} characters`);
      forget(uri, touched.has(uri) ? dropped : evicted);
    } else if (e.certificate !== undefined && e.certificate.length > MAX_CERTIFICATE_CHARS) {
      const { certificate: _, ...rest } = e;
      if (rest.psk !== undefined || rest.learned !== undefined) out[uri] = rest;
      else delete out[uri];
      dropped.push(uri);
    }
  }
  while (Object.keys(out).length > MAX_PEERS || !fits(out)) {
    const learned = Object.entries(out)
      .filter(([, e]) => e.learned !== undefined || e.certificate !== undefined)
      .sort((a, b) => a[1].used - b[1].used || (a[0] < b[0] ? -1 : 1));
    const victim = learned.find(([uri]) => !touched.has(uri)) ?? learned[0];
    if (!victim) throw new PeerBookFullError(`full: ${Object.keys(out).filter((u) => !touched.has(u)).length} peer keys fill the store`);
    forget(victim[0], touched.has(victim[0]) ? dropped : evicted);
  }
  return { book: out, evicted, dropped };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function need(condition: boolean, what: string): void {
  if (!condition) throw new SettingsError(`invalid peer store: ${what}`);
}

/** The JSON form in the peer store's record: tables as text (modules/negotiation/table.ts). */
export function bookToJson(book: PeerBook): unknown {
  const peers: Record<string, unknown> = {};
  for (const [uri, e] of Object.entries(book)) {
    peers[uri] = {
      ...(e.psk !== undefined ? { psk: e.psk } : {}),
      ...(e.learned ? { table: formatTable(e.learned.table), learnedAt: e.learned.learnedAt } : {}),
      ...(e.certificate !== undefined ? { certificate: e.certificate } : {}),
      used: e.used,
    };
  }
  return { peers };
}

/** Reads and checks the JSON form; anything off is a SettingsError. */
export function bookFromJson(json: unknown): PeerBook {
  need(isRecord(json) && isRecord(json.peers), 'not an object');
  const book: Record<string, PeerEntry> = {};
  for (const [uri, v] of Object.entries((json as { peers: Record<string, unknown> }).peers)) {
    need(isPeerUri(uri) && isRecord(v), 'peer');
    const e = v as Record<string, unknown>;
    need(Number.isSafeInteger(e.used) && (e.used as number) >= 0, 'used');
    need(e.psk === undefined || (typeof e.psk === 'string' && isPskHex(e.psk)), 'psk');
    need(e.certificate === undefined || (typeof e.certificate === 'string' && e.certificate.length > 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(e.certificate)), 'certificate');
    need((e.table === undefined) === (e.learnedAt === undefined), 'table');
    let learned: PeerEntry['learned'];
    if (e.table !== undefined) {
      need(typeof e.table === 'string' && Number.isFinite(e.learnedAt), 'table');
      try {
        learned = { table: parseTable(e.table as string), learnedAt: e.learnedAt as number };
      } catch (err) {
        throw new SettingsError(`invalid peer store: table: ${(err as Error).message}`);
      }
    }
    need(e.psk !== undefined || learned !== undefined || e.certificate !== undefined, 'empty entry');
    book[uri] = {
      ...(e.psk !== undefined ? { psk: e.psk as string } : {}),
      ...(learned ? { learned } : {}),
      ...(e.certificate !== undefined ? { certificate: e.certificate as string } : {}),
      used: e.used as number,
    };
  }
  return book;
}
