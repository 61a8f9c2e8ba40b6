import fc from 'fast-check';
import { CryptoAttributeError, cryptoAttribute, parseCryptoAttribute } from '../../modules/sdp/crypto-attr.js';
import { KeyMgmtError, keyMgmtAttribute, parseKeyMgmt } from '../../modules/sdp/key-mgmt.js';
import { audioDescription } from '../../modules/sdp/offer-answer.js';
import { effectiveAttributes, parseSdp, SdpParseError, serializeSdp } from '../../modules/sdp/session-description.js';
import { fromHex, toHex } from '../../modules/util/bytes.js';
import sdes from '../fixtures/sdes-vectors.json';

// RFC 4566 §5's example session description.
const RFC4566_EXAMPLE = [
  'v=0',
  'o=jdoe 2890844526 2890842807 IN IP4 10.47.16.5',
  's=SDP Seminar',
  'i=A Seminar on the session description protocol',
  'u=http://www.example.com/seminars/sdp.pdf',
  'e=j.doe@example.com (Jane Doe)',
  'c=IN IP4 224.2.17.12/127',
  't=2873397496 2873404696',
  'a=recvonly',
  'm=audio 49170 RTP/AVP 0',
  'm=video 51372 RTP/AVP 99',
  'a=rtpmap:99 h263-1998/90000',
  '',
].join('\r\n');

describe('SDP (RFC 4566)', () => {
  it("parses RFC 4566 §5's example and serializes it back byte for byte", () => {
    const sdp = parseSdp(RFC4566_EXAMPLE);
    expect(sdp.origin.address).toBe('10.47.16.5');
    expect(sdp.connection).toEqual({ netType: 'IN', addrType: 'IP4', address: '224.2.17.12/127' });
    expect(sdp.attributes).toEqual([{ name: 'recvonly' }]);
    expect(sdp.media.map((m) => [m.media, m.port, m.protocol, m.formats])).toEqual([
      ['audio', 49170, 'RTP/AVP', ['0']],
      ['video', 51372, 'RTP/AVP', ['99']],
    ]);
    expect(sdp.media[1].attributes).toEqual([{ name: 'rtpmap', value: '99 h263-1998/90000' }]);
    expect(serializeSdp(sdp)).toBe(RFC4566_EXAMPLE);
  });

  it('takes a media-level attribute over the session-level one (RFC 4567 §3.1)', () => {
    const sdp = parseSdp('v=0\no=- 1 1 IN IP4 1.2.3.4\ns=-\nt=0 0\na=key-mgmt:mikey AAAA\nm=audio 1 RTP/SAVP 0\na=key-mgmt:mikey AQID\nm=audio 2 RTP/SAVP 0\n');
    expect(effectiveAttributes(sdp, sdp.media[0], 'key-mgmt')[0].value).toBe('mikey AQID');
    expect(effectiveAttributes(sdp, sdp.media[1], 'key-mgmt')[0].value).toBe('mikey AAAA');
  });

  it('refuses malformed descriptions with SdpParseError naming the line', () => {
    const bad: [string, number][] = [
      ['o=- 1 1 IN IP4 x\ns=-\nt=0 0\n', 1],
      ['v=0\no=- 1 1 IN IP4 x\ns=-\nt=0 0\nm=audio 70000 RTP/AVP 0\n', 5],
      ['v=0\no=- 1 IN IP4 x\ns=-\nt=0 0\n', 2],
      ['v=0\no=- 1 1 IN IP4 x\ns=-\n', 3],
      ['v=0\no=- 1 1 IN IP4 x\ns=-\nt=0 0\nbogus\n', 5],
    ];
    for (const [text, line] of bad) {
      try {
        parseSdp(text);
        throw new Error('parsed');
      } catch (e) {
        expect(e instanceof SdpParseError).toBe(true);
        expect((e as SdpParseError).line).toBe(line);
      }
    }
  });

  it('fuzz: any text either parses and round-trips, or raises SdpParseError', () => {
    const line = fc.oneof(
      fc.constantFrom('v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 't=0 0', 'c=IN IP4 127.0.0.1', 'm=audio 4000 RTP/SAVP 0 8', 'a=sendrecv', 'a=rtpmap:0 PCMU/8000', 'b=AS:64', 'i=x'),
      fc.string({ maxLength: 12 }),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), (lines) => {
        const text = lines.join('\r\n');
        let sdp;
        try {
          sdp = parseSdp(text);
        } catch (e) {
          expect(e instanceof SdpParseError).toBe(true);
          return;
        }
        expect(parseSdp(serializeSdp(sdp))).toEqual(sdp);
      }),
      { numRuns: 400 },
    );
  });
});

describe('a=key-mgmt (RFC 4567)', () => {
  it('carries a MIKEY message as base64 and reads it back', () => {
    const data = fromHex('01000500e69d51f801000030685760');
    const a = keyMgmtAttribute('mikey', data);
    expect(a.value).toBe('mikey AQAFAOadUfgBAAAwaFdg');
    expect(parseKeyMgmt(a)).toEqual({ protocol: 'mikey', data });
  });

  it('refuses a missing protocol id or bad base64 with KeyMgmtError', () => {
    for (const value of ['', 'mikey', 'mikey AQ=', 'mi key AAAA', 'mikey AA AA']) {
      expect(() => parseKeyMgmt({ name: 'key-mgmt', value })).toThrow(KeyMgmtError);
    }
  });
});

