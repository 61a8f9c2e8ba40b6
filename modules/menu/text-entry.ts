// Text and hex entry from a 12-key pad by multi-tap, as desk phones do: pressing a key again
// cycles through its letters; another key (or "#") fixes the letter and starts the next one.
//
//   text:  1 . @ : - _ / 1 ! ? # * & % = $ ; ,   2 a b c 2   3 d e f 3   4 g h i 4   5 j k l 5
//          6 m n o 6   7 p q r s 7   8 t u v 8   9 w x y z 9   0 0 space +
//          * shift (upper case for the next letter); "#" and "*" themselves are on 1, for passwords
//   hex:   2 2 a b c   3 3 d e f   the other digits stand for themselves
//
// "#" fixes the pending letter, Back deletes (the pending letter, else the last one), OK accepts.
import type { Key } from '../../hal/contracts.js';

export type EntryKind = 'text' | 'hex';

const TEXT_KEYS: Readonly<Record<string, string>> = {
  '1': '.@:-_/1!?#*&%=$;,', '2': 'abc2', '3': 'def3', '4': 'ghi4', '5': 'jkl5',
  '6': 'mno6', '7': 'pqrs7', '8': 'tuv8', '9': 'wxyz9', '0': '0 +',
};
const HEX_KEYS: Readonly<Record<string, string>> = {
  '0': '0', '1': '1', '2': '2abc', '3': '3def', '4': '4', '5': '5', '6': '6', '7': '7', '8': '8', '9': '9',
};

export type EntryResult = 'editing' | 'accepted' | 'cancelled';

export class TextEntry {
  private value: string;
  private pendingKey: string | undefined;
  private pendingIndex = 0;
  private shift = false;

  constructor(
    readonly kind: EntryKind,
    initial: string,
    readonly maxLength: number,
  ) {
    this.value = initial.slice(0, maxLength);
  }

  /** The text with the pending letter, as shown. */
  get text(): string {
    return this.value + this.pendingChar();
  }

  private pendingChar(): string {
    if (this.pendingKey === undefined) return '';
    const c = (this.kind === 'hex' ? HEX_KEYS : TEXT_KEYS)[this.pendingKey][this.pendingIndex];
    return this.shift ? c.toUpperCase() : c;
  }

  /** Fixes the pending letter; shift, once used by a letter, goes off. */
  private fix(): void {
    if (this.pendingKey === undefined) return;
    this.value += this.pendingChar();
    this.pendingKey = undefined;
    this.pendingIndex = 0;
    this.shift = false;
  }

  /** Applies one key; returns whether entry goes on, was accepted, or was cancelled. */
  press(key: Key): EntryResult | 'refused' {
    const table = this.kind === 'hex' ? HEX_KEYS : TEXT_KEYS;
    if (key in table) {
      if (this.pendingKey === key) {
        this.pendingIndex = (this.pendingIndex + 1) % table[key].length;
        return 'editing';
      }
      this.fix();
      if (this.value.length >= this.maxLength) return 'refused';
      this.pendingKey = key;
      this.pendingIndex = 0;
      if (table[key].length === 1) this.fix();
      return 'editing';
    }
    switch (key) {
      case '#':
        this.fix();
        return 'editing';
      case '*':
        if (this.kind === 'hex') return 'refused';
        this.shift = !this.shift;
        return 'editing';
      case 'Back':
        if (this.pendingKey !== undefined) {
          this.pendingKey = undefined;
          this.pendingIndex = 0;
        } else if (this.value.length > 0) this.value = this.value.slice(0, -1);
        else return 'cancelled';
        return 'editing';
      case 'OK':
        this.fix();
        return 'accepted';
      case 'Hangup':
        return 'cancelled';
      default:
        return 'refused';
    }
  }
}
