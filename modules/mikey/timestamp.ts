// The T payload check of RFC 3830 §5.4: NTP-UTC or NTP timestamps (§6.6, 64-bit NTP format) must lie
// within a configurable window of the receiver's clock; the default is ±1 hour, as minisip and
// gortsplib use. COUNTER timestamps need a per-peer counter store and are not accepted here.
import { TS_TYPE } from './codes.js';
import type { PayloadOf } from './payloads.js';
import { DEFAULT_WINDOW_MS, ntpToMs } from './pk-message.js';

export { DEFAULT_WINDOW_MS };

/** The timestamp in Unix ms, or a reason it is refused (ERR 1, Invalid timestamp). */
export function checkTimestamp(t: PayloadOf<'T'> | undefined, nowMs: number, windowMs: number): { ok: true; ms: number } | { ok: false; reason: string } {
  if (!t) return { ok: false, reason: 'no T payload' };
  if (t.tsType !== TS_TYPE.NTP_UTC && t.tsType !== TS_TYPE.NTP) return { ok: false, reason: `timestamp type ${t.tsType} is not NTP` };
  const ms = ntpToMs(t.value);
  if (Math.abs(ms - nowMs) > windowMs) return { ok: false, reason: `timestamp ${Math.round((ms - nowMs) / 1000)} s from now is outside ±${windowMs / 1000} s` };
  return { ok: true, ms };
}
