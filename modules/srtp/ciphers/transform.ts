// The two shapes of SRTP encryption transform (RFC 3711 §4.1, RFC 7714 §7): a keystream cipher
// with a separate HMAC, or an AEAD cipher whose tag authenticates the packet.

/** AES-CM, AES-f8 and the NULL cipher: a keystream XORed in place, the same both ways. */
export interface KeystreamCipher {
  /** Encrypts or decrypts packet[headerLength..end) of an RTP packet whose rollover counter is `roc`. */
  rtpXor(packet: Uint8Array, headerLength: number, end: number, roc: number): void;
  /** Encrypts or decrypts packet[8..end) of an RTCP packet; `eIndex` is the E bit ‖ 31-bit SRTCP index. */
  rtcpXor(packet: Uint8Array, end: number, eIndex: number): void;
}

/** AES-GCM (RFC 7714): the tag is written at `end` when sealing, read from `end` when opening. */
export interface AeadCipher {
  readonly tagLength: number;
  sealRtp(packet: Uint8Array, headerLength: number, end: number, roc: number): void;
  /** Verifies the tag at packet[end..end+tagLength); decrypts in place only when it verifies. */
  openRtp(packet: Uint8Array, headerLength: number, end: number, roc: number): boolean;
  sealRtcp(packet: Uint8Array, end: number, eIndex: number): void;
  openRtcp(packet: Uint8Array, end: number, eIndex: number): boolean;
}

/** Reads the big-endian 32-bit word at `offset`. */
export function readU32(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3]) >>> 0;
}

/** XORs the big-endian 32-bit `value` into bytes[offset..offset+4). */
export function xorU32(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] ^= value >>> 24;
  bytes[offset + 1] ^= (value >>> 16) & 0xff;
  bytes[offset + 2] ^= (value >>> 8) & 0xff;
  bytes[offset + 3] ^= value & 0xff;
}
