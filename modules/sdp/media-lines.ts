// Descriptions with more than one m= line, as the seed paper's offer (Fig. 6, 7): one m=audio
// RTP/SAVP line keyed by MIKEY (or SDES) and one plain RTP/AVP line, of which the answer takes one
// and disables the other with port 0 (RFC 3264 §6). The phone decides and keys one line at a time:
// `oneLine` gives the description of one line alone, `withLines` puts a one-line answer or offer
// back into the m= line layout of the exchange (same count and order, RFC 3264 §6, §8).
import { CRYPTO } from './crypto-attr.js';
import { KEY_MGMT } from './key-mgmt.js';
import type { MediaDescription, SessionDescription } from './session-description.js';

/** What an m= line of the exchange was offered as: kept to answer it, or to re-offer it, disabled. */
export interface OfferedLine {
  readonly media: string;
  readonly protocol: string;
  readonly formats: readonly string[];
}

/** The m= lines of an exchange and the index of the one the call uses; the others are at port 0. */
export interface LineLayout {
  readonly lines: readonly OfferedLine[];
  readonly taken: number;
}

/** RTP/SAVP and RTP/SAVPF carry SRTP (RFC 3711 §12, RFC 5124); anything else is not protected. */
export function isSecureProtocol(protocol: string): boolean {
  return protocol === 'RTP/SAVP' || protocol === 'RTP/SAVPF';
}

/** The audio stream a description gives: its first m=audio line not disabled, else its first m=audio line. */
export function activeAudio(sdp: SessionDescription): MediaDescription | undefined {
  return sdp.media.find((m) => m.media === 'audio' && m.port !== 0) ?? sdp.media.find((m) => m.media === 'audio');
}

/** Indexes of the m=audio lines not disabled (port 0 disables a stream, RFC 3264 §6). */
export function enabledAudioLines(sdp: SessionDescription): number[] {
  return sdp.media.flatMap((m, i) => (m.media === 'audio' && m.port !== 0 ? [i] : []));
}

/**
 * The description of m= line `index` alone. A session-level a=key-mgmt keys every stream
 * (RFC 4567 §3.1), which means nothing for a plain RTP/AVP one: a plain line is given without it.
 */
export function oneLine(sdp: SessionDescription, index: number): SessionDescription {
  const line = sdp.media[index];
  if (!line) throw new RangeError(`no m= line ${index + 1}`);
  const attributes = isSecureProtocol(line.protocol) ? sdp.attributes : sdp.attributes.filter((a) => a.name !== KEY_MGMT);
  return { ...sdp, attributes, media: [line] };
}

/** An m= line disabled: port 0, the offered media, protocol and formats, nothing else (RFC 3264 §6). */
function disabled(line: OfferedLine): MediaDescription {
  return { media: line.media, port: 0, protocol: line.protocol, formats: [...line.formats], bandwidths: [], attributes: [], other: [] };
}

/**
 * The one-line description `single` as line `layout.taken` of the layout, every other line
 * disabled. Its session-level a=key-mgmt goes to the line it keys, as the seed paper draws it.
 */
export function withLines(single: SessionDescription, layout: LineLayout): SessionDescription {
  const own = single.media[0];
  if (!own || single.media.length !== 1) throw new RangeError('a one-line description is expected');
  const keyMgmt = single.attributes.filter((a) => a.name === KEY_MGMT);
  const taken: MediaDescription = { ...own, attributes: [...keyMgmt, ...own.attributes] };
  return {
    ...single,
    attributes: single.attributes.filter((a) => a.name !== KEY_MGMT),
    media: layout.lines.map((l, i) => (i === layout.taken ? taken : disabled(l))),
  };
}

/** The m= lines of a description as a layout to answer or re-offer (`taken` is the call's line). */
export function layoutOf(sdp: SessionDescription, taken: number): LineLayout {
  return { lines: sdp.media.map((m) => ({ media: m.media, protocol: m.protocol, formats: m.formats })), taken };
}

/**
 * The line of our offer (`offered`) that the peer's answer took. The answer has as many m= lines
 * as the offer (RFC 3264 §6) and enables exactly one audio line: RangeError for none or for two
 * (two audio streams at once are never run). An answer with one m= line only (a peer that
 * ignores the second line, as a fixed SIPp scenario does) is matched to the offered line of
 * its protocol. Returns the offered line's index and the answer's line.
 */
export function takenLine(answer: SessionDescription, offered: LineLayout): { readonly index: number; readonly line: number } {
  const enabled = enabledAudioLines(answer);
  if (enabled.length === 0) throw new RangeError('the answer disables every audio line');
  if (enabled.length > 1) throw new RangeError('the answer takes two audio lines at once');
  const line = enabled[0];
  if (answer.media.length === offered.lines.length) {
    if (answer.media[line].protocol !== offered.lines[line].protocol) throw new RangeError(`the answer's line ${line + 1} changes ${offered.lines[line].protocol} to ${answer.media[line].protocol}`);
    return { index: line, line };
  }
  if (answer.media.length !== 1) throw new RangeError(`the answer has ${answer.media.length} m= lines for ${offered.lines.length} offered`);
  const index = offered.lines.findIndex((l) => l.media === 'audio' && l.protocol === answer.media[0].protocol);
  if (index < 0) throw new RangeError(`the answer's ${answer.media[0].protocol} was not offered`);
  return { index, line };
}

/**
 * The seed paper's offer (Fig. 6, 7) from a one-line keyed RTP/SAVP offer: that line, then the
 * same stream as plain RTP/AVP on the same port, without keys, for a peer without SRTP. The
 * a=key-mgmt goes on the line it keys (at session level it would key both, RFC 4567 §3.1).
 */
export function withPlainFallback(keyed: SessionDescription): SessionDescription {
  const line = keyed.media[0];
  if (!line || keyed.media.length !== 1 || !isSecureProtocol(line.protocol)) throw new RangeError('a one-line RTP/SAVP offer is expected');
  const plain: MediaDescription = { ...line, protocol: 'RTP/AVP', attributes: line.attributes.filter((a) => a.name !== CRYPTO) };
  const secure = withLines(keyed, { lines: [line], taken: 0 });
  return { ...secure, media: [secure.media[0], plain] };
}
