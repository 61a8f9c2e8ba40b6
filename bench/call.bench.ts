// Call benchmark (issue 7): the XS heap of an idle phone and of a phone in a secured call, as
// xsnap's meter reports it after a collection, and the audio path's added latency from capture on
// one phone to playout on the other at 0 % loss. Two phones on the desktop XS host, called directly.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUDIO_FRAME_MS, AUDIO_FRAME_SAMPLES } from '../hal/contracts.js';
import { toBase64 } from '../modules/util/bytes.js';
import { ensureDevKeys } from '../sim/dev-keys.js';
import { DesktopHost } from '../sim/host.js';
import { writeWav } from '../sim/wav.js';
import { callAndAnswer, freePort } from '../tests/support/desktop-phones.js';

/** An XS slot is 16 bytes on the ESP32's 32-bit build (xsAll.h: txSlot of 4 words). */
const ESP32_SLOT_BYTES = 16;
const CLICK_EVERY = 25;

export default async function callBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'call-bench-'));
  try {
    const keys = ensureDevKeys(join(dir, 'keys'), ['sip:6001@127.0.0.1', 'sip:6002@127.0.0.1'], { bits: 2048 });
    const provision = (user: string) => {
      const own = keys.phones.get(`sip:${user}@127.0.0.1`)!;
      return { ownKey: toBase64(own.privateKey), ownChain: [toBase64(own.certificate)], trustAnchors: [toBase64(keys.caCertificate)] };
    };
    // The caller's microphone: silence with a loud click in one frame out of CLICK_EVERY.
    const mic = new Int16Array(AUDIO_FRAME_SAMPLES * CLICK_EVERY);
    mic.fill(12000, 0, AUDIO_FRAME_SAMPLES);
    writeWav(join(dir, 'clicks.wav'), mic);
    const captured: number[] = [];
    const played: number[] = [];
    const loud = (f: Int16Array) => f.some((x) => Math.abs(x) > 6000);
    const [a, b] = [await freePort(), await freePort()];
    const alice = await DesktopHost.start({
      identity: { displayName: 'A', user: '6001', sipPort: a, tlsPort: 0, outboundProxy: `127.0.0.1:${b}` },
      provision: provision('6001'),
      flashPath: join(dir, 'a.flash'),
      audioInPath: join(dir, 'clicks.wav'),
      onAudio: (e, f, t) => e === 'captured' && loud(f) && captured.push(t),
    });
    const bob = await DesktopHost.start({
      identity: { displayName: 'B', user: '6002', sipPort: b, tlsPort: 0 },
      provision: provision('6002'),
      flashPath: join(dir, 'b.flash'),
      onAudio: (e, f, t) => e === 'played' && loud(f) && (played.length === 0 || t - played[played.length - 1] > 100) && played.push(t),
    });
    try {
      const idle = await alice.heapAfterGc();
      await callAndAnswer(alice, bob, '6002');
      await new Promise((r) => setTimeout(r, 4000));
      const inCall = await alice.heapAfterGc();
      await alice.pressKey('Hangup');
      const perCall = inCall - idle;
      process.stdout.write(
        `${JSON.stringify({ bench: 'call-heap', engine: 'xs', idleSlots: idle, inCallSlots: inCall, perCallSlots: perCall, perCallBytesEsp32: perCall * ESP32_SLOT_BYTES, goalBytes: 65536, ratioToGoal: +((perCall * ESP32_SLOT_BYTES) / 65536).toFixed(3) })}\n`,
      );
      // Each click played on Bob matched with the latest click Alice captured before it.
      const delays = played.map((t) => t - Math.max(...captured.filter((c) => c <= t))).filter((d) => Number.isFinite(d) && d >= 0);
      delays.sort((x, y) => x - y);
      const median = delays[delays.length >> 1];
      // A frame is captured whole before it is sent: that 20 ms adds to the path.
      const latency = median + AUDIO_FRAME_MS;
      process.stdout.write(
        `${JSON.stringify({ bench: 'audio-latency', engine: 'xs', clicks: delays.length, medianCaptureToPlayoutMs: +median.toFixed(1), withFramingMs: +latency.toFixed(1), goalMs: 60, ratioToGoal: +(latency / 60).toFixed(3) })}\n`,
      );
    } finally {
      await alice.stop();
      await bob.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
