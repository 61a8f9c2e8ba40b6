// One MIKEY public-key exchange split into its four phases, for bench/mikey-modes.bench.ts. Pure
// (no Node APIs) so the same code runs in Node and, bundled, inside the XS engine, where each phase
// is one metered crank. Each phase returns the modular exponentiations it performed.
import { sha256 } from '@noble/hashes/sha2.js';
import type { Random } from '../hal/contracts.js';
import { nobleCrypto } from '../hal/noble-crypto.js';
import { dhOffer, dhScreen } from '../modules/mikey/dh.js';
import { dhhmacOffer, dhhmacScreen } from '../modules/mikey/dhhmac.js';
import { loadPkCredentials, type PkCredentials, type PkEnvironment } from '../modules/mikey/pk-auth.js';
import type { Completed, Refused, Screened } from '../modules/mikey/pk-exchange.js';
import { DEFAULT_WINDOW_MS, type ReplayGuard } from '../modules/mikey/pk-message.js';
import { ReplayCache } from '../modules/mikey/replay-cache.js';
import { pkeOffer, pkeScreen } from '../modules/mikey/pke.js';
import { rsaROffer, rsaRScreen } from '../modules/mikey/rsa-r.js';
import type { DhGroupId } from '../modules/pki/dh.js';
import type { ModExpCounter } from '../modules/pki/modexp.js';
import { concatBytes, fromBase64, toHex, utf8Encode } from '../modules/util/bytes.js';

export type BenchMode = 'pke' | 'dh' | 'dhhmac' | 'rsa-r';

/** DER and keys as base64, so a scenario crosses into XS as JSON. */
export interface Scenario {
  readonly mode: BenchMode;
  readonly group?: DhGroupId;
  readonly shortExponent?: boolean;
  readonly ca: string;
  readonly alice: { readonly uri: string; readonly cert: string; readonly key: string };
  readonly bob: { readonly uri: string; readonly cert: string; readonly key: string };
  readonly psk: string;
  readonly nowMs: number;
}

export type Phase = 'offer' | 'screen' | 'complete' | 'finish';
export const PHASES: readonly Phase[] = ['offer', 'screen', 'complete', 'finish'];

function seeded(seed: string): Random {
  let counter = 0;
  return {
    bytes(length) {
      const out = new Uint8Array(length);
      for (let o = 0; o < length; o += 32) out.set(sha256(concatBytes(utf8Encode(seed), utf8Encode(String(counter++)))).subarray(0, Math.min(32, length - o)), o);
      return out;
    },
  };
}

/** The phone's own replay cache (RFC 3830 §5.4), so the bench measures what a call does. */
const replay = (): ReplayGuard => new ReplayCache(DEFAULT_WINDOW_MS);

function ok<T extends Screened | Completed>(r: T | Refused): T {
  if (!r.ok) throw new Error(`refused with ERR ${r.errorNo}: ${r.reason}`);
  return r;
}

/** Runs `s`'s exchange phase by phase; each call of `run` returns that phase's exponentiation count. */
export function exchange(s: Scenario): { run(phase: Phase): number; agreed(): boolean } {
  const party = (p: Scenario['alice']): PkCredentials => loadPkCredentials(p.uri, [fromBase64(p.cert)], fromBase64(p.key), [fromBase64(s.ca)]);
  const alice = party(s.alice);
  const bob = party(s.bob);
  const psk = fromBase64(s.psk);
  const crypto = nobleCrypto;
  const env = (seed: string, counter: ModExpCounter): PkEnvironment => ({ random: seeded(seed), nowMs: s.nowMs, counter });
  let message: Uint8Array = new Uint8Array(0);
  let finish: (response: Uint8Array, counter: ModExpCounter) => readonly { masterKey: Uint8Array }[] = () => [];
  let initiatorKeys = '';
  let screened: Screened | undefined;
  let completed: Completed | undefined;
  let responderKeys = '';
  const common = { crypto, responderUri: bob.uri, ssrcs: [0x1234] };
  return {
    run(phase: Phase): number {
      const counter = { count: 0 };
      if (phase === 'offer') {
        const e = env('initiator', counter);
        if (s.mode === 'pke') {
          const o = pkeOffer({ ...common, self: alice, env: e, responderCertificate: bob.chain[0] });
          message = o.message;
          initiatorKeys = toHex(o.keys[0].masterKey);
          finish = (r) => (o.confirm(r), o.keys);
        } else {
          const o =
            s.mode === 'dh' ? dhOffer({ ...common, self: alice, env: e, group: s.group, shortExponent: s.shortExponent })
            : s.mode === 'dhhmac' ? dhhmacOffer({ ...common, selfUri: alice.uri, psk, env: e, group: s.group, shortExponent: s.shortExponent })
            : rsaROffer({ ...common, self: alice, env: e });
          message = o.message;
          finish = (r, c) => o.finish(r, c);
        }
      } else if (phase === 'screen') {
        const ctx = { self: bob, crypto, env: env('responder', counter), replay: replay(), fromUri: alice.uri };
        const options = { shortExponent: s.shortExponent };
        screened = ok(
          s.mode === 'pke' ? pkeScreen(message, ctx)
          : s.mode === 'dh' ? dhScreen(message, ctx, options)
          : s.mode === 'dhhmac' ? dhhmacScreen(message, { ...ctx, selfUri: bob.uri, pskFor: () => psk }, options)
          : rsaRScreen(message, ctx),
        );
      } else if (phase === 'complete') {
        completed = ok(screened!.complete(counter));
        responderKeys = toHex(completed.keys[0].masterKey);
      } else {
        const keys = finish(completed!.response!, counter);
        initiatorKeys = toHex(keys[0].masterKey);
      }
      return counter.count;
    },
    agreed: () => initiatorKeys !== '' && initiatorKeys === responderKeys,
  };
}
