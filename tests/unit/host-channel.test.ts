import fc from 'fast-check';
import { decodeBatch, decodeFrame, encodeBatch, encodeFrame, packParts, unpackParts } from '../../hal/host/channel.js';

describe('desktop host channel frames', () => {
  it('round-trips any JSON header with any payload', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.uint8Array({ maxLength: 64 }), (header, payload) => {
        const frame = decodeFrame(encodeFrame(header, payload));
        expect(frame.header).toEqual(JSON.parse(JSON.stringify(header)));
        expect(frame.payload).toEqual(payload);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses truncated or garbled frames with RangeError or SyntaxError only', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        try {
          decodeFrame(bytes);
        } catch (e) {
          expect(e instanceof RangeError || e instanceof SyntaxError).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
    expect(() => decodeFrame(Uint8Array.of(0, 0, 0, 9, 0x7b))).toThrow(RangeError);
  });

  it('round-trips batches of frames (what the firmware posts during one event), in order', () => {
    const frame = fc.record({ header: fc.dictionary(fc.string(), fc.jsonValue()), payload: fc.uint8Array({ maxLength: 32 }) });
    fc.assert(
      fc.property(fc.array(frame, { maxLength: 8 }), (frames) => {
        const batch = decodeFrame(encodeBatch(frames.map((f) => encodeFrame(f.header, f.payload))));
        expect(batch.header).toEqual({ op: 'batch' });
        const back = decodeBatch(batch.payload);
        expect(back.map((f) => f.header)).toEqual(frames.map((f) => JSON.parse(JSON.stringify(f.header))));
        expect(back.map((f) => f.payload)).toEqual(frames.map((f) => f.payload));
      }),
      { numRuns: 100 },
    );
  });

  it('refuses a garbled batch with RangeError or SyntaxError only', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        try {
          decodeBatch(bytes);
        } catch (e) {
          expect(e instanceof RangeError || e instanceof SyntaxError).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
    expect(() => decodeBatch(Uint8Array.of(0, 0, 0, 9, 1))).toThrow(RangeError);
  });

  it('round-trips packed byte strings (TLS credentials: key, chain, anchors), empty ones included, in order', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 48 }), { maxLength: 8 }), (parts) => {
        expect(unpackParts(packParts(parts)).map((p) => Array.from(p))).toEqual(parts.map((p) => Array.from(p)));
      }),
    );
  });

  it('refuses garbled packed parts with RangeError only; what it accepts packs back to the same bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        try {
          expect(Array.from(packParts(unpackParts(bytes)))).toEqual(Array.from(bytes));
        } catch (e) {
          expect(e).toBeInstanceOf(RangeError);
        }
      }),
      { numRuns: 300 },
    );
    expect(() => unpackParts(Uint8Array.of(0, 0, 0, 2, 7))).toThrow(RangeError);
  });
});
