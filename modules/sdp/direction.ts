// The direction of a media stream (RFC 3264 §5.1, RFC 4566 §6): sendrecv, sendonly, recvonly or
// inactive, at media level or else at session level, sendrecv when neither says. Hold puts a
// stream sendonly (or inactive), and the answer mirrors the offer (RFC 3264 §6.1, §8.4).
import type { MediaDescription, SessionDescription } from './session-description.js';

export const DIRECTIONS = ['sendrecv', 'sendonly', 'recvonly', 'inactive'] as const;
export type Direction = (typeof DIRECTIONS)[number];

function isDirection(name: string): name is Direction {
  return (DIRECTIONS as readonly string[]).includes(name);
}

/**
 * The direction of `media` as its description says. Media level wins over session level
 * (RFC 4566 §6); with no direction attribute at either, the stream is sendrecv (RFC 3264 §5.1).
 * More than one direction attribute at one level is a malformed description: RangeError.
 */
export function mediaDirection(sdp: SessionDescription, media: MediaDescription): Direction {
  for (const level of [media.attributes, sdp.attributes]) {
    const found = level.map((a) => a.name).filter(isDirection);
    if (found.length > 1) throw new RangeError(`conflicting direction attributes: ${found.join(', ')}`);
    if (found.length === 1) return found[0];
  }
  return 'sendrecv';
}

/** What a direction lets the side that wrote it do. */
export function flows(direction: Direction): { readonly send: boolean; readonly receive: boolean } {
  return { send: direction === 'sendrecv' || direction === 'sendonly', receive: direction === 'sendrecv' || direction === 'recvonly' };
}

/** The direction for what one side wants to do. */
export function directionFor(send: boolean, receive: boolean): Direction {
  return send ? (receive ? 'sendrecv' : 'sendonly') : receive ? 'recvonly' : 'inactive';
}

/**
 * The answer's direction to an offered one (RFC 3264 §6.1): the answerer may send only what the
 * offerer receives and receive only what it sends, and narrows that further by what it wants
 * itself (`wantSend` false while this side holds the call).
 */
export function answerDirection(offered: Direction, wantSend: boolean, wantReceive: boolean): Direction {
  const o = flows(offered);
  return directionFor(o.receive && wantSend, o.send && wantReceive);
}
