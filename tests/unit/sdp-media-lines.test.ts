// Descriptions with several m= lines (RFC 3264 §6): the seed paper's offer shape (Fig. 6), one
// line alone, a one-line answer put back into the offer's layout, and the line an answer took.
import fc from 'fast-check';
import { activeAudio, enabledAudioLines, layoutOf, oneLine, takenLine, withLines, withPlainFallback, type LineLayout } from '../../modules/sdp/media-lines.js';
import { audioDescription } from '../../modules/sdp/offer-answer.js';
import { parseSdp, SdpParseError, serializeSdp, type SessionDescription } from '../../modules/sdp/session-description.js';

const MIKEY = new Uint8Array([1, 0, 5, 0x42, 0x43, 0x44]);
const single = (keying: Parameters<typeof audioDescription>[0]['keying'], port = 49000) =>
  audioDescription({ address: '192.0.2.1', rtpPort: port, sessionId: '1', sessionVersion: 1, keying });

// Seed paper Fig. 6, written as RFC 4566 and RFC 4567 spell it (the figure's OCR reads "a=key-mgmt mikey:").
const FIG6_ANSWER = [
  'v=0', 'o=bob 1 1 IN IP4 192.0.2.2', 's=-', 'c=IN IP4 192.0.2.2', 't=0 0',
  'm=audio 0 RTP/SAVP 98', 'a=rtpmap:98 PCMU/8000', 'a=key-mgmt:mikey AQAFAEJDRA==',
  'm=audio 49001 RTP/AVP 98', 'a=rtpmap:98 PCMU/8000', '',
].join('\r\n');

describe('the seed paper offer shape (Fig. 6): RTP/SAVP with MIKEY, then plain RTP/AVP', () => {
  it('puts the keyed line first with its a=key-mgmt, the same stream plain second on the same port', () => {
    const text = serializeSdp(withPlainFallback(single({ kind: 'mikey', message: MIKEY })));
    const lines = text.split('\r\n');
    const m = lines.flatMap((l, i) => (l.startsWith('m=') ? [i] : []));
    expect(lines.filter((l) => l.startsWith('m='))).toEqual(['m=audio 49000 RTP/SAVP 0 8 101', 'm=audio 49000 RTP/AVP 0 8 101']);
    // a=key-mgmt only under the SAVP line (RFC 4567 §3.1: at session level it would key both).
    expect(lines.findIndex((l) => l.startsWith('a=key-mgmt:mikey '))).toBeGreaterThan(m[0]);
    expect(lines.findIndex((l) => l.startsWith('a=key-mgmt:mikey '))).toBeLessThan(m[1]);
    expect(lines.filter((l) => l.startsWith('a=key-mgmt'))).toHaveLength(1);
  });

  it('leaves the a=crypto lines on the SDES line only', () => {
    const crypto = { tag: 1, suite: 'AES_CM_128_HMAC_SHA1_80', keys: [{ keySalt: new Uint8Array(30).fill(7) }], sessionParams: [] };
    const sdp = parseSdp(serializeSdp(withPlainFallback(single({ kind: 'sdes', lines: [crypto] }))));
    expect(sdp.media.map((x) => [x.protocol, x.attributes.filter((a) => a.name === 'crypto').length])).toEqual([['RTP/SAVP', 1], ['RTP/AVP', 0]]);
  });

  it('refuses to add a fallback to anything but one RTP/SAVP line', () => {
    expect(() => withPlainFallback(single({ kind: 'none' }))).toThrow(RangeError);
  });

  it('reads the answer of Fig. 6: the SAVP line disabled, the AVP line taken', () => {
    const offer = layoutOf(withPlainFallback(single({ kind: 'mikey', message: MIKEY })), 0);
    const answer = parseSdp(FIG6_ANSWER);
    expect(takenLine(answer, offer)).toEqual({ index: 1, line: 1 });
    expect(activeAudio(answer)?.port).toBe(49001);
    // The plain line alone carries no key-mgmt even when a peer writes it at session level.
    const atSession = parseSdp(FIG6_ANSWER.replace('a=key-mgmt:mikey AQAFAEJDRA==\r\n', '').replace('t=0 0\r\n', 't=0 0\r\na=key-mgmt:mikey AQAFAEJDRA==\r\n'));
    expect(oneLine(atSession, 1).attributes).toEqual([]);
    expect(oneLine(atSession, 0).attributes).toEqual([{ name: 'key-mgmt', value: 'mikey AQAFAEJDRA==' }]);
  });

  it('refuses answers that take no line, two lines, or a line with another protocol', () => {
    const offer = layoutOf(withPlainFallback(single({ kind: 'mikey', message: MIKEY })), 0);
    expect(() => takenLine(parseSdp(FIG6_ANSWER.replace('49001', '0')), offer)).toThrow('disables every audio line');
    expect(() => takenLine(parseSdp(FIG6_ANSWER.replace('audio 0 ', 'audio 4000 ')), offer)).toThrow('two audio lines');
    expect(() => takenLine(parseSdp(FIG6_ANSWER.replace('49001 RTP/AVP', '49001 RTP/SAVP')), offer)).toThrow('changes RTP/AVP');
  });

  it("matches a one-line answer (SIPp's fixed scenario) to the offered line of its protocol", () => {
    const offer = layoutOf(withPlainFallback(single({ kind: 'mikey', message: MIKEY })), 0);
    expect(takenLine(single({ kind: 'none' }, 5000), offer)).toEqual({ index: 1, line: 0 });
    expect(takenLine(single({ kind: 'mikey', message: MIKEY }, 5000), offer)).toEqual({ index: 0, line: 0 });
    const video = { ...single({ kind: 'none' }), media: [{ ...single({ kind: 'none' }).media[0], media: 'video' }] };
    expect(() => takenLine(video, offer)).toThrow(RangeError);
  });
});

