// The device media path, timed (issue 12): per 20 ms frame pair, what one phone does in a call —
// a captured frame G.711-encoded, put in RTP and SRTP-protected (AES_CM_128_HMAC_SHA1_80), and a
// received packet unprotected, parsed, queued in the jitter buffer, pulled and G.711-decoded. Two
// MediaSessions (modules/phone/media.ts, the code a call runs) send to each other directly, so the
// figure is the path's own cost with no network or timers. Pure: the caller gives the crypto
// provider and the clock (Moddable's native crypt and Time.microseconds on the device runtime;
// the pure-JS providers and performance.now on xsnap).
import { AUDIO_FRAME_MS, AUDIO_FRAME_SAMPLES, type Crypto, type Datagram, type Hal } from '../../hal/contracts.js';
import { MediaSession } from '../../modules/phone/media.js';
import { seededRandom } from '../unit/sip-test-network.js';

export interface MediaBenchFigure {
  readonly framePairs: number;
  readonly microsecondsPerFramePair: number;
  /** Frames each side played that carried the other's tone: the path really ran. */
  readonly heard: number;
}

const KEY = { masterKey: new Uint8Array(16).fill(7), masterSalt: new Uint8Array(14).fill(9) };

function side(crypto: Crypto, clock: { ms: number }, name: string, deliver: (d: Datagram) => void) {
  let capture: ((frame: Int16Array) => void) | undefined;
  let heard = 0;
  const hal = {
    clock: { monotonicMs: () => clock.ms, wallClockMs: () => clock.ms },
    random: seededRandom(name === 'a' ? 1 : 2),
    crypto,
    audio: {
      start: (onFrame: (frame: Int16Array) => void) => void (capture = onFrame),
      play: (frame: Int16Array) => void (frame[80] !== 0 && heard++),
      stop: () => undefined,
    },
  } as unknown as Hal;
  const socket = { port: 0, send: (data: Uint8Array) => deliver({ data, address: name, port: 0 }), close: () => undefined };
  const session = new MediaSession(hal, socket, { address: 'peer', port: 0 }, { profile: 'AES_CM_128_HMAC_SHA1_80', send: KEY, receive: KEY });
  return { session, capture: (frame: Int16Array) => capture!(frame), heard: () => heard };
}

/** Runs `framePairs` frame pairs (half on each of two phones) and times them with `nowUs`. */
export function mediaPathBench(crypto: Crypto, nowUs: () => number, framePairs: number): MediaBenchFigure {
  const clock = { ms: 0 };
  const sides: ReturnType<typeof side>[] = [];
  const a = side(crypto, clock, 'a', (d) => sides[1].session.onDatagram(d));
  const b = side(crypto, clock, 'b', (d) => sides[0].session.onDatagram(d));
  sides.push(a, b);
  const frame = new Int16Array(AUDIO_FRAME_SAMPLES);
  for (let i = 0; i < frame.length; i++) frame[i] = Math.round(6000 * Math.sin((2 * Math.PI * 440 * i) / 8000));
  const rounds = Math.ceil(framePairs / 2);
  const start = nowUs();
  for (let n = 0; n < rounds; n++) {
    clock.ms += AUDIO_FRAME_MS;
    a.capture(frame);
    b.capture(frame);
  }
  const elapsed = nowUs() - start;
  return { framePairs: rounds * 2, microsecondsPerFramePair: elapsed / (rounds * 2), heard: a.heard() + b.heard() };
}