describe('a=crypto (RFC 4568)', () => {
  it('decodes the published inline keys into key and salt', () => {
    for (const v of sdes.inline) {
      const c = parseCryptoAttribute({ name: 'crypto', value: `1 AES_CM_128_HMAC_SHA1_80 inline:${v.inline}|2^20|1:4` });
      expect(toHex(c.keys[0].keySalt)).toBe(v.key + v.salt);
      expect(c.keys[0].lifetime).toBe(2 ** 20);
      expect(c.keys[0].mki).toEqual({ value: 1, length: 4 });
    }
  });

  it("parses RFC 4568 §9.1's session parameters and round-trips", () => {
    const value = `1 AES_CM_128_HMAC_SHA1_32 inline:${sdes.inline[1].inline}|2^20|1:32 KDR=23 FEC_ORDER=SRTP_FEC UNENCRYPTED_SRTP`;
    const c = parseCryptoAttribute({ name: 'crypto', value });
    expect(c.sessionParams).toEqual(['KDR=23', 'FEC_ORDER=SRTP_FEC', 'UNENCRYPTED_SRTP']);
    expect(cryptoAttribute(c).value).toBe(value);
  });

  it('refuses malformed crypto lines with CryptoAttributeError', () => {
    const inline = sdes.inline[0].inline;
    for (const value of ['1 AES_CM_128_HMAC_SHA1_80', `x AES inline:${inline}`, `1 AES uri:${inline}`, `1 AES inline:${inline}|1:0`, `1 AES inline:${inline}|2^99`, `1 AES inline:!!`]) {
      expect(() => parseCryptoAttribute({ name: 'crypto', value })).toThrow(CryptoAttributeError);
    }
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (value) => {
        try {
          parseCryptoAttribute({ name: 'crypto', value });
        } catch (e) {
          expect(e instanceof CryptoAttributeError).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('audio offers and answers', () => {
  it('offers MIKEY at session level on RTP/SAVP, SDES on RTP/SAVP, plain RTP on RTP/AVP', () => {
    const base = { address: '127.0.0.1', rtpPort: 40000, sessionId: '1', sessionVersion: 1 };
    const mikey = parseSdp(serializeSdp(audioDescription({ ...base, keying: { kind: 'mikey', message: fromHex('0100') } })));
    expect(mikey.media[0].protocol).toBe('RTP/SAVP');
    expect(parseKeyMgmt(effectiveAttributes(mikey, mikey.media[0], 'key-mgmt')[0]).data).toEqual(fromHex('0100'));
    const line = parseCryptoAttribute({ name: 'crypto', value: `1 AES_CM_128_HMAC_SHA1_80 inline:${sdes.inline[0].inline}` });
    const sdesOffer = parseSdp(serializeSdp(audioDescription({ ...base, keying: { kind: 'sdes', lines: [line] } })));
    expect(sdesOffer.media[0].protocol).toBe('RTP/SAVP');
    expect(parseCryptoAttribute(effectiveAttributes(sdesOffer, sdesOffer.media[0], 'crypto')[0])).toEqual(line);
    const plain = parseSdp(serializeSdp(audioDescription({ ...base, keying: { kind: 'none' } })));
    expect(plain.media[0].protocol).toBe('RTP/AVP');
    expect(plain.media[0].formats).toEqual(['0', '8', '101']);
    expect(effectiveAttributes(plain, plain.media[0], 'crypto')).toEqual([]);
  });

  it('advertises telephone-event/8000 with events 0-15 (RFC 4733 §7.1.1), on the payload type an offer chose', () => {
    const base = { address: '127.0.0.1', rtpPort: 40000, sessionId: '1', sessionVersion: 1, keying: { kind: 'none' } as const };
    const attrs = (d: ReturnType<typeof audioDescription>) => serializeSdp(d).split('\r\n').filter((l) => /^a=(rtpmap|fmtp)/.test(l));
    expect(attrs(audioDescription(base))).toEqual(['a=rtpmap:0 PCMU/8000', 'a=rtpmap:8 PCMA/8000', 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-15']);
    const answer = audioDescription({ ...base, formats: [0, 8, 96], telephoneEvent: 96 });
    expect(answer.media[0].formats).toEqual(['0', '8', '96']);
    expect(attrs(answer)).toEqual(['a=rtpmap:0 PCMU/8000', 'a=rtpmap:8 PCMA/8000', 'a=rtpmap:96 telephone-event/8000', 'a=fmtp:96 0-15']);
    // An answer to an offer without telephone-event leaves it out.
    expect(attrs(audioDescription({ ...base, formats: [0, 8] }))).toEqual(['a=rtpmap:0 PCMU/8000', 'a=rtpmap:8 PCMA/8000']);
  });
});
