import fc from 'fast-check';
import { decideIncoming, type IncomingContext } from '../../modules/phone/call-incoming.js';
import { factorySettings, type Settings } from '../../modules/settings/model.js';
import { parseTable } from '../../modules/negotiation/table.js';
import { fromHex } from '../../modules/util/bytes.js';

// RFC 4568 example inline key, split into key and salt (copied from /work/shared/vectors/sdes.json).
const INLINE = 'WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz';
const KEY = '59535f5f5f73656d63746c202829207b';
const SALT = '093232303b7d0a7d0a756e6c6573';
const ALICE = 'sip:alice@192.0.2.10';

function offer(protocol: string, extra: string[] = []): string {
  return ['v=0', 'o=alice 1 1 IN IP4 192.0.2.10', 's=-', 'c=IN IP4 192.0.2.10', 't=0 0', `m=audio 49170 ${protocol} 0`, 'a=rtpmap:0 PCMU/8000', ...extra, ''].join('\r\n');
}

/** A context for offers without MIKEY: these never need MIKEY keying nor a 488 body with a table. */
function context(settings: Settings, lines: string[]): IncomingContext {
  return {
    settings,
    hal: {
      log: (line) => void lines.push(line),
      random: { bytes: (n) => new Uint8Array(n).fill(0x5a) },
      clock: { monotonicMs: () => 0, wallClockMs: () => 0 },
    },
    keying: () => {
      throw new Error('these offers carry no MIKEY');
    },
    description: () => {
      throw new Error('these offers are not refused with a table');
    },
  };
}

describe('call-incoming: the callee decides on an offer without MIKEY', () => {
  it('takes plain RTP when SRTP is optional', () => {
    const lines: string[] = [];
    expect(decideIncoming(context(factorySettings(), lines), 'c1', ALICE, offer('RTP/AVP'))).toEqual({ remote: { address: '192.0.2.10', port: 49170 }, answerExtensions: [] });
    expect(lines).toEqual([]);
  });

  it('takes an SDES offer (RFC 4568 §7.1.3): the peer key and salt from its inline key, ours on the same tag and suite', () => {
    const d = decideIncoming(context(factorySettings(), []), 'c1', ALICE, offer('RTP/SAVP', [`a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${INLINE}`]));
    if ('refused' in d) throw new Error('refused');
    expect(d.keyed).toEqual({ method: 'SDES', suite: 'AES_CM_128_HMAC_SHA1_80', protection: 'sdes' });
    expect(d.sdes!.theirs).toMatchObject({ masterKey: fromHex(KEY), masterSalt: fromHex(SALT) });
    expect(d.sdes!.answer).toMatchObject({ tag: 1, suite: 'AES_CM_128_HMAC_SHA1_80' });
  });

  it('refuses with 488 and logs why: SRTP mandatory, SRTP off, suite not enabled, a pinned MIKEY peer', () => {
    const lines: string[] = [];
    const refused = { refused: 488, body: '' };
    expect(decideIncoming(context({ ...factorySettings(), srtpMode: 'Mandatory' }, lines), 'c1', ALICE, offer('RTP/AVP'))).toEqual(refused);
    expect(decideIncoming(context({ ...factorySettings(), srtpMode: 'Off' }, lines), 'c2', ALICE, offer('RTP/SAVP', [`a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${INLINE}`]))).toEqual(refused);
    const only32 = { ...factorySettings(), priorities: parseTable('DH;AES_CM_128_HMAC_SHA1_32') };
    expect(decideIncoming(context(only32, lines), 'c3', ALICE, offer('RTP/SAVP', [`a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${INLINE}`]))).toEqual(refused);
    const pinned = { ...factorySettings(), learnedPeers: { [ALICE]: { table: factorySettings().priorities, learnedAt: 1 } } };
    expect(decideIncoming(context(pinned, lines), 'c4', ALICE, offer('RTP/AVP'))).toEqual(refused);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe('incoming call c1 refused: SRTP is mandatory on this phone');
    expect(lines[1]).toBe('incoming call c2 refused: SRTP is off on this phone');
    expect(lines[2]).toContain('incoming call c3 refused: ');
    expect(lines[3]).toBe(`incoming call c4 refused: ${ALICE} is known to speak MIKEY; refusing a weaker offer`);
  });

  it('in SRTP mode Off takes a plain offer from a peer it once had a MIKEY call with: pinning guards SRTP, Off has none', () => {
    // Found by the model (tests/model/negotiation.pml -DOLD_OFF_PINNING): two phones that met switch
    // to Off and can never call each other, though Off "offers and accepts only plain RTP".
    const lines: string[] = [];
    const pinnedOff = { ...factorySettings(), srtpMode: 'Off' as const, learnedPeers: { [ALICE]: { table: factorySettings().priorities, learnedAt: 1 } } };
    expect(decideIncoming(context(pinnedOff, lines), 'c1', ALICE, offer('RTP/AVP'))).toEqual({ remote: { address: '192.0.2.10', port: 49170 }, answerExtensions: [] });
    expect(lines).toEqual([]);
    // In Off a secured offer is still refused, as from anyone.
    expect(decideIncoming(context(pinnedOff, lines), 'c2', ALICE, offer('RTP/SAVP', [`a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${INLINE}`]))).toEqual({ refused: 488, body: '' });
    expect(lines).toEqual(['incoming call c2 refused: SRTP is off on this phone']);
  });

  it('never throws on malformed offers: any text, or any a=crypto value, is decided or refused', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        expect(decideIncoming(context(factorySettings(), []), 'c1', ALICE, text)).toEqual({ refused: 488, body: '' });
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }).filter((v) => !/[\r\n]/.test(v)), (value) => {
        const d = decideIncoming(context(factorySettings(), []), 'c1', ALICE, offer('RTP/SAVP', [`a=crypto:${value}`]));
        expect('refused' in d || d.keyed?.method === 'SDES').toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
