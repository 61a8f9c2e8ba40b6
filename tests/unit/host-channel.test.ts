import fc from 'fast-check';
import { decodeFrame, encodeFrame } from '../../hal/host/channel.js';

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
});
