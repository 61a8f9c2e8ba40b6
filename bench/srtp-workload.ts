// The SRTP benchmark's workload, pure so that it runs both in Node and bundled inside XS: protect
// then unprotect one 172-byte G.711 packet (12-byte header, 20 ms of 8 kHz audio) per iteration,
// with this engine and with a naive use of @noble that makes a new cipher and a new HMAC per packet.
import { ctr, gcm } from '@noble/ciphers/aes.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import type { Crypto } from '../hal/contracts.js';
import { SrtpContext } from '../modules/srtp/context.js';
import { deriveSessionKey } from '../modules/srtp/key-derivation.js';
import type { ProtectionProfileName } from '../modules/srtp/protection-profile.js';
import { protectRtpInPlace, srtpTrailerLength, unprotectRtpInPlace } from '../modules/srtp/srtp.js';
import { concatBytes, constantTimeEqual } from '../modules/util/bytes.js';

export const PACKET_BYTES = 172;

/** Runs `count` protect+unprotect round trips. */
export type Workload = (count: number) => void;

export interface Figure {
  impl: string;
  suite: string;
  packetsPerSecond: number;
}

function header(seq: number): Uint8Array {
  return new Uint8Array([0x80, 0x00, seq >> 8, seq & 0xff, 0, 0, (seq * 160) >> 8, (seq * 160) & 0xff, 0x12, 0x34, 0x56, 0x78]);
}

function masterKey(length: number): Uint8Array {
  return new Uint8Array(length).map((_, i) => (i * 29 + 7) & 0xff);
}

/** This engine: contexts made once, one buffer reused, in place. */
export function engineWorkload(crypto: Crypto, profile: ProtectionProfileName, keyLength: number, saltLength: number): Workload {
  const options = { profile, masterKey: masterKey(keyLength), masterSalt: masterKey(saltLength).reverse(), crypto };
  const tx = new SrtpContext(options);
  const rx = new SrtpContext(options);
  const buffer = new Uint8Array(PACKET_BYTES + srtpTrailerLength(tx));
  let seq = 0;
  return (count) => {
    for (let n = 0; n < count; n++) {
      buffer.fill(0xd5, 12, PACKET_BYTES);
      buffer.set(header(seq), 0);
      seq = (seq + 1) & 0xffff;
      const length = protectRtpInPlace(tx, buffer, PACKET_BYTES);
      if (unprotectRtpInPlace(rx, buffer, length) !== PACKET_BYTES) throw new Error('round trip failed');
    }
  };
}

function sessionKeys(keyLength: number, saltLength: number, crypto: Crypto) {
  const master = crypto.aesKey(masterKey(keyLength));
  const salt = concatBytes(masterKey(saltLength).reverse(), new Uint8Array(14 - saltLength));
  return {
    key: deriveSessionKey(master, salt, 0, 0, 6, keyLength),
    auth: deriveSessionKey(master, salt, 1, 0, 6, 20),
    salt: deriveSessionKey(master, salt, 2, 0, 6, saltLength),
  };
}

/** AES_CM_128_HMAC_SHA1_80 the naive way: a new @noble ctr and a new HMAC for every packet. */
export function naiveCmWorkload(crypto: Crypto): Workload {
  const keys = sessionKeys(16, 14, crypto);
  const iv = (seq: number) => {
    const v = new Uint8Array(16);
    v.set(keys.salt);
    v[4] ^= 0x12; v[5] ^= 0x34; v[6] ^= 0x56; v[7] ^= 0x78;
    v[12] ^= seq >> 8; v[13] ^= seq & 0xff;
    return v;
  };
  const roc = new Uint8Array(4);
  let seq = 0;
  return (count) => {
    for (let n = 0; n < count; n++) {
      const h = header(seq);
      const payload = new Uint8Array(160).fill(0xd5);
      const encrypted = ctr(keys.key, iv(seq)).encrypt(payload);
      const tag = hmac(sha1, keys.auth, concatBytes(h, encrypted, roc)).subarray(0, 10);
      const srtp = concatBytes(h, encrypted, tag);
      const body = srtp.subarray(12, srtp.length - 10);
      const check = hmac(sha1, keys.auth, concatBytes(srtp.subarray(0, 12), body, roc)).subarray(0, 10);
      if (!constantTimeEqual(check, srtp.subarray(srtp.length - 10))) throw new Error('tag mismatch');
      if (ctr(keys.key, iv(seq)).decrypt(body).length !== 160) throw new Error('round trip failed');
      seq = (seq + 1) & 0xffff;
    }
  };
}

