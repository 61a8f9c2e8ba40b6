// Big-endian byte reader and writer for the MIKEY codec (RFC 3830 §6: all fields are network order).
// The reader checks every length against what is left before it copies anything, so no input can
// make it allocate more than its own size; each failure is a MikeyError naming the payload.
import { MikeyError } from './mikey-error.js';

export class Writer {
  private readonly parts: number[] = [];
  constructor(private what: string) {}
  private check(v: number, max: number, field: string): void {
    if (!Number.isInteger(v) || v < 0 || v > max) throw new RangeError(`MIKEY ${this.what}: ${field} ${v} does not fit`);
  }
  u8(v: number, field = 'byte'): void {
    this.check(v, 0xff, field);
    this.parts.push(v);
  }
  u16(v: number, field = 'length'): void {
    this.check(v, 0xffff, field);
    this.parts.push(v >> 8, v & 255);
  }
  u32(v: number, field = 'word'): void {
    this.check(v, 0xffffffff, field);
    this.parts.push((v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
  }
  bytes(b: Uint8Array): void {
    for (let i = 0; i < b.length; i++) this.parts.push(b[i]);
  }
  /** Switches the name used in range errors to the payload being written. */
  payload(what: string): void {
    this.what = what;
  }
  done(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

export class Reader {
  pos = 0;
  constructor(
    readonly bytes: Uint8Array,
    /** Offset of bytes[0] in the enclosing input, so errors name absolute offsets. */
    readonly base = 0,
  ) {}
  get left(): number {
    return this.bytes.length - this.pos;
  }
  fail(what: string, reason: string, at = this.pos): never {
    throw new MikeyError(what, this.base + at, reason);
  }
  need(n: number, what: string): void {
    if (n > this.left) this.fail(what, `needs ${n} bytes, ${this.left} left`);
  }
  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.pos++];
  }
  u16(what: string): number {
    this.need(2, what);
    const v = (this.bytes[this.pos] << 8) | this.bytes[this.pos + 1];
    this.pos += 2;
    return v;
  }
  u32(what: string): number {
    this.need(4, what);
    const b = this.bytes;
    const v = ((b[this.pos] << 24) | (b[this.pos + 1] << 16) | (b[this.pos + 2] << 8) | b[this.pos + 3]) >>> 0;
    this.pos += 4;
    return v;
  }
  take(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.bytes.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  /** A length-fixed field whose length a code selects (TS type, MAC alg, DH group, hash function). */
  fixed(table: Readonly<Record<number, number>>, code: number, what: string, field: string): Uint8Array {
    const n = table[code];
    if (n === undefined) this.fail(what, `unknown ${field} ${code}`, this.pos - 1);
    return this.take(n, what);
  }
}
