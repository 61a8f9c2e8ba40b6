// MIKEY for a call: makes the caller's I_MESSAGE with the key agreement the negotiation chose,
// and screens a callee-side I_MESSAGE by its data type (RFC 3830 §6.1), leaving the expensive
// step to the phone (at ring or at pick-up, as its settings say).
import type { Crypto, Random } from '../../hal/contracts.js';
import { dhOffer, dhScreen } from '../mikey/dh.js';
import { dhhmacOffer, dhhmacScreen } from '../mikey/dhhmac.js';
import { authenticatePeer, PK_ERROR, PkRefusal, type PkCredentials } from '../mikey/pk-auth.js';
import type { GeneralExtension, Refused, Screened } from '../mikey/pk-exchange.js';
import type { SrtpKeys } from '../mikey/pk-keys.js';
import { defaultSessions } from '../mikey/pk-message.js';
import { DATA_TYPE, decodeMessage } from '../mikey/pk-wire.js';
import { pkeOffer, pkeScreen } from '../mikey/pke.js';
import { pskCheckResponse, pskOffer } from '../mikey/psk.js';
import { pskScreen } from '../mikey/psk-screen.js';
import type { ReplayCache } from '../mikey/replay-cache.js';
import { rsaROffer, rsaRScreen } from '../mikey/rsa-r.js';
import { suitePolicy } from '../mikey/srtp-policy.js';
import type { KeyAgreement } from '../negotiation/capabilities.js';
import { KEY_USAGE } from '../pki/x509.js';
import { SP_SUITE } from './call-negotiation.js';

export interface KeyingContext {
  readonly selfUri: string;
  readonly credentials: PkCredentials | undefined;
  /** The PSK shared with a peer, if any. */
  readonly pskFor: (peerUri: string) => Uint8Array | undefined;
  /** A peer's certificate (DER) held in the settings, if any: PKE encrypts to it (RFC 3830 §3.2). */
  readonly peerCertificate: (peerUri: string) => Uint8Array | undefined;
  readonly crypto: Crypto;
  readonly random: Random;
  readonly nowMs: number;
  readonly replay: ReplayCache;
}

export interface CallOffer {
  readonly keyAgreement: KeyAgreement;
  readonly message: Uint8Array;
  finish(response: Uint8Array): readonly SrtpKeys[];
}

/**
 * The certificate held for `peer` when it can be encrypted to: it chains to this phone's trust
 * anchors, is valid now, names `peer` and allows key encipherment (RFC 3830 §3.2, §4.2.2: the
 * PKE initiator must hold the responder's certificate beforehand). Undefined otherwise.
 */
export function heldPeerCertificate(ctx: KeyingContext, peer: string): Uint8Array | undefined {
  const cert = ctx.peerCertificate(peer);
  if (!cert || !ctx.credentials) return undefined;
  try {
    authenticatePeer([cert], ctx.credentials, [peer], { random: ctx.random, nowMs: ctx.nowMs }, KEY_USAGE.keyEncipherment);
    return cert;
  } catch (e) {
    if (e instanceof PkRefusal) return undefined;
    throw e;
  }
}

/**
 * Key agreements this phone can carry out with `peer` now, as the initiator (the caller starts
 * them) or as the responder (the callee answers them): what it holds credentials for. Only PKE
 * differs: its initiator needs the responder's certificate, its responder only its own keys.
 */
export function usableKeyAgreements(ctx: KeyingContext, peer: string, role: 'initiator' | 'responder' = 'initiator'): (ka: KeyAgreement) => boolean {
  let pkeUsable: boolean | undefined;
  return (ka) => {
    switch (ka) {
      case 'DH':
      case 'RSA-R':
        return ctx.credentials !== undefined;
      case 'PSK':
      case 'DHHMAC':
        return ctx.pskFor(peer) !== undefined;
      case 'PKE':
        if (role === 'responder') return ctx.credentials !== undefined;
        // The chain check is done once per table narrowing.
        return (pkeUsable ??= heldPeerCertificate(ctx, peer) !== undefined);
    }
  };
}

/**
 * The sender's certificate (the first CERT payload, RFC 3830 §6.7) of a MIKEY message this phone
 * has authenticated: a screened offer or a finished response of a public-key mode, whose chain
 * was verified against the trust anchors and whose identity is the peer's. Undefined for modes
 * that carry none (PSK, DHHMAC).
 */
export function certificateOf(authenticated: Uint8Array): Uint8Array | undefined {
  return decodeMessage(authenticated).payloads.find((p) => p.type === 'CERT')?.value;
}

