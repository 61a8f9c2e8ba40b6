// The callee's decision on the seed paper's offer shape (Fig. 6, 7): an RTP/SAVP line keyed with
// MIKEY (or SDES a=crypto) and a plain RTP/AVP line. It takes one audio line, as its SRTP mode
// allows, and the answer disables the other (RFC 3264 §6); nothing acceptable is refused (488).
import fc from 'fast-check';
import { CALL_POLICY, sdpIds, tableExtension } from '../../modules/phone/call-negotiation.js';
import { decideLines, type LinesOffer } from '../../modules/phone/call-lines.js';
import type { IncomingContext, IncomingRefusal } from '../../modules/phone/call-incoming.js';
import { makeOffer, type KeyingContext } from '../../modules/phone/keying.js';
import { ReplayCache } from '../../modules/mikey/replay-cache.js';
import { keyMgmtAttribute } from '../../modules/sdp/key-mgmt.js';
import { audioDescription } from '../../modules/sdp/offer-answer.js';
import { serializeSdp } from '../../modules/sdp/session-description.js';
import { factorySettings, type Settings } from '../../modules/settings/model.js';
import { credentials, crypto } from '../support/mikey-pk-parties.js';
import { FIXTURE_NOW } from '../support/pki-fixtures.js';
import { seededRandom } from '../support/pki-random.js';

const alice = credentials('alice');
const bob = credentials('bob');
const PSK = Uint8Array.from({ length: 32 }, (_, i) => 0x40 + i);
// RFC 4568 §9.1's inline key.
const CRYPTO = 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz';

/** The paper's offer as text: line 1 RTP/SAVP with `keyLines`, line 2 the same stream as RTP/AVP. */
function paperOffer(keyLines: string[], secondPort = 49000): string {
  return [
    'v=0', 'o=alice 1 1 IN IP4 192.0.2.10', 's=-', 'c=IN IP4 192.0.2.10', 't=0 0',
    'm=audio 49000 RTP/SAVP 98', 'a=rtpmap:98 PCMU/8000', ...keyLines,
    `m=audio ${secondPort} RTP/AVP 98`, 'a=rtpmap:98 PCMU/8000', '',
  ].join('\r\n');
}

function keying(self: typeof alice, seed: string, psk?: Record<string, Uint8Array>): KeyingContext {
  return { selfUri: self.uri, credentials: self, pskFor: (p) => psk?.[p], peerCertificate: () => undefined, crypto, random: seededRandom(seed), nowMs: FIXTURE_NOW, replay: new ReplayCache(3600_000) };
}

function context(settings: Settings, log: string[], psk?: Record<string, Uint8Array>): IncomingContext {
  return {
    settings,
    hal: { log: (l) => void log.push(l), random: { bytes: (n) => new Uint8Array(n).fill(0x5a) }, clock: { monotonicMs: () => 0, wallClockMs: () => FIXTURE_NOW } },
    keying: () => keying(bob, 'bob', psk),
    description: (rtpPort, k) => serializeSdp(audioDescription({ address: '192.0.2.20', rtpPort, sessionId: '2', sessionVersion: 1, keying: k })),
  };
}

/** Alice's MIKEY offer keyed with `ka`, her factory table in it, as an a=key-mgmt line. */
function mikeyLine(ka: 'PSK' | 'DH'): string {
  const own = factorySettings().priorities;
  const offer = makeOffer(ka, keying(alice, `offer-${ka}`, { [bob.uri]: PSK }), bob.uri, 0, [tableExtension({ role: 'offerer', policy: CALL_POLICY, table: own }), sdpIds(['mikey'])]);
  const a = keyMgmtAttribute('mikey', offer.message);
  return `a=${a.name}:${a.value}`;
}

const optional = factorySettings();
const taken = (d: LinesOffer | IncomingRefusal) => ('refused' in d ? 'refused' : d.lines?.taken);

