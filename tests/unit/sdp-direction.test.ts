import fc from 'fast-check';
import { afterAnswer, answerHold, heldScreen, holdOffer, NOT_HELD, sending } from '../../modules/phone/call-hold.js';
import { answerDirection, DIRECTIONS, flows, mediaDirection, type Direction } from '../../modules/sdp/direction.js';
import { audioDescription } from '../../modules/sdp/offer-answer.js';
import { parseSdp, SdpParseError, serializeSdp } from '../../modules/sdp/session-description.js';

// RFC 4566 §5's example: a=recvonly at session level, two media lines without their own.
const RFC4566_EXAMPLE = [
  'v=0',
  'o=jdoe 2890844526 2890842807 IN IP4 10.47.16.5',
  's=SDP Seminar',
  'c=IN IP4 224.2.17.12/127',
  't=2873397496 2873404696',
  'a=recvonly',
  'm=audio 49170 RTP/AVP 0',
  'm=video 51372 RTP/AVP 99',
  'a=sendonly',
  '',
].join('\r\n');

describe('media direction (RFC 3264 §5.1, RFC 4566 §6)', () => {
  it('takes the session level when the media has none, the media level over it, sendrecv by default', () => {
    const sdp = parseSdp(RFC4566_EXAMPLE);
    expect(mediaDirection(sdp, sdp.media[0])).toBe('recvonly');
    expect(mediaDirection(sdp, sdp.media[1])).toBe('sendonly');
    const bare = parseSdp(RFC4566_EXAMPLE.replace('a=recvonly\r\n', ''));
    expect(mediaDirection(bare, bare.media[0])).toBe('sendrecv');
  });

  it('refuses two directions at one level', () => {
    const sdp = parseSdp(RFC4566_EXAMPLE.replace('a=sendonly', 'a=sendonly\r\na=inactive'));
    expect(() => mediaDirection(sdp, sdp.media[1])).toThrow(RangeError);
  });

  it('reads back the direction the phone writes into its descriptions', () => {
    for (const direction of DIRECTIONS) {
      const sdp = parseSdp(serializeSdp(audioDescription({ address: '192.0.2.1', rtpPort: 4000, sessionId: '1', sessionVersion: 2, keying: { kind: 'established' }, direction })));
      expect(mediaDirection(sdp, sdp.media[0])).toBe(direction);
      // Keys in force: SRTP profile, no a=key-mgmt (one there starts a new exchange, RFC 3830 §4.5).
      expect(sdp.media[0].protocol).toBe('RTP/SAVP');
      expect(serializeSdp(sdp)).not.toContain('key-mgmt');
    }
  });

  it('answers per RFC 3264 §6.1: sendonly gets recvonly, recvonly sendonly, inactive inactive', () => {
    expect(answerDirection('sendrecv', true, true)).toBe('sendrecv');
    expect(answerDirection('sendonly', true, true)).toBe('recvonly');
    expect(answerDirection('recvonly', true, true)).toBe('sendonly');
    expect(answerDirection('inactive', true, true)).toBe('inactive');
  });

  it('never lets the answer send what the offerer will not receive, nor receive what it will not send', () => {
    const direction = fc.constantFrom<Direction>(...DIRECTIONS);
    fc.assert(
      fc.property(direction, fc.boolean(), fc.boolean(), (offered, wantSend, wantReceive) => {
        const a = flows(answerDirection(offered, wantSend, wantReceive));
        const o = flows(offered);
        expect(a.send && !o.receive).toBe(false);
        expect(a.receive && !o.send).toBe(false);
        expect(a.send && !wantSend).toBe(false);
        expect(a.receive && !wantReceive).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('never crashes on arbitrary direction-like attributes: a direction or a RangeError', () => {
    const line = fc.constantFrom('a=sendrecv', 'a=sendonly', 'a=recvonly', 'a=inactive', 'a=sendonly:x', 'a=rtpmap:0 PCMU/8000', 'a=Sendonly');
    fc.assert(
      fc.property(fc.array(line, { maxLength: 3 }), fc.array(line, { maxLength: 3 }), (session, media) => {
        const text = ['v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 'c=IN IP4 192.0.2.1', 't=0 0', ...session, 'm=audio 4000 RTP/AVP 0', ...media, ''].join('\r\n');
        let sdp;
        try {
          sdp = parseSdp(text);
        } catch (e) {
          expect(e).toBeInstanceOf(SdpParseError);
          return;
        }
        try {
          expect(DIRECTIONS).toContain(mediaDirection(sdp, sdp.media[0]));
        } catch (e) {
          expect(e).toBeInstanceOf(RangeError);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('hold and resume (RFC 3264 §8.4)', () => {
  it('holds with sendonly, is answered recvonly, and resumes with sendrecv', () => {
    expect(holdOffer(NOT_HELD, true)).toBe('sendonly');
    const peer = answerHold(NOT_HELD, 'sendonly');
    expect(peer).toEqual({ direction: 'recvonly', state: { local: false, remote: true } });
    const holder = afterAnswer(true, peer.direction);
    expect(holder).toEqual({ local: true, remote: false });
    expect([heldScreen(holder), heldScreen(peer.state)]).toEqual(['On hold', 'Held by peer']);
    expect([sending(holder), sending(peer.state)]).toEqual([false, false]);
    expect(holdOffer(holder, false)).toBe('sendrecv');
    const resumed = answerHold(peer.state, 'sendrecv');
    expect(resumed).toEqual({ direction: 'sendrecv', state: NOT_HELD });
    expect(afterAnswer(false, resumed.direction)).toEqual(NOT_HELD);
  });

  it('goes inactive when both hold, and each resume lifts only its own side', () => {
    // Bob holds Alice first; then Alice holds too: her offer is inactive (RFC 3264 §8.4).
    const alice = { local: false, remote: true };
    expect(holdOffer(alice, true)).toBe('inactive');
    const bob = answerHold({ local: true, remote: false }, 'inactive');
    expect(bob).toEqual({ direction: 'inactive', state: { local: true, remote: true } });
    // Alice resumes while Bob still holds: she offers recvonly, Bob answers sendonly.
    expect(holdOffer({ local: true, remote: true }, false)).toBe('recvonly');
    const answered = answerHold(bob.state, 'recvonly');
    expect(answered.direction).toBe('sendonly');
    expect(afterAnswer(false, answered.direction)).toEqual({ local: false, remote: true });
  });
});
