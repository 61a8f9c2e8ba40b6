// The PSK mode (RFC 3830 §3.1, §5.3) in the screen-then-complete shape every key agreement of a
// call takes (pk-exchange.ts). Screening does all of the PSK responder's checks, in psk.ts's
// order: IDi must be the SIP From identity and IDr this phone, the timestamp inside the window,
// the KEMAC MAC verified with the PSK held for the caller, then the replay cache. PSK has no
// expensive step: `complete` only writes the verification message, with the answer's General
// Extensions (the callee's priority table) under its MAC, before V.
import { normalizeSipUri } from '../pki/identity.js';
import { findPayloads } from './payloads.js';
import type { Completed, Refused, Screened } from './pk-exchange.js';
import { pskRespond, type MikeyEnvironment } from './psk.js';
import type { ReplayCache } from './replay-cache.js';

export interface PskScreenContext {
  /** This phone's SIP URI: the IDr the offer must name. */
  readonly selfUri: string;
  /** The PSK shared with a peer, by its SIP URI (settings.peerKeys); undefined when there is none. */
  readonly pskFor: (peerUri: string) => Uint8Array | undefined;
  readonly env: MikeyEnvironment;
  readonly replay: ReplayCache;
  /** The URI of the SIP From header the offer arrived in: the IDi the offer must name. */
  readonly fromUri: string;
  /** Allowed clock difference, ± milliseconds (default one hour). */
  readonly windowMs?: number;
}

/** Screens a PSK I_MESSAGE; a refusal carries the Error message to send and installs nothing. */
export function pskScreen(bytes: Uint8Array, ctx: PskScreenContext): Screened | Refused {
  const peerUri = normalizeSipUri(ctx.fromUri) ?? ctx.fromUri;
  const answer = pskRespond(
    bytes,
    {
      pskFor: () => ctx.pskFor(peerUri),
      replay: ctx.replay,
      idr: normalizeSipUri(ctx.selfUri) ?? ctx.selfUri,
      expectedIds: { idi: peerUri, idr: ctx.selfUri },
      ...(ctx.windowMs === undefined ? {} : { windowMs: ctx.windowMs }),
    },
    ctx.env,
  );
  if (!answer.ok) return answer;
  return {
    ok: true,
    peerUri,
    extensions: findPayloads(answer.message, 'GENEXT'),
    complete: (_counter, extensions = []): Completed => ({ ok: true, keys: answer.keys, response: answer.verification(extensions) }),
  };
}
