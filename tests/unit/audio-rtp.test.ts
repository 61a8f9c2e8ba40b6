import fc from 'fast-check';
import { MediaParseError } from '../../audio/errors.js';
import { parseRtp, RtpReceiver, RtpSender, serializeRtp, type RtpPacket, type RtpProtection } from '../../audio/rtp.js';
import { fromHex } from '../../modules/util/bytes.js';

describe('RTP packets (RFC 3550 §5.1)', () => {
  it('parses a hand-assembled header with marker, CSRCs, extension and padding', () => {
    // V=2 P=1 X=1 CC=1 | M=1 PT=0 | seq 0x1234 | ts 0xdeadbeef | ssrc 0x01020304 | csrc 0x0a0b0c0d
    // ext profile 0xbede, length 1 word | payload 0x7f 0x80 | 2 bytes padding (last byte = 2)
    const bytes = fromHex('b1 80 1234 deadbeef 01020304 0a0b0c0d bede0001 11223344 7f80 0002');
    expect(parseRtp(bytes)).toEqual({
      marker: true, payloadType: 0, sequenceNumber: 0x1234, timestamp: 0xdeadbeef, ssrc: 0x01020304, csrcs: [0x0a0b0c0d],
      extension: { profile: 0xbede, data: fromHex('11223344') }, payload: fromHex('7f80'),
    });
  });

  it('round-trips any packet', () => {
    const packet: fc.Arbitrary<RtpPacket> = fc.record({
      marker: fc.boolean(), payloadType: fc.integer({ min: 0, max: 127 }), sequenceNumber: fc.integer({ min: 0, max: 0xffff }),
      timestamp: fc.integer({ min: 0, max: 0xffffffff }), ssrc: fc.integer({ min: 0, max: 0xffffffff }),
      csrcs: fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 15 }), payload: fc.uint8Array({ maxLength: 200 }),
    });
    fc.assert(fc.property(packet, (p) => expect(parseRtp(serializeRtp(p))).toEqual(p)), { numRuns: 200 });
  });

  it('throws only MediaParseError on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          parseRtp(bytes);
        } catch (e) {
          return e instanceof MediaParseError;
        }
        return true;
      }),
      { numRuns: 500 },
    );
  });
});

describe('RTP sender and receiver', () => {
  it('numbers packets and advances the timestamp, wrapping at 2^16 and 2^32', () => {
    const tx = new RtpSender({ ssrc: 0x11223344, payloadType: 8, sequenceNumber: 0xfffe, timestamp: 0xffffff00 });
    const packets = [0, 1, 2].map(() => parseRtp(tx.audio(new Uint8Array(160), 160)));
    expect(packets.map((p) => p.sequenceNumber)).toEqual([0xfffe, 0xffff, 0]);
    expect(packets.map((p) => p.timestamp)).toEqual([0xffffff00, 0xffffffa0, 0x40]);
    expect(packets.every((p) => p.payloadType === 8 && p.ssrc === 0x11223344)).toBe(true);
    expect(parseRtp(tx.packet(new Uint8Array(4), 101, 1234, true))).toMatchObject({ payloadType: 101, timestamp: 1234, marker: true, sequenceNumber: 1 });
  });

  it('counts loss across a sequence wrap and extends sequence numbers (A.1)', () => {
    const tx = new RtpSender({ ssrc: 7, payloadType: 0, sequenceNumber: 65530, timestamp: 0 });
    const rx = new RtpReceiver(8000);
    const seen: number[] = [];
    for (let i = 0; i < 12; i++) {
      const pkt = tx.audio(new Uint8Array(160), 160);
      if (i === 3 || i === 8) continue;
      seen.push(rx.receive(pkt, i * 20)!.extendedSequence);
    }
    expect(seen).toEqual([65530, 65531, 65532, 65534, 65535, 65536, 65537, 65539, 65540, 65541]);
    expect(rx.stats()).toMatchObject({ received: 10, lost: 2, dropped: 0 });
    expect(rx.stats().jitter).toBe(0);
  });

  it('drops other SSRCs and packets the protection refuses', () => {
    const refuseOdd: RtpProtection = { protect: (p) => p, unprotect: (p) => (p[3] & 1 ? undefined : p) };
    const rx = new RtpReceiver(8000, refuseOdd);
    const a = new RtpSender({ ssrc: 1, payloadType: 0, sequenceNumber: 10, timestamp: 0 });
    const b = new RtpSender({ ssrc: 2, payloadType: 0, sequenceNumber: 10, timestamp: 0 });
    expect(rx.receive(a.audio(new Uint8Array(1), 160), 0)).toBeDefined();
    expect(rx.receive(a.audio(new Uint8Array(1), 160), 20)).toBeUndefined();
    expect(rx.receive(b.audio(new Uint8Array(1), 160), 20)).toBeUndefined();
    expect(rx.receive(new Uint8Array(3), 20)).toBeUndefined();
    expect(rx.stats().dropped).toBe(3);
  });

  it('applies the sender protection to every packet', () => {
    const xor: RtpProtection = { protect: (p) => p.map((b) => b ^ 0xff), unprotect: (p) => p.map((b) => b ^ 0xff) };
    const tx = new RtpSender({ ssrc: 5, payloadType: 0, sequenceNumber: 1, timestamp: 0 }, xor);
    const rx = new RtpReceiver(8000, xor);
    const wire = tx.audio(Uint8Array.of(1, 2, 3), 160);
    expect(wire[0]).toBe(0x80 ^ 0xff);
    expect(rx.receive(wire, 0)?.packet.payload).toEqual(Uint8Array.of(1, 2, 3));
  });

  it('estimates interarrival jitter from transit-time changes (§6.4.1)', () => {
    const tx = new RtpSender({ ssrc: 5, payloadType: 0, sequenceNumber: 1, timestamp: 0 });
    const rx = new RtpReceiver(8000);
    // Alternating 0 / 10 ms extra delay: |D| = 80 timestamp units each time after the first.
    for (let i = 0; i < 200; i++) rx.receive(tx.audio(new Uint8Array(160), 160), i * 20 + (i % 2) * 10);
    expect(rx.stats().jitter).toBeCloseTo(80, 1);
  });
});
