// Call-progress tones and DTMF between two phones on the desktop XS host. What Alice's speaker
// plays is checked with a Goertzel detector (tests/support/tone-detect.ts, from E.180, not from
// audio/tones.ts): dial tone (350+440 Hz) while dialing, ringback (440+480 Hz, 2 s on / 4 s off,
// counted in samples) while Bob rings, busy (480+620 Hz, 0.5 s / 0.5 s) when Bob refuses the
// call, then silence. Digits pressed in a call travel as RFC 4733 telephone-events: they show on
// the other phone, and tshark decodes them from a loopback capture of the plain-RTP call.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Key } from '../../hal/contracts.js';
import type { DesktopHost } from '../../sim/host.js';
import { presetSettings, startPair, until } from '../support/desktop-phones.js';
import { startLoopbackCapture } from '../support/loopback-capture.js';
import { isDualTone, isSilent, join as joinFrames, runs } from '../support/tone-detect.js';

const TSHARK = '/usr/bin/tshark';
const EVENT_PT = 101;

async function press(host: DesktopHost, keys: string): Promise<void> {
  for (const k of keys) await host.pressKey(k as Key);
}

/** Waits until `n` more frames have been played: the media clock, not the wall clock. */
function frames(played: readonly Int16Array[], n: number): Promise<void> {
  const target = played.length + n;
  return until(() => played.length >= target, `${n} more played frames`);
}

/** Two phones, Alice calling Bob through Bob's SIP port; Alice's played frames are recorded. */
async function twoPhones(dir: string, users: [string, string], srtpMode?: 'Off') {
  if (srtpMode) for (const u of users) presetSettings(join(dir, `${u}.flash`), (s) => ({ ...s, srtpMode }));
  const played: Int16Array[] = [];
  const { alice, bob } = await startPair(dir, users, { alice: { onAudio: (event, frame) => event === 'played' && played.push(frame) } });
  return { alice, bob, played };
}

