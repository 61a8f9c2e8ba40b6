// AES-GCM for SRTP and SRTCP (RFC 7714 §7-9), on the HAL's AES block and counter entry points plus
// GHASH (./ghash.ts): E(K, J0) for the tag mask, CTR from inc32(J0) for the text (SP 800-38D §7).
import type { AesKey } from '../../../hal/contracts.js';
import { constantTimeEqual } from '../../util/bytes.js';
import { Ghash } from './ghash.js';
import { readU32, xorU32, type AeadCipher } from './transform.js';

const TAG = 16;

export class AesGcmCipher implements AeadCipher {
  readonly tagLength = TAG;
  private readonly key: AesKey;
  private readonly salt: Uint8Array;
  private readonly ghash: Ghash;
  private readonly j0 = new Uint8Array(16);
  private readonly counter = new Uint8Array(16);
  private readonly mask = new Uint8Array(16);
  private readonly tag = new Uint8Array(TAG);
  private readonly aad = new Uint8Array(12);

  /** `key` is the session key schedule, `salt` the 12-byte session salt. */
  constructor(key: AesKey, salt: Uint8Array) {
    this.key = key;
    this.salt = salt;
    const h = new Uint8Array(16);
    key.encryptBlock(h, h);
    this.ghash = new Ghash(h);
  }

  /** IV = (0x0000 ‖ SSRC ‖ ROC ‖ SEQ) XOR salt (RFC 7714 §8.1); AAD = the RTP header (§8.2). */
  sealRtp(packet: Uint8Array, headerLength: number, end: number, roc: number): void {
    this.rtpNonce(packet, roc);
    this.key.ctrXor(this.counter, packet.subarray(headerLength, end));
    this.computeTag(packet, 0, headerLength, packet, headerLength, end);
    packet.set(this.tag, end);
  }

  openRtp(packet: Uint8Array, headerLength: number, end: number, roc: number): boolean {
    this.rtpNonce(packet, roc);
    this.computeTag(packet, 0, headerLength, packet, headerLength, end);
    if (!constantTimeEqual(this.tag, packet.subarray(end, end + TAG))) return false;
    this.key.ctrXor(this.counter, packet.subarray(headerLength, end));
    return true;
  }

  /**
   * IV = (0x0000 ‖ SSRC ‖ 0x0000 ‖ 0 ‖ SRTCP index) XOR salt (RFC 7714 §9.1); AAD = the first 8
   * octets ‖ E ‖ SRTCP index (§9.2).
   */
  sealRtcp(packet: Uint8Array, end: number, eIndex: number): void {
    this.rtcpNonce(packet, eIndex);
    this.key.ctrXor(this.counter, packet.subarray(8, end));
    this.computeTag(this.aad, 0, 12, packet, 8, end);
    packet.set(this.tag, end);
  }

  openRtcp(packet: Uint8Array, end: number, eIndex: number): boolean {
    this.rtcpNonce(packet, eIndex);
    this.computeTag(this.aad, 0, 12, packet, 8, end);
    if (!constantTimeEqual(this.tag, packet.subarray(end, end + TAG))) return false;
    this.key.ctrXor(this.counter, packet.subarray(8, end));
    return true;
  }

  private rtpNonce(packet: Uint8Array, roc: number): void {
    const j0 = this.j0;
    j0.set(this.salt);
    xorU32(j0, 2, readU32(packet, 8));
    xorU32(j0, 6, roc);
    j0[10] ^= packet[2];
    j0[11] ^= packet[3];
    this.startCounters();
  }

  private rtcpNonce(packet: Uint8Array, eIndex: number): void {
    const j0 = this.j0;
    j0.set(this.salt);
    xorU32(j0, 2, readU32(packet, 4));
    xorU32(j0, 8, eIndex & 0x7fffffff);
    const aad = this.aad;
    for (let i = 0; i < 8; i++) aad[i] = packet[i];
    aad[8] = eIndex >>> 24;
    aad[9] = (eIndex >>> 16) & 0xff;
    aad[10] = (eIndex >>> 8) & 0xff;
    aad[11] = eIndex & 0xff;
    this.startCounters();
  }

  /** J0 = IV ‖ 0^31 ‖ 1 for a 96-bit IV; the text counter starts at inc32(J0) (SP 800-38D §7.1). */
  private startCounters(): void {
    const j0 = this.j0;
    j0[12] = 0;
    j0[13] = 0;
    j0[14] = 0;
    j0[15] = 1;
    this.counter.set(j0);
    this.counter[15] = 2;
    this.key.encryptBlock(j0, this.mask);
  }

  /** T = GHASH(A, C) XOR E(K, J0) (SP 800-38D §7.1 steps 5-6). */
  private computeTag(a: Uint8Array, aStart: number, aEnd: number, c: Uint8Array, cStart: number, cEnd: number): void {
    const ghash = this.ghash;
    ghash.reset();
    ghash.update(a, aStart, aEnd);
    ghash.update(c, cStart, cEnd);
    ghash.finish(aEnd - aStart, cEnd - cStart, this.tag);
    for (let i = 0; i < TAG; i++) this.tag[i] ^= this.mask[i];
  }
}
