// The peer store: the peer book (peer-book.ts) as one record in slots of its own flash region,
// written power-cut safe as the settings are (slot-store.ts: erase the next slot, write the
// record, write the commit word last; the newest committed record wins), under its own magic so
// that neither store ever reads the other's records. A region with data but no valid record gives
// an empty book and a notice; nothing is written until the next save.
import type { Flash } from '../../hal/contracts.js';
import { utf8Decode, utf8Encode } from '../util/bytes.js';
import { bookFromJson, bookToJson, type PeerBook } from './peer-book.js';
import { recordSize } from './record.js';
import { openSlots } from './slot-store.js';

export const PEER_MAGIC = Uint8Array.of(0x44, 0x50, 0x50, 0x52); // "DPPR"
/** Bytes a slot of the peer store holds at most: about ten peers with certificates. */
export const PEER_SLOT_BYTES = 16384;
/** The notice when the region held peers but no readable record (20 characters at most). */
export const NOTICE_PEERS_LOST = 'Peers lost: corrupt';

export interface PeerStore {
  readonly book: PeerBook;
  readonly notice: string | undefined;
  /** Whether `book` fits one record of this store. */
  fits(book: PeerBook): boolean;
  /** Writes `book` as the newest record (it must fit); on error nothing changes. */
  save(book: PeerBook): void;
}

const text = (book: PeerBook) => JSON.stringify(bookToJson(book));

/**
 * Bytes of `s` in UTF-8, without encoding it (fits() runs once per peer evicted). Walks the string
 * with its iterator: charCodeAt(i) is quadratic on XS, whose strings are UTF-8 inside.
 */
function utf8Length(s: string): number {
  let n = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
}

export function openPeerStore(flash: Flash, slotBytes = PEER_SLOT_BYTES): PeerStore {
  const slots = openSlots(flash, slotBytes, PEER_MAGIC, (payload) => bookFromJson(JSON.parse(utf8Decode(payload))));
  let book: PeerBook = slots.newest?.value ?? {};
  let notice = !slots.newest && (slots.unreadable > 0 || slots.unknown) ? NOTICE_PEERS_LOST : undefined;
  return {
    get book() {
      return book;
    },
    get notice() {
      return notice;
    },
    fits: (candidate) => recordSize(utf8Length(text(candidate))) <= slots.slotSize,
    save(next) {
      const json = text(next);
      // Check before touching the flash: what is written reads back as this book.
      bookFromJson(JSON.parse(json));
      slots.write(utf8Encode(json), next);
      book = next;
      notice = undefined;
    },
  };
}
