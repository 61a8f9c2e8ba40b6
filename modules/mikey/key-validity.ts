// Key validity data (RFC 3830 §6.13 KV field, §6.14 layouts), shared by key data sub-payloads and
// the DH payload: KV 0 = none, 1 = SPI/MKI (SPI len (8) | SPI), 2 = interval (VF len (8) | Valid
// From | VT len (8) | Valid To).
import { KV_TYPE } from './codes.js';
import type { KeyValidity } from './payloads.js';
import type { Reader, Writer } from './wire-io.js';

export function kvCode(kv: KeyValidity): number {
  return kv.type === 'none' ? KV_TYPE.NULL : kv.type === 'spi' ? KV_TYPE.SPI : KV_TYPE.INTERVAL;
}

export function writeKv(w: Writer, kv: KeyValidity): void {
  if (kv.type === 'spi') {
    w.u8(kv.spi.length, 'SPI length'), w.bytes(kv.spi);
  } else if (kv.type === 'interval') {
    w.u8(kv.from.length, 'Valid From length'), w.bytes(kv.from), w.u8(kv.to.length, 'Valid To length'), w.bytes(kv.to);
  }
}

/** Reads the KV data for KV type `code` (read just before, at pos - 1 or earlier). */
export function readKv(r: Reader, code: number, what: string): KeyValidity {
  switch (code) {
    case KV_TYPE.NULL:
      return { type: 'none' };
    case KV_TYPE.SPI:
      return { type: 'spi', spi: r.take(r.u8(what), what) };
    case KV_TYPE.INTERVAL: {
      const from = r.take(r.u8(what), what);
      return { type: 'interval', from, to: r.take(r.u8(what), what) };
    }
    default:
      return r.fail(what, `unknown key validity type ${code}`, r.pos - 1);
  }
}
