// Cost of the MIKEY core in Node (issue 3): decoding a public MIKEY-NULL message, and a PSK
// exchange per side (offer, respond, check the verification message). Median microseconds per
// operation over 5 batches.
import { nobleCrypto as crypto } from '../hal/noble-crypto.js';
import type { Random } from '../hal/contracts.js';
import { decodeMessage } from '../modules/mikey/codec.js';
import { pskCheckResponse, pskOffer, pskRespond } from '../modules/mikey/psk.js';
import { ReplayCache } from '../modules/mikey/replay-cache.js';
import { suitePolicy } from '../modules/mikey/srtp-policy.js';
import { fromHex } from '../modules/util/bytes.js';

const NULL_MESSAGE = fromHex('01000500496ae1220100003acc2ceb000000000b00edde661d5532a9cb0a10ff589e7877ac80294bae2ce4634339be010000001e00010101011002010103011404010e0501000701010801010a01010b010a000000270021001ea67335a9c40b0ad5cc519f229978611382b7edbd4f4cc6a5dd684381db2c040000000100');
const BATCH = 200;

let counter = 0;
const random: Random = { bytes: (n) => Uint8Array.from({ length: n }, () => (counter = (counter * 1103515245 + 12345) >>> 0) >>> 24) };

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

function measure(op: () => void): number {
  const batches: number[] = [];
  for (let b = 0; b < 5; b++) {
    const start = performance.now();
    for (let i = 0; i < BATCH; i++) op();
    batches.push(((performance.now() - start) * 1000) / BATCH);
  }
  return Math.round(median(batches) * 10) / 10;
}

export default async function run(): Promise<void> {
  const psk = new Uint8Array(16).fill(7);
  const nowMs = Date.now();
  const env = { crypto, random, nowMs };
  const request = { psk, sessions: [{ policy: 0, ssrc: 1, roc: 0 }], policies: [suitePolicy(0, 'AES_CM_128_HMAC_SHA1_80')], v: true };
  const offer = pskOffer(request, env);
  const answer = pskRespond(offer.bytes, { pskFor: () => psk, replay: new ReplayCache(3600_000) }, env);
  if (!answer.ok || !answer.response) throw new Error('PSK exchange failed');
  const results = {
    decodeNullUs: measure(() => decodeMessage(NULL_MESSAGE)),
    pskOfferUs: measure(() => pskOffer(request, env)),
    // A fresh cache each time: the same offer would otherwise be a replay.
    pskRespondUs: measure(() => pskRespond(offer.bytes, { pskFor: () => psk, replay: new ReplayCache(3600_000) }, env)),
    pskCheckResponseUs: measure(() => pskCheckResponse(offer, answer.response!, env)),
  };
  process.stdout.write(`${JSON.stringify({ bench: 'mikey-psk', engine: 'node', ...results })}\n`);
}