// Layouts of 1-4 lines, audio or video, of the protocols peers use; a one-line description to place.
const protocol = fc.constantFrom('RTP/AVP', 'RTP/SAVP', 'RTP/SAVPF', 'UDP/TLS/RTP/SAVP');
const offeredLine = fc.record({ media: fc.constantFrom('audio', 'video'), protocol, formats: fc.array(fc.constantFrom('0', '8', '96', '101'), { minLength: 1, maxLength: 3 }) });
const layout: fc.Arbitrary<LineLayout> = fc
  .array(offeredLine, { minLength: 1, maxLength: 4 })
  .chain((lines) => fc.record({ lines: fc.constant(lines), taken: fc.nat({ max: lines.length - 1 }) }))
  // The phone takes an audio line.
  .map(({ lines, taken }) => ({ lines: lines.map((x, i) => (i === taken ? { ...x, media: 'audio' } : x)), taken }));
const keying = fc.oneof(
  fc.constant({ kind: 'none' as const }),
  fc.uint8Array({ minLength: 1, maxLength: 40 }).map((message) => ({ kind: 'mikey' as const, message })),
);

describe('one line in a layout (property)', () => {
  it('keeps the count and order of the lines, disables every line but the taken one, and round-trips through text', () => {
    fc.assert(
      fc.property(layout, keying, fc.integer({ min: 1, max: 65535 }), (l, k, port) => {
        const answer = withLines(single(k, port), l);
        const parsed = parseSdp(serializeSdp(answer));
        expect(parsed).toEqual(answer);
        expect(parsed.media).toHaveLength(l.lines.length);
        parsed.media.forEach((m, i) => {
          if (i === l.taken) return expect(m.port).toBe(port);
          // RFC 3264 §6: port 0, the offered media and formats, nothing else.
          expect([m.media, m.port, m.protocol, m.formats, m.attributes]).toEqual([l.lines[i].media, 0, l.lines[i].protocol, l.lines[i].formats, []]);
        });
        // a=key-mgmt, if any, under the taken line only.
        expect(parsed.attributes.some((a) => a.name === 'key-mgmt')).toBe(false);
        expect(parsed.media.filter((m) => m.attributes.some((a) => a.name === 'key-mgmt')).length).toBe(k.kind === 'mikey' ? 1 : 0);
        expect(oneLine(parsed, l.taken).media).toEqual([parsed.media[l.taken]]);
        expect(enabledAudioLines(parsed)).toEqual([l.taken]);
      }),
      { numRuns: 300 },
    );
  });

  it('finds the taken line of any answer built in the layout of the offer', () => {
    fc.assert(
      fc.property(layout, fc.integer({ min: 1, max: 65535 }), (l, port) => {
        const protocolOf = l.lines[l.taken].protocol;
        const answer = withLines({ ...single({ kind: 'none' }, port), media: [{ ...single({ kind: 'none' }, port).media[0], protocol: protocolOf }] }, l);
        expect(takenLine(parseSdp(serializeSdp(answer)), l)).toEqual({ index: l.taken, line: l.taken });
      }),
      { numRuns: 300 },
    );
  });
});

