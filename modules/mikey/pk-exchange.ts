// The shape every public-key mode's exchange takes (seed §2.1.3, issue 4 §3): the responder first
// *screens* an offer with cheap checks only (parse, timestamp, replay, identity, certificate chain
// and signature: public-key operations with e = 65537), and only a screened offer gets a
// `complete` step that does the expensive work (RSA private-key operations, DH exponentiations).
// The phone calls `complete` at ring or at pick-up, as its setting says. A refusal names the ERR
// number (RFC 3830 §6.12), carries the Error message to send, and nothing has been installed.
import type { Crypto } from '../../hal/contracts.js';
import { identityMatches } from '../pki/identity.js';
import type { ModExpCounter } from '../pki/modexp.js';
import { parseCertificate } from '../pki/x509.js';
import { PK_ERROR, PkRefusal, type PkCredentials, type PkEnvironment } from './pk-auth.js';
import type { SrtpKeys } from './pk-keys.js';
import { checkTimestamp, decodeExpected, DEFAULT_WINDOW_MS, errorMessage, find, idText, ntpToMs, replayId, requirePayload, type ReplayGuard } from './pk-message.js';
import type { Header, Message, Payload } from './pk-wire.js';

export interface Refused {
  readonly ok: false;
  readonly errorNo: number;
  readonly reason: string;
  /** The Error message to answer with (data type 6). */
  readonly error: Uint8Array;
}

export interface Completed {
  readonly ok: true;
  /** SRTP master key and salt per crypto session: install these. */
  readonly keys: readonly SrtpKeys[];
  /** The R_MESSAGE to send, when the mode has one (always in DH, DHHMAC and RSA-R; PKE when V = 1). */
  readonly response: Uint8Array | undefined;
}

export interface Screened {
  readonly ok: true;
  /** The initiator's authenticated SIP identity. */
  readonly peerUri: string;
  /** The offer's General Extension payloads (e.g. the priority table), covered by its MAC or signature. */
  readonly extensions: readonly GeneralExtension[];
  /**
   * The deferred expensive step; `counter` measures its modular exponentiations. `extensions` go
   * into the R_MESSAGE, under its MAC or signature (where the mode has an R_MESSAGE).
   */
  complete(counter?: ModExpCounter, extensions?: readonly GeneralExtension[]): Completed | Refused;
}

export type GeneralExtension = Extract<Payload, { type: 'GENEXT' }>;

/** What a responder needs to screen an offer. */
export interface ResponderContext {
  readonly self: PkCredentials;
  readonly crypto: Crypto;
  readonly env: PkEnvironment;
  readonly replay: ReplayGuard;
  /** The URI of the SIP From header the offer arrived in. */
  readonly fromUri: string;
  /** Allowed clock difference, ± milliseconds (default one hour). */
  readonly windowMs?: number;
}

/**
 * The cheap checks every responder starts with (RFC 3830 §5.3, §5.4): decode the offer as
 * `dataType`, its timestamp within the window, and not a replay. Returns the offer, its T and RAND
 * values and its replay identity, which the caller remembers once the offer authenticates.
 */
export function screenOfferStart(
  bytes: Uint8Array,
  dataType: number,
  ctx: Pick<ResponderContext, 'env' | 'replay' | 'windowMs'>,
  onHeader: (header: Header) => void,
): { offer: Message; t: Uint8Array; ts: number; rand: Uint8Array; id: string } {
  const offer = decodeExpected(bytes, dataType, onHeader);
  const t = checkTimestamp(offer, ctx.env.nowMs, ctx.windowMs ?? DEFAULT_WINDOW_MS);
  const rand = requirePayload(offer, 'RAND').value;
  const id = replayId(offer, t, rand);
  const ts = ntpToMs(t);
  checkNotReplayed(ctx.replay, id, ts, ctx.env.nowMs);
  return { offer, t, ts, rand, id };
}

/**
 * RFC 3830 §5.4: an I_MESSAGE the replay cache has seen, or one older than its floor (which it
 * can no longer prove unseen), is refused with ERR 1 — the same rule in every mode.
 */
export function checkNotReplayed(replay: ReplayGuard, id: string, ts: number, nowMs: number): void {
  const refusal = replay.refusal(id, ts, nowMs);
  if (refusal !== undefined) throw new PkRefusal(PK_ERROR.INVALID_TS, refusal);
}

/** An ID payload in the offer (IDr) must name the identity of this phone's certificate. */
export function checkAddressedToSelf(offer: Message, self: PkCredentials): void {
  const idr = find(offer, 'ID');
  if (idr && !identityMatches(parseCertificate(self.chain[0]), idText(idr))) {
    throw new PkRefusal(PK_ERROR.AUTH_FAILURE, `the offer is addressed to ${idText(idr)}`);
  }
}

/** Runs `step`; a PkRefusal becomes a Refused with its Error message, other errors propagate. */
export function guarded<T>(crypto: Crypto, nowMs: number, header: () => Header | undefined, step: () => T, auth?: () => { key: Uint8Array; offerT: Uint8Array } | undefined): T | Refused {
  try {
    return step();
  } catch (e) {
    if (!(e instanceof PkRefusal)) throw e;
    return { ok: false, errorNo: e.errorNo, reason: e.message, error: errorMessage(crypto, header(), e.errorNo, nowMs, auth?.()) };
  }
}

/** A received Error message (data type 6) becomes a PkRefusal with its first ERR number. */
export function refusalFrom(errorNo: number | undefined): PkRefusal {
  return new PkRefusal(errorNo ?? PK_ERROR.UNSPECIFIED, `the responder refused with ERR ${errorNo ?? '(none)'}`);
}

/** Draws a CSB ID (RFC 3830 §6.1: random, chosen by the initiator). */
export function randomCsbId(env: PkEnvironment): number {
  const b = env.random.bytes(4);
  return ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
}
