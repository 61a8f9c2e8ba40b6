// The sound of a decrypted stream: its G.711 packets (PCMU 0, PCMA 8; RFC 3551 §4.5.14) decoded to
// 8 kHz 16-bit samples, each placed at its RTP timestamp (RFC 3550 §5.1) from the first one, so that
// lost packets and silences become silence. Other payload types are left out.
import { parseRtp } from '../../audio/rtp.js';
import { decodeG711, G711_PAYLOAD_TYPE, type G711Law } from '../../audio/g711.js';
import type { DecryptedPacket } from './srtp-stream.js';

/** Bound on a stream's length: 4 hours at 8 kHz. A timestamp further away is left out. */
export const MAX_SAMPLES = 4 * 3600 * 8000;

const LAWS = new Map<number, G711Law>(Object.entries(G711_PAYLOAD_TYPE).map(([law, pt]) => [pt, law as G711Law]));

export function streamAudio(packets: readonly DecryptedPacket[]): Int16Array {
  const pieces: { at: number; samples: Int16Array }[] = [];
  let origin: number | undefined;
  let length = 0;
  for (const p of [...packets].sort((a, b) => a.index - b.index)) {
    let rtp;
    try {
      rtp = parseRtp(p.rtp);
    } catch {
      continue;
    }
    const law = LAWS.get(rtp.payloadType);
    if (!law) continue;
    origin ??= rtp.timestamp;
    const at = (rtp.timestamp - origin) >>> 0;
    if (at + rtp.payload.length > MAX_SAMPLES) continue;
    pieces.push({ at, samples: decodeG711(law, rtp.payload) });
    length = Math.max(length, at + rtp.payload.length);
  }
  const out = new Int16Array(length);
  for (const { at, samples } of pieces) out.set(samples, at);
  return out;
}