describe('the paper offer shape at the callee (RFC 3264 §6)', () => {
  it('takes MIKEY on the RTP/SAVP line, with the caller table, and keeps both lines for the answer', () => {
    const log: string[] = [];
    const d = decideLines(context(optional, log, { [alice.uri]: PSK }), 'c1', alice.uri, paperOffer([mikeyLine('PSK')]));
    if ('refused' in d) throw new Error(log.join('\n'));
    expect(d.keyed?.protection).toBe('mikey-priority');
    expect(d.lines).toEqual({ lines: [{ media: 'audio', protocol: 'RTP/SAVP', formats: ['98'] }, { media: 'audio', protocol: 'RTP/AVP', formats: ['98'] }], taken: 0 });
    expect(log).toEqual(['incoming call c1: taking m= line 1 of 2 (RTP/SAVP); the others at port 0']);
  });

  it('takes the plain line when this phone cannot key MIKEY with the caller and no key agreement both hold is left', () => {
    // Bob has no PSK for Alice and no certificate to do DH: nothing keyed is possible; Optional takes plain.
    const log: string[] = [];
    const noCert: IncomingContext = { ...context(optional, log), keying: () => ({ ...keying(bob, 'bob'), credentials: undefined }) };
    const d = decideLines(noCert, 'c2', alice.uri, paperOffer([mikeyLine('PSK')], 49002));
    expect(taken(d)).toBe(1);
    expect(d).toMatchObject({ remote: { address: '192.0.2.10', port: 49002 } });
    expect((d as LinesOffer).keyed).toBeUndefined();
  });

  it('does not pass over a MIKEY line refused with its table for the plain line: the caller re-offers keyed (seed §2.1.3)', () => {
    // Alice offers PSK; Bob has no PSK for her but can do DH: 488 with Bob's table, not plain RTP.
    const d = decideLines(context(optional, []), 'c3', alice.uri, paperOffer([mikeyLine('PSK')]));
    expect(d).toMatchObject({ refused: 488 });
    expect((d as IncomingRefusal).body).toContain('a=key-mgmt:mikey ');
  });

  it('takes SDES on the first line, and plain RTP on the second where SDES is not possible', () => {
    expect(taken(decideLines(context(optional, []), 'c4', alice.uri, paperOffer([CRYPTO])))).toBe(0);
    const only32 = { ...optional, priorities: { ...optional.priorities, suites: optional.priorities.suites.map((s) => ({ ...s, enabled: s.name === 'AES_CM_128_HMAC_SHA1_32' })) } };
    expect(taken(decideLines(context(only32, []), 'c5', alice.uri, paperOffer([CRYPTO])))).toBe(1);
    // SRTP off: the plain line, whatever the first carries.
    expect(taken(decideLines(context({ ...optional, srtpMode: 'Off' }, []), 'c6', alice.uri, paperOffer([CRYPTO])))).toBe(1);
  });

  it('refuses (488) when neither line is acceptable: Mandatory without usable keys, a pinned MIKEY peer offering no MIKEY', () => {
    const only32 = { ...optional, srtpMode: 'Mandatory' as const, priorities: { ...optional.priorities, suites: optional.priorities.suites.map((s) => ({ ...s, enabled: s.name === 'AES_CM_128_HMAC_SHA1_32' })) } };
    expect(decideLines(context(only32, []), 'c7', alice.uri, paperOffer([CRYPTO]))).toEqual({ refused: 488, body: '' });
    const pinned = { ...optional, learnedPeers: { [alice.uri]: { table: optional.priorities, learnedAt: 1 } } };
    expect(decideLines(context(pinned, []), 'c8', alice.uri, paperOffer([CRYPTO.replace('AES_CM_128_HMAC_SHA1_80', 'NO_SUCH_SUITE')]))).toEqual({ refused: 488, body: '' });
    // Both lines disabled by the offerer.
    const log: string[] = [];
    expect(decideLines(context(optional, log), 'c9', alice.uri, paperOffer([CRYPTO]).replace('49000 RTP/SAVP', '0 RTP/SAVP').replace('49000 RTP/AVP', '0 RTP/AVP'))).toEqual({ refused: 488, body: '' });
    expect(log).toEqual(['incoming call c9 refused: no audio line enabled']);
  });

  it('answers a one-line offer as before, without a layout', () => {
    const one = paperOffer([CRYPTO]).split('m=audio 49000 RTP/AVP')[0];
    const d = decideLines(context(optional, []), 'c10', alice.uri, one);
    expect('refused' in d ? d : d.lines).toBeUndefined();
  });

  it('fuzz: offers of any m= lines are refused or take exactly one enabled audio line, never throwing', () => {
    const mLine = fc.tuple(fc.constantFrom('audio', 'video'), fc.constantFrom(0, 4000), fc.constantFrom('RTP/AVP', 'RTP/SAVP', 'RTP/SAVPF', 'TCP/MSRP')).map(([m, p, pr]) => `m=${m} ${p} ${pr} 0`);
    const other = fc.constantFrom('a=rtpmap:0 PCMU/8000', CRYPTO, 'a=key-mgmt:mikey AQID', 'a=key-mgmt:mikey', 'c=IN IP4 192.0.2.9', 'a=inactive', 'a=crypto:x');
    fc.assert(
      fc.property(fc.array(fc.oneof(mLine, other), { maxLength: 8 }), fc.constantFrom<Settings['srtpMode']>('Off', 'Optional', 'Mandatory'), (lines, srtpMode) => {
        const body = ['v=0', 'o=- 1 1 IN IP4 192.0.2.9', 's=-', 'c=IN IP4 192.0.2.9', 't=0 0', ...lines, ''].join('\r\n');
        const d = decideLines(context({ ...optional, srtpMode }, []), 'f', alice.uri, body);
        if ('refused' in d) return expect(d.refused).toBe(488);
        const m = body.split('\r\n').filter((l) => l.startsWith('m='));
        if (m.length > 1) {
          expect(d.lines?.lines).toHaveLength(m.length);
          expect(m[d.lines!.taken]).toMatch(/^m=audio 4000 /);
          // Keys under Mandatory, none under Off (an SDES line may be RTP/AVP, as baresip offers it).
          if (srtpMode === 'Mandatory') expect(d.keyed).toBeDefined();
          if (srtpMode === 'Off') expect(d.keyed).toBeUndefined();
        }
      }),
      { numRuns: 400 },
    );
  });
});
