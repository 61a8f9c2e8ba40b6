// AES in f8 mode for SRTP and SRTCP (RFC 3711 §4.1.2), built on single-block encryption.
import type { AesKey, Crypto } from '../../../hal/contracts.js';
import type { KeystreamCipher } from './transform.js';

export class AesF8Cipher implements KeystreamCipher {
  private readonly key: AesKey;
  /** AES under k_e XOR m, m = k_s ‖ 0x555… padded to the key length (RFC 3711 §4.1.2.1). */
  private readonly maskedKey: AesKey;
  private readonly iv = new Uint8Array(16);
  private readonly ivPrime = new Uint8Array(16);
  private readonly stream = new Uint8Array(16);

  constructor(crypto: Crypto, sessionKey: Uint8Array, sessionSalt: Uint8Array) {
    this.key = crypto.aesKey(sessionKey);
    const masked = new Uint8Array(sessionKey.length).fill(0x55);
    masked.set(sessionSalt.subarray(0, Math.min(sessionSalt.length, masked.length)));
    for (let i = 0; i < masked.length; i++) masked[i] ^= sessionKey[i];
    this.maskedKey = crypto.aesKey(masked);
  }

  /** IV = 0x00 ‖ M ‖ PT ‖ SEQ ‖ TS ‖ SSRC ‖ ROC (RFC 3711 §4.1.2.2). */
  rtpXor(packet: Uint8Array, headerLength: number, end: number, roc: number): void {
    const iv = this.iv;
    iv[0] = 0;
    for (let i = 1; i < 12; i++) iv[i] = packet[i];
    iv[12] = roc >>> 24;
    iv[13] = (roc >>> 16) & 0xff;
    iv[14] = (roc >>> 8) & 0xff;
    iv[15] = roc & 0xff;
    this.xor(packet, headerLength, end);
  }

  /** IV = 0 (32 bits) ‖ E ‖ SRTCP index ‖ V ‖ P ‖ RC ‖ PT ‖ length ‖ SSRC (RFC 3711 §4.1.2.3). */
  rtcpXor(packet: Uint8Array, end: number, eIndex: number): void {
    const iv = this.iv;
    iv[0] = iv[1] = iv[2] = iv[3] = 0;
    iv[4] = eIndex >>> 24;
    iv[5] = (eIndex >>> 16) & 0xff;
    iv[6] = (eIndex >>> 8) & 0xff;
    iv[7] = eIndex & 0xff;
    for (let i = 0; i < 8; i++) iv[8 + i] = packet[i];
    this.xor(packet, 8, end);
  }

  /** IV' = E(k_e XOR m, IV); S(j) = E(k_e, IV' XOR j XOR S(j-1)), S(-1) = 0 (RFC 3711 §4.1.2). */
  private xor(packet: Uint8Array, start: number, end: number): void {
    const ivPrime = this.ivPrime;
    const stream = this.stream;
    this.maskedKey.encryptBlock(this.iv, ivPrime);
    stream.fill(0);
    for (let j = 0, offset = start; offset < end; j++, offset += 16) {
      for (let i = 0; i < 12; i++) stream[i] ^= ivPrime[i];
      stream[12] ^= ivPrime[12] ^ (j >>> 24);
      stream[13] ^= ivPrime[13] ^ ((j >>> 16) & 0xff);
      stream[14] ^= ivPrime[14] ^ ((j >>> 8) & 0xff);
      stream[15] ^= ivPrime[15] ^ (j & 0xff);
      this.key.encryptBlock(stream, stream);
      const n = Math.min(16, end - offset);
      for (let i = 0; i < n; i++) packet[offset + i] ^= stream[i];
    }
  }
}