/** Two crypto sessions: the caller's stream (SSRC known) and the callee's (0: not yet known). */
export function makeOffer(ka: KeyAgreement, ctx: KeyingContext, peer: string, callerSsrc: number, extensions: readonly GeneralExtension[] = []): CallOffer {
  const env = { random: ctx.random, nowMs: ctx.nowMs };
  const ssrcs = [callerSsrc, 0];
  switch (ka) {
    case 'DH': {
      const o = dhOffer({ self: ctx.credentials!, crypto: ctx.crypto, env, responderUri: peer, ssrcs, group: 2, shortExponent: true, extensions });
      return { keyAgreement: ka, message: o.message, finish: (r) => o.finish(r) };
    }
    case 'RSA-R': {
      const o = rsaROffer({ self: ctx.credentials!, crypto: ctx.crypto, env, responderUri: peer, ssrcs, extensions });
      return { keyAgreement: ka, message: o.message, finish: (r) => o.finish(r) };
    }
    case 'DHHMAC': {
      const o = dhhmacOffer({ selfUri: ctx.selfUri, responderUri: peer, psk: ctx.pskFor(peer)!, crypto: ctx.crypto, env, ssrcs, group: 2, shortExponent: true, extensions });
      return { keyAgreement: ka, message: o.message, finish: (r) => o.finish(r) };
    }
    case 'PSK': {
      // RFC 3830 §3.1 with the V flag, so the caller learns the callee holds the same PSK.
      const o = pskOffer(
        { psk: ctx.pskFor(peer)!, sessions: defaultSessions(ssrcs), policies: [suitePolicy(0, SP_SUITE)], v: true, idi: ctx.selfUri, idr: peer, extensions },
        { crypto: ctx.crypto, random: ctx.random, nowMs: ctx.nowMs },
      );
      return {
        keyAgreement: ka,
        message: o.bytes,
        finish: (r) => {
          const verdict = pskCheckResponse(o, r, { crypto: ctx.crypto, nowMs: ctx.nowMs });
          if (!verdict.ok) throw new PkRefusal(verdict.errorNos?.[0] ?? PK_ERROR.AUTH_FAILURE, `PSK verification message: ${verdict.reason}`);
          return o.keys;
        },
      };
    }
    case 'PKE': {
      const responderCertificate = heldPeerCertificate(ctx, peer);
      if (!responderCertificate) throw new RangeError(`no valid certificate held for ${peer}`);
      const o = pkeOffer({ self: ctx.credentials!, crypto: ctx.crypto, env, responderUri: peer, responderCertificate, ssrcs, extensions });
      return {
        keyAgreement: ka,
        message: o.message,
        finish: (r) => {
          o.confirm(r);
          return o.keys;
        },
      };
    }
  }
}

/** The key agreement an I_MESSAGE offers, read from its data type (RFC 3830 §6.1); undefined for any other. */
export function offeredKeyAgreement(bytes: Uint8Array): KeyAgreement | undefined {
  switch (bytes.length > 1 ? bytes[1] : -1) {
    case DATA_TYPE.PSK_INIT:
      return 'PSK';
    case DATA_TYPE.PK_INIT:
      return 'PKE';
    case DATA_TYPE.DH_INIT:
      return 'DH';
    case DATA_TYPE.DHHMAC_INIT:
      return 'DHHMAC';
    case DATA_TYPE.RSA_R_INIT:
      return 'RSA-R';
    default:
      return undefined;
  }
}

/**
 * Why an I_MESSAGE cannot key a call for the number of crypto sessions in its SRTP-ID map (RFC
 * 3830 §6.1: #CS is the header's ninth byte, the map type the tenth), or undefined. A call keys
 * each direction from its own crypto session (CS 1 the offerer's stream, CS 2 the answerer's), as
 * the real peers do: minisip and GStreamer bind each crypto session to one SSRC, so keying our
 * stream from the offerer's one session would give it a key the offerer does not use for it.
 * An offer with one session is refused before it rings (docs/mikey.md).
 */
export function oneWayOffer(bytes: Uint8Array): string | undefined {
  if (bytes.length < 10 || bytes[9] !== 0) return undefined; // not a whole header with an SRTP-ID map: screening refuses it
  const sessions = bytes[8];
  return sessions < 2 ? `the offer has ${sessions} crypto session${sessions === 1 ? '' : 's'}; a call needs one per direction` : undefined;
}

/** Screens an I_MESSAGE from `peer` (cheap checks only), or says why it cannot. */
export function screenOffer(bytes: Uint8Array, ctx: KeyingContext, peer: string): { keyAgreement: KeyAgreement; result: Screened | Refused } | { unsupported: string } {
  const env = { random: ctx.random, nowMs: ctx.nowMs };
  const keyAgreement = offeredKeyAgreement(bytes);
  const oneWay = keyAgreement && oneWayOffer(bytes);
  if (oneWay) return { unsupported: oneWay };
  switch (keyAgreement) {
    case 'PKE':
    case 'DH':
    case 'RSA-R': {
      if (!ctx.credentials) return { unsupported: 'no certificate on this phone' };
      const rctx = { self: ctx.credentials, crypto: ctx.crypto, env, replay: ctx.replay, fromUri: peer };
      const screen = keyAgreement === 'PKE' ? pkeScreen : keyAgreement === 'DH' ? dhScreen : rsaRScreen;
      return { keyAgreement, result: screen(bytes, rctx) };
    }
    case 'PSK':
      return { keyAgreement, result: pskScreen(bytes, { selfUri: ctx.selfUri, pskFor: ctx.pskFor, env: { crypto: ctx.crypto, random: ctx.random, nowMs: ctx.nowMs }, replay: ctx.replay, fromUri: peer }) };
    case 'DHHMAC':
      return { keyAgreement, result: dhhmacScreen(bytes, { selfUri: ctx.selfUri, pskFor: ctx.pskFor, crypto: ctx.crypto, env, replay: ctx.replay, fromUri: peer }) };
    default:
      return { unsupported: `MIKEY data type ${bytes.length > 1 ? bytes[1] : -1} is not handled in calls yet` };
  }
}