describe('the fallback offer (property)', () => {
  it('is the keyed line, then the same stream plain without keys; each line alone reads back as the one-line offer', () => {
    const suite = fc.constantFrom('AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32');
    const crypto = fc.record({ tag: fc.integer({ min: 1, max: 9 }), suite, keys: fc.constant([{ keySalt: new Uint8Array(30).fill(3) }]), sessionParams: fc.constant([]) });
    const keyed = fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 60 }).map((message) => ({ kind: 'mikey' as const, message })),
      fc.array(crypto, { minLength: 1, maxLength: 3 }).map((lines) => ({ kind: 'sdes' as const, lines })),
    );
    fc.assert(
      fc.property(keyed, fc.integer({ min: 1, max: 65535 }), (k, port) => {
        const one = single(k, port);
        const both = parseSdp(serializeSdp(withPlainFallback(one)));
        expect(both.media.map((m) => [m.port, m.protocol, m.formats])).toEqual([[port, 'RTP/SAVP', one.media[0].formats], [port, 'RTP/AVP', one.media[0].formats]]);
        // The keyed line alone: the one-line offer with its a=key-mgmt moved from session to media level.
        const keyedAlone = oneLine(both, 0);
        const sorted = (d: typeof one) => [...d.attributes, ...d.media[0].attributes].map((a) => `${a.name}:${a.value ?? ''}`).sort();
        expect(sorted(keyedAlone)).toEqual(sorted(one));
        // The plain line alone: no key-mgmt, no crypto, anywhere.
        const plain = serializeSdp(oneLine(both, 1));
        expect(plain).not.toMatch(/a=(key-mgmt|crypto):/);
      }),
      { numRuns: 200 },
    );
  });
});

describe('fuzz: answers of any m= lines', () => {
  const mLine = fc.tuple(fc.constantFrom('audio', 'video', 'audio'), fc.constantFrom(0, 0, 4000, 4002), protocol, fc.constantFrom('0', '0 8', '98')).map(([m, p, pr, f]) => `m=${m} ${p} ${pr} ${f}`);
  const body = fc.array(fc.oneof(mLine, fc.constantFrom('a=rtpmap:0 PCMU/8000', 'a=key-mgmt:mikey AQID', 'c=IN IP4 192.0.2.9', 'a=sendonly')), { maxLength: 8 });

  it('either finds one enabled audio line whose protocol was offered, or raises RangeError', () => {
    const offer = layoutOf(withPlainFallback(single({ kind: 'mikey', message: MIKEY })), 0);
    fc.assert(
      fc.property(body, (lines) => {
        let sdp: SessionDescription;
        try {
          sdp = parseSdp(['v=0', 'o=- 1 1 IN IP4 192.0.2.9', 's=-', 't=0 0', ...lines, ''].join('\r\n'));
        } catch (e) {
          return expect(e).toBeInstanceOf(SdpParseError);
        }
        let got: ReturnType<typeof takenLine>;
        try {
          got = takenLine(sdp, offer);
        } catch (e) {
          expect(e).toBeInstanceOf(RangeError);
          return;
        }
        expect(sdp.media[got.line].port).not.toBe(0);
        expect(sdp.media[got.line].media).toBe('audio');
        expect(sdp.media[got.line].protocol).toBe(offer.lines[got.index].protocol);
        expect(sdp.media.filter((m) => m.media === 'audio' && m.port !== 0)).toHaveLength(1);
      }),
      { numRuns: 500 },
    );
  });
});
