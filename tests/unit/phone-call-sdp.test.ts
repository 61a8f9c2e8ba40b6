import fc from 'fast-check';
import { hostPort, keyMgmtProtocols, mediaTarget, mikeyIn, peerStream } from '../../modules/phone/call-sdp.js';
import { DIRECTIONS, flows } from '../../modules/sdp/direction.js';
import { KeyMgmtError } from '../../modules/sdp/key-mgmt.js';
import { parseSdp } from '../../modules/sdp/session-description.js';

/** A one-stream offer in the shape of RFC 4567 §3.1 and RFC 4733 §7.1.1, with extra lines `extra`. */
function offer(extra: string[], session: string[] = []): string {
  return [
    'v=0',
    'o=alice 2891092738 2891092738 IN IP4 192.0.2.10',
    's=-',
    'c=IN IP4 192.0.2.10',
    't=0 0',
    ...session,
    'm=audio 49170 RTP/SAVP 0 101',
    'a=rtpmap:0 PCMU/8000',
    ...extra,
    '',
  ].join('\r\n');
}

describe('call-sdp: host:port text (RFC 3261 §19.1.2 default port 5060)', () => {
  it('reads host and port, defaults the port, refuses anything else', () => {
    expect(hostPort('127.0.0.1:5070')).toEqual({ address: '127.0.0.1', port: 5070 });
    expect(hostPort(' proxy.example.com ')).toEqual({ address: 'proxy.example.com', port: 5060 });
    expect(hostPort('')).toBe(undefined);
    expect(hostPort('a b:5060')).toBe(undefined);
    expect(hostPort('host:')).toBe(undefined);
    expect(hostPort('host:123456')).toBe(undefined);
  });

  it('never throws: any text gives undefined or a host with a port of at most five digits', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        const hp = hostPort(text);
        if (hp === undefined) return;
        expect(hp.address.length).toBeGreaterThan(0);
        expect(Number.isInteger(hp.port) && hp.port >= 0 && hp.port <= 99999).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('call-sdp: the peer audio target (RFC 4566 §5.7, §5.14; RFC 4733 §7.1.1)', () => {
  it('takes the session-level c= and the m= port, and the telephone-event payload type offered', () => {
    const sdp = parseSdp(offer(['a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-15']));
    expect(mediaTarget(sdp)).toEqual({ address: '192.0.2.10', port: 49170, telephoneEvent: 101 });
  });

  it('prefers a media-level c= and ignores a telephone-event rtpmap whose payload type is not in m=', () => {
    const sdp = parseSdp(offer(['c=IN IP4 198.51.100.7', 'a=rtpmap:96 telephone-event/8000']));
    expect(mediaTarget(sdp)).toEqual({ address: '198.51.100.7', port: 49170 });
  });

  it('refuses a rejected (port 0) or missing audio stream with a RangeError', () => {
    expect(() => mediaTarget(parseSdp(offer([]).replace('m=audio 49170', 'm=audio 0')))).toThrow(RangeError);
    expect(() => mediaTarget(parseSdp(offer([]).replace('m=audio', 'm=video')))).toThrow(RangeError);
  });
});

describe('call-sdp: a=key-mgmt lines (RFC 4567 §3.1)', () => {
  // base64 of the bytes 01 02 03 04 (RFC 4648 §4).
  const data = new Uint8Array([1, 2, 3, 4]);

  it('reads the MIKEY data of the first key-mgmt line, at media or session level', () => {
    expect(mikeyIn(parseSdp(offer(['a=key-mgmt:mikey AQIDBA=='])))).toEqual(data);
    expect(mikeyIn(parseSdp(offer([], ['a=key-mgmt:mikey AQIDBA=='])))).toEqual(data);
    expect(mikeyIn(parseSdp(offer([])))).toBe(undefined);
    expect(mikeyIn(parseSdp(offer(['a=key-mgmt:kerberos AQIDBA=='])))).toBe(undefined);
  });

  it('lists every protocol id, skipping lines it cannot read; a bad MIKEY line is a KeyMgmtError', () => {
    const sdp = parseSdp(offer(['a=key-mgmt:mikey AQIDBA==', 'a=key-mgmt:broken', 'a=key-mgmt:kerberos AQIDBA==']));
    expect(keyMgmtProtocols(sdp)).toEqual(['mikey', 'kerberos']);
    expect(keyMgmtProtocols(parseSdp(offer([]).replace('m=audio', 'm=video')))).toEqual([]);
    expect(() => mikeyIn(parseSdp(offer(['a=key-mgmt:mikey'])))).toThrow(KeyMgmtError);
  });
});

describe('call-sdp: the peer stream of a re-offer or answer (RFC 3264 §8.3.1, §8.4)', () => {
  it('gives the protocol, where the audio goes now and the direction', () => {
    expect(peerStream(parseSdp(offer(['a=sendonly'])))).toEqual({ protocol: 'RTP/SAVP', target: { address: '192.0.2.10', port: 49170 }, direction: 'sendonly' });
    expect(peerStream(parseSdp(offer([]).replace('m=audio 49170', 'm=audio 50000').replace('c=IN IP4 192.0.2.10', 'c=IN IP4 192.0.2.99')))).toEqual({
      protocol: 'RTP/SAVP',
      target: { address: '192.0.2.99', port: 50000 },
      direction: 'sendrecv',
    });
  });

  it('reads c=0.0.0.0 as the older hold: no new target, and the peer receives nothing', () => {
    for (const direction of DIRECTIONS) {
      const held = peerStream(parseSdp(offer([`a=${direction}`]).replace('c=IN IP4 192.0.2.10', 'c=IN IP4 0.0.0.0')));
      expect(held.target).toBe(undefined);
      expect(flows(held.direction)).toEqual({ send: flows(direction).send, receive: false });
    }
  });

  it('refuses a description without an audio stream, or with the stream refused (port 0)', () => {
    expect(() => peerStream(parseSdp(offer([]).replace('m=audio 49170', 'm=audio 0')))).toThrow(RangeError);
    expect(() => peerStream(parseSdp(offer([]).replace('m=audio', 'm=video')))).toThrow(RangeError);
  });
});
