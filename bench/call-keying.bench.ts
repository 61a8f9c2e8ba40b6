// Cost of keying a call with PSK and with PKE through modules/phone/keying.ts, in Node, with the
// development keys (2048-bit RSA): each side's steps in milliseconds (median of 9 runs), and how
// long the PKE usability check (the held certificate verified against the trust anchors) takes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nobleCrypto as crypto } from '../hal/noble-crypto.js';
import type { Random } from '../hal/contracts.js';
import { loadPkCredentials } from '../modules/mikey/pk-auth.js';
import type { Screened } from '../modules/mikey/pk-exchange.js';
import { ReplayCache } from '../modules/mikey/replay-cache.js';
import type { KeyAgreement } from '../modules/negotiation/capabilities.js';
import { heldPeerCertificate, makeOffer, screenOffer, type KeyingContext } from '../modules/phone/keying.js';
import { ensureDevKeys } from '../sim/dev-keys.js';

const RUNS = 9;
let seed = 1;
const random: Random = { bytes: (n) => Uint8Array.from({ length: n }, () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24) };

function timed<T>(op: () => T): [T, number] {
  const start = performance.now();
  const out = op();
  return [out, performance.now() - start];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return +sorted[sorted.length >> 1].toFixed(2);
}

export default async function callKeyingBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'call-keying-bench-'));
  try {
    const [alice, bob] = ['sip:7001@127.0.0.1', 'sip:7002@127.0.0.1'];
    const keys = ensureDevKeys(join(dir, 'keys'), [alice, bob], { bits: 2048 });
    const creds = (uri: string) => loadPkCredentials(uri, [keys.phones.get(uri)!.certificate], keys.phones.get(uri)!.privateKey, [keys.caCertificate]);
    const context = (self: string, peer: string): KeyingContext => ({
      selfUri: self, credentials: creds(self), pskFor: (p) => (p === peer ? keys.psk : undefined),
      peerCertificate: (p) => (p === peer ? keys.phones.get(peer)!.certificate : undefined),
      crypto, random, nowMs: Date.now(), replay: new ReplayCache(3600_000),
    });
    const caller = context(alice, bob);
    const callee = context(bob, alice);
    for (const ka of ['PSK', 'PKE'] as KeyAgreement[]) {
      const steps: Record<'offer' | 'screen' | 'complete' | 'finish', number[]> = { offer: [], screen: [], complete: [], finish: [] };
      for (let i = 0; i < RUNS; i++) {
        const [offer, tOffer] = timed(() => makeOffer(ka, caller, bob, 0x1234));
        const [s, tScreen] = timed(() => screenOffer(offer.message, callee, alice));
        if ('unsupported' in s || !s.result.ok) throw new Error(`${ka} offer refused`);
        const [done, tComplete] = timed(() => (s.result as Screened).complete());
        if (!done.ok || !done.response) throw new Error(`${ka} completion failed`);
        const [, tFinish] = timed(() => offer.finish(done.response!));
        steps.offer.push(tOffer), steps.screen.push(tScreen), steps.complete.push(tComplete), steps.finish.push(tFinish);
      }
      process.stdout.write(
        `${JSON.stringify({ bench: 'call-keying', engine: 'node', keyAgreement: ka, rsaBits: 2048, offerMs: median(steps.offer), screenMs: median(steps.screen), completeMs: median(steps.complete), finishMs: median(steps.finish) })}\n`,
      );
    }
    // After the exchanges, so the engine is warm as it is in a running phone.
    const check: number[] = [];
    for (let i = 0; i < RUNS; i++) check.push(timed(() => heldPeerCertificate(caller, bob))[1]);
    process.stdout.write(`${JSON.stringify({ bench: 'pke-usable-check', engine: 'node', rsaBits: 2048, ms: median(check) })}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
