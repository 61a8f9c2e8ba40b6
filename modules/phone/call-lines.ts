// An offer with more than one m= line, as the seed paper draws it (Fig. 6, 7): an RTP/SAVP line
// keyed by MIKEY (or SDES a=crypto) and a plain RTP/AVP fallback. The callee takes one audio line
// and disables every other with port 0 (RFC 3264 §6): a protected line first, decided as a
// one-line offer would be (call-incoming.ts), else a plain one if the SRTP mode allows it. Never
// two audio streams at once.
import { parseSdp, type SessionDescription } from '../sdp/session-description.js';
import { enabledAudioLines, isSecureProtocol, layoutOf, oneLine, type LineLayout } from '../sdp/media-lines.js';
import { decideDescription, type IncomingContext, type IncomingOffer, type IncomingRefusal } from './call-incoming.js';

/** An offer taken: the answer carries the offer's m= lines, `lines.taken` the one answered. */
export type LinesOffer = IncomingOffer & { readonly lines?: LineLayout };

/**
 * Decides on the offer `body`. One m= line: as call-incoming.ts does. More: each enabled audio
 * line is tried alone, protected lines before plain ones (in offer order within each), and the
 * first one taken is the call's. A protected line refused with this phone's table in the 488
 * (the caller can re-offer a key agreement both can use, seed §2.1.3) is not passed over for a
 * plain line: that would settle below what the two phones share. With no line taken, the first
 * refusal is the answer (488).
 */
export function decideLines(ctx: IncomingContext, callId: string, from: string, body: string): LinesOffer | IncomingRefusal {
  let sdp: SessionDescription;
  try {
    sdp = parseSdp(body);
  } catch (e) {
    ctx.hal.log(`incoming call ${callId}: ${(e as Error).message}`);
    return { refused: 488, body: '' };
  }
  if (sdp.media.length <= 1) return decideDescription(ctx, callId, from, sdp);
  const enabled = enabledAudioLines(sdp);
  const order = [...enabled.filter((i) => isSecureProtocol(sdp.media[i].protocol)), ...enabled.filter((i) => !isSecureProtocol(sdp.media[i].protocol))];
  let first: IncomingRefusal | undefined;
  for (const i of order) {
    const decided = decideDescription(ctx, callId, from, oneLine(sdp, i));
    if (!('refused' in decided)) {
      ctx.hal.log(`incoming call ${callId}: taking m= line ${i + 1} of ${sdp.media.length} (${sdp.media[i].protocol}); the others at port 0`);
      return { ...decided, lines: layoutOf(sdp, i) };
    }
    first ??= decided;
    if (decided.body !== '' && isSecureProtocol(sdp.media[i].protocol)) return decided;
  }
  if (!first) ctx.hal.log(`incoming call ${callId} refused: no audio line enabled`);
  return first ?? { refused: 488, body: '' };
}
