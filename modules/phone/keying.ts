// MIKEY for a call: makes the caller's I_MESSAGE with the key agreement the negotiation chose,
// and screens a callee-side I_MESSAGE by its data type (RFC 3830 §6.1), leaving the expensive
// step to the phone (at ring or at pick-up, as its settings say).
import type { Crypto, Random } from '../../hal/contracts.js';
import { dhOffer, dhScreen } from '../mikey/dh.js';
import { dhhmacOffer, dhhmacScreen } from '../mikey/dhhmac.js';
import type { PkCredentials } from '../mikey/pk-auth.js';
import type { GeneralExtension, Refused, Screened } from '../mikey/pk-exchange.js';
import type { SrtpKeys } from '../mikey/pk-keys.js';
import type { ReplayGuard } from '../mikey/pk-message.js';
import { DATA_TYPE } from '../mikey/pk-wire.js';
import { rsaROffer, rsaRScreen } from '../mikey/rsa-r.js';
import type { KeyAgreement } from '../negotiation/capabilities.js';

export interface KeyingContext {
  readonly selfUri: string;
  readonly credentials: PkCredentials | undefined;
  /** The PSK shared with a peer, if any. */
  readonly pskFor: (peerUri: string) => Uint8Array | undefined;
  readonly crypto: Crypto;
  readonly random: Random;
  readonly nowMs: number;
  readonly replay: ReplayGuard;
}

export interface CallOffer {
  readonly keyAgreement: KeyAgreement;
  readonly message: Uint8Array;
  finish(response: Uint8Array): readonly SrtpKeys[];
}

/** Key agreements this phone can start with `peer` now: what it holds credentials for. */
export function usableKeyAgreements(ctx: KeyingContext, peer: string): (ka: KeyAgreement) => boolean {
  return (ka) => {
    switch (ka) {
      case 'DH':
      case 'RSA-R':
        return ctx.credentials !== undefined;
      case 'DHHMAC':
        return ctx.pskFor(peer) !== undefined;
      default:
        // PSK needs the MIKEY PSK mode; PKE needs the peer's certificate beforehand.
        return false;
    }
  };
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
    default:
      throw new RangeError(`no MIKEY offer for ${ka} yet`);
  }
}

/** Screens an I_MESSAGE from `peer` (cheap checks only), or says why it cannot. */
export function screenOffer(bytes: Uint8Array, ctx: KeyingContext, peer: string): { keyAgreement: KeyAgreement; result: Screened | Refused } | { unsupported: string } {
  const env = { random: ctx.random, nowMs: ctx.nowMs };
  const dataType = bytes.length > 1 ? bytes[1] : -1;
  if (dataType === DATA_TYPE.DH_INIT || dataType === DATA_TYPE.RSA_R_INIT) {
    if (!ctx.credentials) return { unsupported: 'no certificate on this phone' };
    const rctx = { self: ctx.credentials, crypto: ctx.crypto, env, replay: ctx.replay, fromUri: peer };
    return dataType === DATA_TYPE.DH_INIT ? { keyAgreement: 'DH', result: dhScreen(bytes, rctx) } : { keyAgreement: 'RSA-R', result: rsaRScreen(bytes, rctx) };
  }
  if (dataType === DATA_TYPE.DHHMAC_INIT) {
    return { keyAgreement: 'DHHMAC', result: dhhmacScreen(bytes, { selfUri: ctx.selfUri, pskFor: ctx.pskFor, crypto: ctx.crypto, env, replay: ctx.replay, fromUri: peer }) };
  }
  return { unsupported: `MIKEY data type ${dataType} is not handled in calls yet` };
}
