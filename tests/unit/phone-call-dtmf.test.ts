import fc from 'fast-check';
import type { DtmfDigit } from '../../audio/dtmf.js';
import { parseRtp, RtpSender, type RtpPacket } from '../../audio/rtp.js';
import { CallDtmf, MIN_EVENT_FRAMES } from '../../modules/phone/call-dtmf.js';

const SSRC = 0x11223344;
const AUDIO_PT = 0;
const EVENT_PT = 101;

/** One call direction: a CallDtmf on an RtpSender, driven frame by frame like the media session. */
function sendingSide(peerAcceptsEvents = true) {
  let changes = 0;
  const dtmf = new CallDtmf({ sendPayloadType: peerAcceptsEvents ? EVENT_PT : undefined, receivePayloadTypes: [EVENT_PT], onChange: () => changes++ });
  const rtp = new RtpSender({ ssrc: SSRC, payloadType: AUDIO_PT, sequenceNumber: 65530, timestamp: 0xfffffe00 });
  const wire: RtpPacket[] = [];
  /** One 20 ms frame: the event packet if one is under way, else an audio packet. */
  const frame = () => {
    if (!dtmf.frame(rtp, (p) => wire.push(parseRtp(p)))) wire.push(parseRtp(rtp.audio(new Uint8Array(160), 160)));
  };
  return { dtmf, rtp, wire, frame, changes: () => changes };
}

/** The 4-byte payload fields as RFC 4733 §2.3 draws them, read independently of audio/dtmf.ts. */
function fields(p: RtpPacket): { event: number; end: boolean; duration: number } {
  return { event: p.payload[0], end: (p.payload[1] & 0x80) !== 0, duration: p.payload[2] * 256 + p.payload[3] };
}

describe('DTMF in a call (RFC 4733 events in the call RTP stream)', () => {
  it('sends a quick key press as a 100 ms event: marker first, growing duration, three end packets, one per frame', () => {
    const a = sendingSide();
    a.frame();
    const ts0 = a.rtp.timestamp;
    a.dtmf.press('5');
    a.dtmf.release('5');
    for (let i = 0; i < MIN_EVENT_FRAMES + 3 + 1; i++) a.frame();
    const events = a.wire.filter((p) => p.payloadType === EVENT_PT);
    expect(events).toHaveLength(MIN_EVENT_FRAMES + 3);
    expect(events.every((p) => p.ssrc === SSRC && p.timestamp === ts0)).toBe(true);
    expect(events.map((p) => p.marker)).toEqual([true, ...events.slice(1).map(() => false)]);
    // Durations in 8 kHz timestamp units: 160 per 20 ms frame; the event ends at 5 frames = 800.
    expect(events.map((p) => fields(p).duration)).toEqual([160, 320, 480, 640, 800, 800, 800, 800]);
    expect(events.map((p) => fields(p).end)).toEqual([false, false, false, false, false, true, true, true]);
    expect(events.every((p) => fields(p).event === 5)).toBe(true);
    // Sequence numbers run on across audio and events (and wrap at 2^16).
    const seqs = a.wire.map((p) => p.sequenceNumber);
    expect(seqs).toEqual(seqs.map((_, i) => (65530 + i) % 65536));
    // The event took the audio's time: the next audio packet is 8 frames after the event start.
    const after = a.wire[a.wire.length - 1];
    expect(after.payloadType).toBe(AUDIO_PT);
    expect(after.timestamp).toBe((ts0 + 8 * 160) >>> 0);
    expect(a.dtmf.line()).toBe('Sent: 5');
  });

  it('lasts as long as the key is held', () => {
    const a = sendingSide();
    a.dtmf.press('#');
    for (let i = 0; i < 20; i++) a.frame();
    expect(a.wire.every((p) => p.payloadType === EVENT_PT && !fields(p).end)).toBe(true);
    a.dtmf.release('#');
    for (let i = 0; i < 3; i++) a.frame();
    expect(a.wire.slice(-3).map((p) => [fields(p).event, fields(p).end, fields(p).duration])).toEqual([[11, true, 3200], [11, true, 3200], [11, true, 3200]]);
  });

  it('sends nothing and says so when the peer did not accept telephone-event', () => {
    const a = sendingSide(false);
    a.dtmf.press('1');
    a.dtmf.release('1');
    for (let i = 0; i < 10; i++) a.frame();
    expect(a.wire.every((p) => p.payloadType === AUDIO_PT)).toBe(true);
    expect(a.dtmf.line()).toBe('DTMF not accepted');
    expect(a.changes()).toBe(1);
  });

  it('delivers any digit sequence to the peer, each digit once, despite duplicated packets', () => {
    const digit = fc.constantFrom<DtmfDigit>('0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#');
    fc.assert(
      fc.property(fc.array(digit, { minLength: 1, maxLength: 6 }), fc.array(fc.boolean(), { maxLength: 64 }), (digits, dup) => {
        const a = sendingSide();
        for (const d of digits) {
          a.dtmf.press(d);
          a.dtmf.release(d);
        }
        for (let i = 0; i < digits.length * (MIN_EVENT_FRAMES + 3) + 2; i++) a.frame();
        const b = new CallDtmf({ sendPayloadType: EVENT_PT, receivePayloadTypes: [EVENT_PT], onChange: () => undefined });
        a.wire.forEach((p, i) => {
          const events = b.receive(p);
          expect(events).toBe(p.payloadType === EVENT_PT);
          if (dup[i % Math.max(dup.length, 1)]) b.receive(p);
        });
        expect(b.stats().digitsReceived).toBe(digits.length);
        expect(b.line()).toBe(`DTMF: ${digits.join('').slice(-14)}`);
        expect(a.dtmf.stats()).toEqual({ digitsSent: digits.length, packetsSent: digits.length * (MIN_EVENT_FRAMES + 3), digitsReceived: 0, malformed: 0 });
      }),
      { numRuns: 100 },
    );
  });

  it('counts and drops malformed event payloads, and never treats other payload types as events', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 127 }), fc.uint8Array({ maxLength: 12 }), (pt, payload) => {
        const b = new CallDtmf({ sendPayloadType: EVENT_PT, receivePayloadTypes: [EVENT_PT], onChange: () => undefined });
        const packet: RtpPacket = { marker: false, payloadType: pt, sequenceNumber: 1, timestamp: 1, ssrc: 1, csrcs: [], payload };
        expect(b.receive(packet)).toBe(pt === EVENT_PT);
        const s = b.stats();
        expect(s.malformed).toBe(pt === EVENT_PT && payload.length !== 4 ? 1 : 0);
        // A well-formed payload shows a digit only for events 0-15 (§3.2).
        expect(s.digitsReceived).toBe(pt === EVENT_PT && payload.length === 4 && payload[0] < 16 ? 1 : 0);
      }),
      { numRuns: 300 },
    );
  });

  it('shows sent and received digits together on one 20-column line', () => {
    const a = sendingSide();
    a.dtmf.press('1');
    a.dtmf.release('1');
    for (let i = 0; i < 8; i++) a.frame();
    a.dtmf.receive({ marker: true, payloadType: EVENT_PT, sequenceNumber: 9, timestamp: 77, ssrc: 2, csrcs: [], payload: Uint8Array.of(9, 10, 0, 160) });
    expect(a.dtmf.line()).toBe('S:1 R:9');
  });
});