describe('tones and DTMF between two desktop phones', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tones-dtmf-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('plays dial tone and ringback, and carries DTMF both ways as RFC 4733 events tshark decodes', async () => {
    const pcap = join(dir, 'dtmf.pcap');
    const capture = await startLoopbackCapture(pcap);

    const { alice, bob, played } = await twoPhones(dir, ['6001', '6002'], 'Off');
    let ringStart = 0;
    try {
      // Off hook: the first digit starts the dial tone, which lasts until the call is placed.
      await press(alice, '6');
      await until(() => played.length >= 15, 'dial tone frames');
      await press(alice, '002');
      await until(() => played.length >= 30, 'more dial tone frames');
      await alice.pressKey('OK');
      // Each key event is handled to the end before pressKey resolves: the dial tone is over here.
      ringStart = played.length;
      await until(() => alice.screen[2] === 'Ringing...', 'Alice to hear ringing');
      // 6.6 s of ringback: one whole cadence (2 s on, 4 s off) and the start of the next.
      await until(() => played.length >= ringStart + 330, 'ringback frames', 30000);
      await bob.pressKey('OK');
      await until(() => alice.screen[0] === 'Connected' && bob.screen[0] === 'Connected', 'both phones connected');
      expect(alice.screen[2]).toBe('NOT ENCRYPTED');
      // Some audio first (one packet per played frame), then the digits.
      await frames(played, 10);
      await press(alice, '123');
      await until(() => bob.screen[3] === 'DTMF: 123', `Bob to show the digits (screen: ${bob.screen.join('|')})`);
      expect(alice.screen[3]).toBe('Sent: 123');
      // Bob shows a digit when its event starts; let the last one finish (8 frames) and audio resume.
      await frames(played, 12);
      await press(bob, '#');
      await until(() => alice.screen[3] === 'S:123 R:#', `Alice to show the digit received (screen: ${alice.screen.join('|')})`);
      await alice.pressKey('Hangup');
      await until(() => bob.screen[3] === 'Call ended', 'the call to end');
    } finally {
      await alice.stop();
      await bob.stop();
      await capture.stop();
    }

    const dial = played.slice(0, ringStart);
    expect(dial.length).toBeGreaterThanOrEqual(30);
    expect(dial.some(isSilent)).toBe(false);
    expect(isDualTone(joinFrames(dial.slice(0, 10)), [350, 440])).toBe(true);
    expect(isDualTone(joinFrames(dial.slice(-10)), [350, 440])).toBe(true);

    const ring = played.slice(ringStart, ringStart + 330);
    // The cadence in samples: 100 frames (2 s) of tone, 200 frames (4 s) of silence, tone again.
    expect(runs(ring.map((f) => !isSilent(f)))).toEqual([[true, 100], [false, 200], [true, 30]]);
    expect(isDualTone(joinFrames(ring.slice(0, 10)), [440, 480])).toBe(true);
    expect(isDualTone(joinFrames(ring.slice(90, 100)), [440, 480])).toBe(true);
    expect(isDualTone(joinFrames(ring.slice(300, 310)), [440, 480])).toBe(true);

    // Each side counted what it received.
    expect(bob.log.find((l) => / ended: sent/.test(l))).toMatch(/dtmf sent 1, dtmf received 3$/);
    expect(alice.log.find((l) => / ended: sent/.test(l))).toMatch(/dtmf sent 3, dtmf received 1$/);

    // On the wire: tshark decodes Alice's events to Bob's RTP port as RFC 4733 telephone-events.
    const [, aliceRtp, bobRtp] = /media 127\.0\.0\.1:(\d+) <-> 127\.0\.0\.1:(\d+)/.exec(alice.log.find((l) => l.includes(' connected with '))!)!;
    const read = (filter: string, ...fields: string[]) => {
      const r = spawnSync(TSHARK, [
        '-r', pcap, '-d', `udp.port==${bobRtp},rtp`, '-d', `udp.port==${aliceRtp},rtp`, '-o', `rtpevent.event_payload_type_value:${EVENT_PT}`,
        '-Y', filter, '-T', 'fields', '-E', 'separator=,', ...fields.flatMap((f) => ['-e', f]),
      ], { encoding: 'utf8' });
      expect(r.status).toBe(0);
      return r.stdout.split('\n').filter(Boolean);
    };
    const audioSsrcs = new Set(read(`udp.srcport==${aliceRtp} && rtp.p_type==0`, 'rtp.ssrc'));
    expect(audioSsrcs.size).toBe(1);
    const stream = read(`udp.srcport==${aliceRtp} && rtp`, 'rtp.p_type', 'rtp.timestamp').map((l) => l.split(',').map(Number));
    const events = read(`udp.srcport==${aliceRtp} && rtpevent`, 'rtp.ssrc', 'rtp.p_type', 'rtp.timestamp', 'rtp.marker', 'rtpevent.event_id', 'rtpevent.end_of_event', 'rtpevent.duration')
      .map((l) => l.split(','));
    expect(new Set(events.map((e) => e[0]))).toEqual(audioSsrcs);
    expect(events.every((e) => e[1] === String(EVENT_PT))).toBe(true);
    const byStart = new Map<string, string[][]>();
    for (const e of events) byStart.set(e[2], [...(byStart.get(e[2]) ?? []), e]);
    const digits = [...byStart.values()];
    expect(digits.map((packets) => packets[0][4])).toEqual(['1', '2', '3']);
    for (const packets of digits) {
      // Marker on the first packet only; durations grow by 160 (20 ms at 8 kHz) per packet; three end packets.
      expect(packets.map((p) => p[3])).toEqual(packets.map((_, i) => (i === 0 ? '1' : '0')));
      expect(packets.map((p) => p[5])).toEqual(packets.map((_, i) => (i >= packets.length - 3 ? '1' : '0')));
      const durations = packets.map((p) => Number(p[6]));
      expect(durations.slice(0, -3)).toEqual(durations.slice(0, -3).map((_, i) => 160 * (i + 1)));
      expect(durations.slice(-3)).toEqual([1, 2, 3].map(() => durations[durations.length - 4]));
      expect(durations[durations.length - 1]).toBeGreaterThanOrEqual(800);
    }
    // The events took the audio's time: the packet after each event (the next event, or audio after
    // the last) is stamped at the event start plus the frames the event and its end packets occupied.
    for (const packets of digits) {
      const start = Number(packets[0][2]);
      const i = stream.findIndex(([pt, ts]) => pt === EVENT_PT && ts === start);
      expect(stream[i + packets.length][1]).toBe((start + 160 * packets.length) % 2 ** 32);
    }
    expect(stream[stream.length - 1][0]).toBe(0);
  }, 120000);

  it('plays busy when the callee refuses, then falls silent; DTMF also works in a secured call', async () => {
    const { alice, bob, played } = await twoPhones(dir, ['6101', '6102']);
    try {
      await press(alice, '6102');
      await alice.pressKey('OK');
      await until(() => bob.screen[0] === 'Incoming call', 'Bob to ring');
      await until(() => alice.screen[2] === 'Ringing...', 'Alice to hear ringing');
      // Bob refuses: Hangup while ringing answers 603 Decline (modules/phone/calls.ts).
      await bob.pressKey('Hangup');
      await until(() => alice.screen[3] === '603 Decline', `Alice to see the refusal (screen: ${alice.screen.join('|')})`);
      const busyStart = played.length;
      await until(() => played.length >= busyStart + 60, 'busy frames');
      // The busy tone stops by itself: no frame played for 300 ms (15 frame periods; a loaded
      // machine may delay one frame's timer, never fifteen).
      let last = -1;
      let since = Date.now();
      await until(() => {
        if (played.length !== last) [last, since] = [played.length, Date.now()];
        return Date.now() - since >= 300 && played.length > busyStart + 60;
      }, 'the busy tone to end', 30000);
      const busy = played.slice(busyStart);
      // Frames played before the refusal arrived were ringback; from the refusal on, busy.
      const tail = runs(busy.map((f) => !isSilent(f)));
      const whole = tail.slice(1, -1);
      expect(whole.length).toBeGreaterThanOrEqual(2);
      // 0.5 s on / 0.5 s off: 25 frames each.
      for (const [, n] of whole) expect(n).toBe(25);
      const on = busy.filter((f) => !isSilent(f));
      expect(isDualTone(joinFrames(on.slice(-10)), [480, 620])).toBe(true);

      // A MIKEY-keyed SRTP call: the events are protected like the audio and still arrive.
      await alice.pressKey('Hangup');
      await press(alice, '6102');
      await alice.pressKey('OK');
      await until(() => bob.screen[0] === 'Incoming call', 'Bob to ring again');
      await bob.pressKey('OK');
      await until(() => alice.screen[0] === 'Connected' && bob.screen[0] === 'Connected', 'both phones connected');
      expect(alice.screen[2]).toMatch(/^\uE000 /);
      await press(alice, '*09#');
      await until(() => bob.screen[3] === 'DTMF: *09#', `Bob to show the digits (screen: ${bob.screen.join('|')})`);
      await bob.pressKey('Hangup');
      await until(() => alice.screen[3] === 'Call ended', 'the call to end');
      const ended = bob.log.find((l) => / ended: sent/.test(l))!;
      expect(ended).toMatch(/dropped 0, .*dtmf received 4$/);
    } finally {
      await alice.stop();
      await bob.stop();
    }
  }, 120000);
});