/** AEAD_AES_128_GCM the naive way: a new @noble gcm per packet. */
export function naiveGcmWorkload(crypto: Crypto): Workload {
  const keys = sessionKeys(16, 12, crypto);
  const nonce = (seq: number) => {
    const v = keys.salt.slice();
    v[2] ^= 0x12; v[3] ^= 0x34; v[4] ^= 0x56; v[5] ^= 0x78;
    v[10] ^= seq >> 8; v[11] ^= seq & 0xff;
    return v;
  };
  let seq = 0;
  return (count) => {
    for (let n = 0; n < count; n++) {
      const h = header(seq);
      const payload = new Uint8Array(160).fill(0xd5);
      const srtp = concatBytes(h, gcm(keys.key, nonce(seq), h).encrypt(payload));
      if (gcm(keys.key, nonce(seq), srtp.subarray(0, 12)).decrypt(srtp.subarray(12)).length !== 160) throw new Error('round trip failed');
      seq = (seq + 1) & 0xffff;
    }
  };
}

/** Packets per second of `work`, timed with `now` (ms) over at least `minMs`. */
export function measure(work: Workload, now: () => number, minMs: number): number {
  let count = 0;
  let batch = 20;
  const start = now();
  let elapsed = 0;
  while (elapsed < minMs) {
    work(batch);
    count += batch;
    elapsed = now() - start;
    if (elapsed < minMs / 4) batch *= 2;
  }
  return (count * 1000) / elapsed;
}

/** One contender: what it is, and a function that measures one round of it in packets per second. */
export interface Contender {
  figure: Omit<Figure, 'packetsPerSecond'>;
  round: () => number;
}

/**
 * The best rate of each contender over `rounds` interleaved rounds, so that a machine busy with
 * other work skews every figure alike rather than one of them.
 */
export function bestOf(contenders: readonly Contender[], rounds: number): Figure[] {
  const best = contenders.map(() => 0);
  for (let r = 0; r < rounds; r++) {
    contenders.forEach((c, i) => {
      best[i] = Math.max(best[i], c.round());
    });
  }
  return contenders.map((c, i) => ({ ...c.figure, packetsPerSecond: best[i] }));
}

/** A JS workload as a contender: one round is `roundMs` of it, after a short warm-up. */
export function timed(figure: Contender['figure'], work: Workload, now: () => number, roundMs: number): Contender {
  work(20);
  return { figure, round: () => measure(work, now, roundMs) };
}

const CM = 'AES_CM_128_HMAC_SHA1_80';
const AEAD = 'AEAD_AES_128_GCM';

/** This engine and the naive @noble use, for AES_CM_128_HMAC_SHA1_80 and AEAD_AES_128_GCM. */
export function engineAndNaive(crypto: Crypto, now: () => number, roundMs: number): Contender[] {
  return [
    timed({ impl: 'engine', suite: CM }, engineWorkload(crypto, CM, 16, 14), now, roundMs),
    timed({ impl: 'naive-noble', suite: CM }, naiveCmWorkload(crypto), now, roundMs),
    timed({ impl: 'engine', suite: AEAD }, engineWorkload(crypto, AEAD, 16, 12), now, roundMs),
    timed({ impl: 'naive-noble', suite: AEAD }, naiveGcmWorkload(crypto), now, roundMs),
  ];
}

/** This engine on another crypto provider, named `impl`, for the same two suites. */
export function engineOn(impl: string, crypto: Crypto, now: () => number, roundMs: number): Contender[] {
  return [
    timed({ impl, suite: CM }, engineWorkload(crypto, CM, 16, 14), now, roundMs),
    timed({ impl, suite: AEAD }, engineWorkload(crypto, AEAD, 16, 12), now, roundMs),
  ];
}
