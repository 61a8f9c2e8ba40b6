import fc from 'fast-check';
import { DtmfReceiver, DtmfSender, digitToEvent, encodeTelephoneEvent, parseTelephoneEvent } from '../../audio/dtmf.js';
import { MediaParseError } from '../../audio/errors.js';

describe('RFC 4733 telephone-events', () => {
  it('lays out the payload as §2.3 draws it', () => {
    // event 5, E=1, R=0, volume 10, duration 800
    expect(encodeTelephoneEvent({ event: 5, end: true, volume: 10, duration: 800 })).toEqual(Uint8Array.of(5, 0x8a, 0x03, 0x20));
    expect(parseTelephoneEvent(Uint8Array.of(11, 0x3f, 0xff, 0xff))).toEqual({ event: 11, end: false, volume: 63, duration: 0xffff });
    expect(['0', '9', '*', '#', 'A', 'D'].map((d) => digitToEvent(d as '0'))).toEqual([0, 9, 10, 11, 12, 15]);
  });

  it('round-trips every field through the 4-byte payload, bit by bit as §2.3 draws it', () => {
    const event = fc.record({ event: fc.integer({ min: 0, max: 255 }), end: fc.boolean(), volume: fc.integer({ min: 0, max: 63 }), duration: fc.integer({ min: 0, max: 0xffff }) });
    fc.assert(fc.property(event, (e) => {
      const bytes = encodeTelephoneEvent(e);
      // event (8 bits) | E (1) R (1, zero) volume (6) | duration (16, network order)
      expect(Array.from(bytes)).toEqual([e.event, (e.end ? 128 : 0) + e.volume, Math.floor(e.duration / 256), e.duration % 256]);
      expect(parseTelephoneEvent(bytes)).toEqual(e);
    }), { numRuns: 300 });
  });

  it('receives arbitrary packets without crashing: a typed error for a malformed payload, at most one start and one end per timestamp', () => {
    const packet = fc.record({ ts: fc.integer({ min: 0, max: 3 }), payload: fc.oneof(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.uint8Array({ maxLength: 8 })) });
    fc.assert(fc.property(fc.array(packet, { maxLength: 30 }), (packets) => {
      const rx = new DtmfReceiver();
      const seen = new Map<string, number>();
      let last: number | undefined;
      for (const p of packets) {
        let notices: ReturnType<DtmfReceiver['receive']> = [];
        try {
          notices = rx.receive(p.ts, p.payload);
        } catch (e) {
          expect(e instanceof MediaParseError).toBe(true);
          expect(p.payload.length).not.toBe(4);
          continue;
        }
        if (p.ts !== last && notices.length > 0) seen.clear();
        if (notices.length > 0) last = p.ts;
        for (const n of notices) seen.set(n.phase, (seen.get(n.phase) ?? 0) + 1);
        expect(Math.max(0, ...seen.values())).toBeLessThanOrEqual(1);
      }
    }), { numRuns: 300 });
  });

  it('throws MediaParseError on payloads that are not 4 bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 12 }).filter((b) => b.length !== 4), (b) => {
      expect(() => parseTelephoneEvent(b)).toThrow(MediaParseError);
    }), { numRuns: 100 });
  });

  it('sends marker first, growing durations, and three end packets at the event start timestamp (§2.5.1)', () => {
    const tx = new DtmfSender();
    tx.start('7', 48000);
    const held = [1, 2, 3].flatMap(() => tx.frame());
    const end = tx.stop();
    expect(held.map((p) => [p.marker, p.timestamp, parseTelephoneEvent(p.payload).duration])).toEqual([[true, 48000, 160], [false, 48000, 320], [false, 48000, 480]]);
    expect(end).toHaveLength(3);
    expect(end.map((p) => parseTelephoneEvent(p.payload))).toEqual([1, 2, 3].map(() => ({ event: 7, end: true, volume: 10, duration: 480 })));
    expect(tx.active).toBe(false);
    expect(tx.frame()).toEqual([]);
  });

  it('ends an event before its duration field overflows', () => {
    const tx = new DtmfSender();
    tx.start('1', 0);
    let packets = 0;
    while (tx.active && packets < 1000) packets += tx.frame().length;
    expect(packets).toBe(Math.floor(0xffff / 160) + 3);
  });

  it('reports each event once at start and end, despite repeats and a lost first packet', () => {
    const tx = new DtmfSender();
    const rx = new DtmfReceiver();
    tx.start('#', 1000);
    const first = tx.frame();
    const rest = [...tx.frame(), ...tx.frame(), ...tx.stop()];
    expect(first).toHaveLength(1);
    const notices = rest.flatMap((p) => rx.receive(p.timestamp, p.payload));
    expect(notices).toEqual([{ digit: '#', phase: 'start', duration: 320 }, { digit: '#', phase: 'end', duration: 480 }]);
    tx.start('#', 2000);
    const again = [...tx.frame(), ...tx.stop()].flatMap((p) => rx.receive(p.timestamp, p.payload));
    expect(again.map((n) => n.phase)).toEqual(['start', 'end']);
  });
});
