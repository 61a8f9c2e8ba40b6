// SRTP packet protection and verification (RFC 3711 §3.1, §3.3; RFC 7714 §8 for AEAD). Packets are
// processed in place in a caller's buffer, so the hot path allocates nothing beyond the views of
// the packet that the crypto entry points take.
import type { HmacSha1Key } from '../../hal/contracts.js';
import { tagMatches, writeTag } from './auth-tag.js';
import type { SrtpContext } from './context.js';
import { SrtpError } from './errors.js';

/** Bytes SRTP adds after the payload: MKI and tag (the largest a context can write). */
export function srtpTrailerLength(context: SrtpContext): number {
  return context.mki.length + context.profile.srtpTagLength;
}

/**
 * The RTP header length: 12 bytes, the CSRC list, and the header extension (RFC 3550 §5.1, §5.3.1).
 * Throws SrtpError('malformed') unless `length` bytes hold a version-2 header.
 */
export function rtpHeaderLength(packet: Uint8Array, length: number): number {
  if (length < 12) throw new SrtpError('malformed', `RTP packet of ${length} bytes is shorter than its 12-byte header`);
  if (packet[0] >>> 6 !== 2) throw new SrtpError('malformed', 'RTP version is not 2');
  let headerLength = 12 + 4 * (packet[0] & 0x0f);
  if (packet[0] & 0x10) {
    if (length < headerLength + 4) throw new SrtpError('malformed', 'RTP header extension overruns the packet');
    headerLength += 4 + 4 * ((packet[headerLength + 2] << 8) | packet[headerLength + 3]);
  }
  if (headerLength > length) throw new SrtpError('malformed', 'RTP header overruns the packet');
  return headerLength;
}

/**
 * Protects the RTP packet in buffer[0..length) in place and returns the SRTP length; the buffer
 * must have srtpTrailerLength(context) spare bytes after the packet.
 */
export function protectRtpInPlace(context: SrtpContext, buffer: Uint8Array, length: number): number {
  const headerLength = rtpHeaderLength(buffer, length);
  const profile = context.profile;
  const total = length + srtpTrailerLength(context);
  if (buffer.length < total) throw new RangeError(`buffer needs ${total} bytes for the SRTP packet`);
  const ssrc = ((buffer[8] << 24) | (buffer[9] << 16) | (buffer[10] << 8) | buffer[11]) >>> 0;
  const seq = (buffer[2] << 8) | buffer[3];
  const rollover = context.outboundRtpState(ssrc);
  const roc = rollover.guess(seq);
  if (roc > 0xffffffff) throw new SrtpError('key-lifetime', 'the SRTP index passed 2^48 (RFC 3711 §9.2)');
  if (roc < 0) throw new SrtpError('replay', 'sequence number behind the first one sent with ROC 0');
  const keys = context.srtpKeys(roc * 65536 + seq);
  const mki = context.mki;
  if (keys.aead) {
    // RFC 7714 §8: header ‖ ciphertext ‖ tag ‖ [MKI].
    keys.aead.sealRtp(buffer, headerLength, length, roc);
    buffer.set(mki, length + keys.aead.tagLength);
  } else {
    // RFC 3711 §3.1: header ‖ encrypted payload ‖ [MKI] ‖ tag over header ‖ payload ‖ ROC.
    keys.keystream!.rtpXor(buffer, headerLength, length, roc);
    buffer.set(mki, length);
    if (keys.auth) {
      writeMac(context, keys.auth, buffer, length, roc);
      writeTag(context.macScratch, buffer, length + mki.length, profile.srtpTagLength);
    }
  }
  rollover.update(seq, roc);
  return total;
}

/**
 * Verifies and decrypts the SRTP packet in buffer[0..length) in place; returns the RTP length.
 * A refused packet throws SrtpError and leaves the context unchanged (RFC 3711 §3.3).
 */
export function unprotectRtpInPlace(context: SrtpContext, buffer: Uint8Array, length: number): number {
  if (length > buffer.length) throw new RangeError(`length ${length} exceeds the ${buffer.length}-byte buffer`);
  const headerLength = rtpHeaderLength(buffer, length);
  const profile = context.profile;
  const mki = context.mki;
  const tagLength = profile.srtpTagLength;
  const end = length - mki.length - tagLength;
  if (end < headerLength) throw new SrtpError('malformed', 'SRTP packet too short for its MKI and tag');
  const mkiAt = profile.aead ? end + tagLength : end;
  for (let i = 0; i < mki.length; i++) {
    if (buffer[mkiAt + i] !== mki[i]) throw new SrtpError('mki', 'the packet carries an unknown MKI');
  }
  const ssrc = ((buffer[8] << 24) | (buffer[9] << 16) | (buffer[10] << 8) | buffer[11]) >>> 0;
  const seq = (buffer[2] << 8) | buffer[3];
  const known = context.inboundRtp.get(ssrc);
  const state = known ?? context.newInboundRtpState();
  const roc = state.rollover.guess(seq);
  if (roc < 0) throw new SrtpError('replay', 'the packet is from before the stream started');
  if (roc > 0xffffffff) throw new SrtpError('key-lifetime', 'the SRTP index passed 2^48 (RFC 3711 §9.2)');
  const index = roc * 65536 + seq;
  if (!state.replay.isFresh(index)) throw new SrtpError('replay', `SRTP index ${index} was already received or is too old`);
  const keys = context.srtpKeys(index);
  if (keys.aead) {
    if (!keys.aead.openRtp(buffer, headerLength, end, roc)) throw new SrtpError('authentication', 'AEAD tag mismatch');
  } else {
    if (keys.auth) {
      writeMac(context, keys.auth, buffer, end, roc);
      if (!tagMatches(context.macScratch, buffer, end + mki.length, tagLength)) {
        throw new SrtpError('authentication', 'HMAC-SHA1 tag mismatch');
      }
    }
    keys.keystream!.rtpXor(buffer, headerLength, end, roc);
  }
  if (!known) context.inboundRtp.set(ssrc, state);
  state.rollover.update(seq, roc);
  state.replay.accept(index);
  return end;
}

/** Copying form of protectRtpInPlace: returns a new SRTP packet. */
export function protectRtp(context: SrtpContext, rtp: Uint8Array): Uint8Array {
  const buffer = new Uint8Array(rtp.length + srtpTrailerLength(context));
  buffer.set(rtp);
  return buffer.subarray(0, protectRtpInPlace(context, buffer, rtp.length));
}

/** Copying form of unprotectRtpInPlace: returns a new RTP packet. */
export function unprotectRtp(context: SrtpContext, srtp: Uint8Array): Uint8Array {
  const buffer = srtp.slice();
  return buffer.subarray(0, unprotectRtpInPlace(context, buffer, buffer.length));
}

/** HMAC-SHA1(k_a, packet[0..end) ‖ ROC) into context.macScratch (RFC 3711 §4.2). */
function writeMac(context: SrtpContext, auth: HmacSha1Key, packet: Uint8Array, end: number, roc: number): void {
  const rocBytes = context.rocScratch;
  rocBytes[0] = roc >>> 24;
  rocBytes[1] = (roc >>> 16) & 0xff;
  rocBytes[2] = (roc >>> 8) & 0xff;
  rocBytes[3] = roc & 0xff;
  const parts = context.macParts;
  parts[0] = packet.subarray(0, end);
  auth.mac(parts, context.macScratch);
}
