// AES in Segmented Integer Counter mode for SRTP and SRTCP (RFC 3711 §4.1.1, RFC 6188 §3).
import type { AesKey } from '../../../hal/contracts.js';
import { readU32, xorU32, type KeystreamCipher } from './transform.js';

export class AesCmCipher implements KeystreamCipher {
  private readonly key: AesKey;
  private readonly salt: Uint8Array;
  private readonly iv = new Uint8Array(16);

  /** `key` is the session key schedule, `salt` the 14-byte session salt k_s. */
  constructor(key: AesKey, salt: Uint8Array) {
    this.key = key;
    this.salt = salt;
  }

  /** IV = (k_s · 2^16) XOR (SSRC · 2^64) XOR (i · 2^16), i = 2^16 · ROC + SEQ (RFC 3711 §4.1.1). */
  rtpXor(packet: Uint8Array, headerLength: number, end: number, roc: number): void {
    const iv = this.iv;
    iv.set(this.salt);
    iv[14] = 0;
    iv[15] = 0;
    xorU32(iv, 4, readU32(packet, 8));
    xorU32(iv, 8, roc);
    iv[12] ^= packet[2];
    iv[13] ^= packet[3];
    this.key.ctrXor(iv, packet.subarray(headerLength, end));
  }

  /** The same IV with i = the 31-bit SRTCP index (RFC 3711 §4.1.1, §3.4). */
  rtcpXor(packet: Uint8Array, end: number, eIndex: number): void {
    const iv = this.iv;
    iv.set(this.salt);
    iv[14] = 0;
    iv[15] = 0;
    xorU32(iv, 4, readU32(packet, 4));
    xorU32(iv, 10, eIndex & 0x7fffffff);
    this.key.ctrXor(iv, packet.subarray(8, end));
  }
}
