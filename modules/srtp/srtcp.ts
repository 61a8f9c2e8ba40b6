// SRTCP packet protection and verification (RFC 3711 §3.4; RFC 7714 §9 for AEAD). The SRTCP tag is
// the profile's srtcpTagLength: 80 bits for the _32 suites too.
import { tagMatches, writeTag } from './auth-tag.js';
import type { SrtpContext } from './context.js';
import { SrtpError } from './errors.js';
import { ReplayWindow } from './replay-window.js';

const E_BIT = 0x80000000;
/** The SRTCP index is 31 bits; 2^31 packets is a master key's SRTCP lifetime (RFC 3711 §9.2). */
const MAX_INDEX = 0x7fffffff;

/** Bytes SRTCP adds after the compound packet: E ‖ index, MKI and tag. */
export function srtcpTrailerLength(context: SrtpContext): number {
  return 4 + context.mki.length + context.profile.srtcpTagLength;
}

function checkRtcpHeader(packet: Uint8Array, length: number): void {
  if (length < 8) throw new SrtpError('malformed', `RTCP packet of ${length} bytes is shorter than its 8-byte header`);
  if (packet[0] >>> 6 !== 2) throw new SrtpError('malformed', 'RTCP version is not 2');
}

function ssrcOf(packet: Uint8Array): number {
  return ((packet[4] << 24) | (packet[5] << 16) | (packet[6] << 8) | packet[7]) >>> 0;
}

/**
 * Protects the compound RTCP packet in buffer[0..length) in place and returns the SRTCP length;
 * the buffer must have srtcpTrailerLength(context) spare bytes.
 */
export function protectRtcpInPlace(context: SrtpContext, buffer: Uint8Array, length: number): number {
  checkRtcpHeader(buffer, length);
  const profile = context.profile;
  const total = length + srtcpTrailerLength(context);
  if (buffer.length < total) throw new RangeError(`buffer needs ${total} bytes for the SRTCP packet`);
  const ssrc = ssrcOf(buffer);
  const index = context.outboundRtcp.get(ssrc) ?? 0;
  if (index > MAX_INDEX) throw new SrtpError('key-lifetime', 'the SRTCP index passed 2^31 (RFC 3711 §9.2)');
  const keys = context.srtcpKeys(index);
  const mki = context.mki;
  const eIndex = profile.cipher === 'NULL' ? index : (E_BIT | index) >>> 0;
  if (keys.aead) {
    // RFC 7714 §9: header ‖ ciphertext ‖ tag ‖ E ‖ index ‖ [MKI].
    keys.aead.sealRtcp(buffer, length, eIndex);
    const at = length + keys.aead.tagLength;
    writeU32(buffer, at, eIndex);
    buffer.set(mki, at + 4);
  } else {
    // RFC 3711 §3.4: header ‖ encrypted rest ‖ E ‖ index ‖ [MKI] ‖ tag over all before the MKI.
    keys.keystream!.rtcpXor(buffer, length, eIndex);
    writeU32(buffer, length, eIndex);
    buffer.set(mki, length + 4);
    if (keys.auth) {
      const parts = context.rtcpMacParts;
      parts[0] = buffer.subarray(0, length + 4);
      keys.auth.mac(parts, context.macScratch);
      writeTag(context.macScratch, buffer, length + 4 + mki.length, profile.srtcpTagLength);
    }
  }
  context.outboundRtcp.set(ssrc, index + 1);
  return total;
}

/** Verifies and decrypts the SRTCP packet in buffer[0..length) in place; returns the RTCP length. */
export function unprotectRtcpInPlace(context: SrtpContext, buffer: Uint8Array, length: number): number {
  if (length > buffer.length) throw new RangeError(`length ${length} exceeds the ${buffer.length}-byte buffer`);
  checkRtcpHeader(buffer, length);
  const profile = context.profile;
  const mki = context.mki;
  const tagLength = profile.srtcpTagLength;
  const end = length - srtcpTrailerLength(context);
  if (end < 8) throw new SrtpError('malformed', 'SRTCP packet too short for its index, MKI and tag');
  const indexAt = profile.aead ? end + tagLength : end;
  const mkiAt = indexAt + 4;
  for (let i = 0; i < mki.length; i++) {
    if (buffer[mkiAt + i] !== mki[i]) throw new SrtpError('mki', 'the packet carries an unknown MKI');
  }
  const eIndex = ((buffer[indexAt] << 24) | (buffer[indexAt + 1] << 16) | (buffer[indexAt + 2] << 8) | buffer[indexAt + 3]) >>> 0;
  const encrypted = eIndex >= E_BIT;
  const index = eIndex & MAX_INDEX;
  const ssrc = ssrcOf(buffer);
  const known = context.inboundRtcp.get(ssrc);
  const replay = known ?? new ReplayWindow(context.replayWindow);
  if (!replay.isFresh(index)) throw new SrtpError('replay', `SRTCP index ${index} was already received or is too old`);
  const keys = context.srtcpKeys(index);
  if (keys.aead) {
    // RFC 7714 §9.3 lets E = 0 make the whole packet AAD; this engine always encrypts and refuses it.
    if (!encrypted) throw new SrtpError('malformed', 'unencrypted AEAD SRTCP is not supported');
    if (!keys.aead.openRtcp(buffer, end, eIndex)) throw new SrtpError('authentication', 'AEAD tag mismatch');
  } else {
    if (keys.auth) {
      const parts = context.rtcpMacParts;
      parts[0] = buffer.subarray(0, end + 4);
      keys.auth.mac(parts, context.macScratch);
      if (!tagMatches(context.macScratch, buffer, mkiAt + mki.length, tagLength)) {
        throw new SrtpError('authentication', 'HMAC-SHA1 tag mismatch');
      }
    }
    if (encrypted) keys.keystream!.rtcpXor(buffer, end, eIndex);
  }
  if (!known) context.inboundRtcp.set(ssrc, replay);
  replay.accept(index);
  return end;
}

/** Copying form of protectRtcpInPlace. */
export function protectRtcp(context: SrtpContext, rtcp: Uint8Array): Uint8Array {
  const buffer = new Uint8Array(rtcp.length + srtcpTrailerLength(context));
  buffer.set(rtcp);
  return buffer.subarray(0, protectRtcpInPlace(context, buffer, rtcp.length));
}

/** Copying form of unprotectRtcpInPlace. */
export function unprotectRtcp(context: SrtpContext, srtcp: Uint8Array): Uint8Array {
  const buffer = srtcp.slice();
  return buffer.subarray(0, unprotectRtcpInPlace(context, buffer, buffer.length));
}

function writeU32(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value >>> 24;
  bytes[offset + 1] = (value >>> 16) & 0xff;
  bytes[offset + 2] = (value >>> 8) & 0xff;
  bytes[offset + 3] = value & 0xff;
}
