import fc from 'fast-check';
import { aLawToLinear, decodeG711, encodeG711, linearToALaw, linearToMuLaw, muLawToLinear } from '../../audio/g711.js';

// Decoder values from the G.711 definitions, written independently of the implementation:
// µ-law (Table 2): 14-bit magnitude ((2M + 33) << E) - 33, code bits inverted; scaled by 4.
// A-law (Table 1): 13-bit magnitude 2M + 1 (E = 0) or (2M + 33) << (E - 1); even bits inverted; scaled by 8.
function muLawReference(code: number): number {
  const c = ~code & 0xff;
  const magnitude = (((2 * (c & 15) + 33) << ((c >> 4) & 7)) - 33) * 4;
  return c & 0x80 ? 0 - magnitude : magnitude;
}
function aLawReference(code: number): number {
  const c = code ^ 0x55;
  const e = (c >> 4) & 7;
  const m = c & 15;
  const magnitude = (e === 0 ? 2 * m + 1 : (2 * m + 33) << (e - 1)) * 8;
  return c & 0x80 ? magnitude : -magnitude;
}

describe('G.711', () => {
  it('decodes every code word as the G.711 tables define', () => {
    for (let c = 0; c < 256; c++) {
      expect(muLawToLinear(c)).toBe(muLawReference(c));
      expect(aLawToLinear(c)).toBe(aLawReference(c));
    }
  });

  it('maps the well-known code points', () => {
    expect([muLawToLinear(0xff), muLawToLinear(0x7f), muLawToLinear(0x80), muLawToLinear(0x00)]).toEqual([0, 0, 32124, -32124]);
    expect([aLawToLinear(0xd5), aLawToLinear(0x55), aLawToLinear(0xaa), aLawToLinear(0x2a)]).toEqual([8, -8, 32256, -32256]);
    expect([linearToMuLaw(0), linearToMuLaw(32767), linearToMuLaw(-32768)]).toEqual([0xff, 0x80, 0x00]);
    expect([linearToALaw(0), linearToALaw(32767), linearToALaw(-32768)]).toEqual([0xd5, 0xaa, 0x2a]);
  });

  it('re-encodes every decoded value to its own code word (µ-law negative zero aside)', () => {
    for (let c = 0; c < 256; c++) {
      expect(linearToALaw(aLawToLinear(c))).toBe(c);
      if (c !== 0x7f) expect(linearToMuLaw(muLawToLinear(c))).toBe(c);
    }
  });

  it('quantizes every 16-bit sample to the nearest level of its segment, monotonically', () => {
    let lastMu = -Infinity;
    let lastA = -Infinity;
    for (let x = -32768; x <= 32767; x++) {
      const mu = muLawToLinear(linearToMuLaw(x));
      const a = aLawToLinear(linearToALaw(x));
      if (mu < lastMu || a < lastA) throw new Error(`not monotonic at ${x}`);
      lastMu = mu;
      lastA = a;
      // Half a step of the segment: steps double per segment, from 8 (µ) / 16 (A) at the bottom.
      if (Math.abs(x) < 32124 && Math.abs(mu - x) > Math.max(8, Math.abs(x) / 32 + 8)) throw new Error(`µ-law error at ${x}: ${mu}`);
      if (Math.abs(x) < 32256 && Math.abs(a - x) > Math.max(16, Math.abs(x) / 32 + 8)) throw new Error(`A-law error at ${x}: ${a}`);
    }
  });

  it('encodes and decodes frames sample by sample', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -32768, max: 32767 }), { maxLength: 160 }), (xs) => {
        const frame = Int16Array.from(xs);
        for (const law of ['PCMU', 'PCMA'] as const) {
          const codes = encodeG711(law, frame);
          expect(codes).toHaveLength(frame.length);
          const back = decodeG711(law, codes);
          for (let i = 0; i < xs.length; i++) expect(back[i]).toBe(law === 'PCMU' ? muLawToLinear(linearToMuLaw(xs[i])) : aLawToLinear(linearToALaw(xs[i])));
        }
      }),
      { numRuns: 100 },
    );
  });
});
