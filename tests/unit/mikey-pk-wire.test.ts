// The public-key modes' wire subset: payloads round-trip canonically, the byte layout matches
// RFC 3830 §6 written out by hand, and no input makes the decoder (or a responder's screening)
// throw anything but its typed error.
import fc from 'fast-check';
import { dhhmacScreen } from '../../modules/mikey/dhhmac.js';
import { dhScreen } from '../../modules/mikey/dh.js';
import { pkeOffer, pkeScreen } from '../../modules/mikey/pke.js';
import { rsaRScreen } from '../../modules/mikey/rsa-r.js';
import { ntpTimestamp, ntpToMs } from '../../modules/mikey/pk-message.js';
import { MikeyError } from '../../modules/mikey/mikey-error.js';
import { decodeKeyData, decodeMessage, encodeKeyData, encodeMessage, type Message } from '../../modules/mikey/pk-wire.js';
import { fromHex, toHex } from '../../modules/util/bytes.js';
import { credentials, crypto, environment, replayCache, responderContext } from '../support/mikey-pk-parties.js';
import { fixtureBytes } from '../support/pki-fixtures.js';

const sample: Message = {
  header: { dataType: 4, v: true, csbId: 0x01020304, sessions: [{ policy: 0, ssrc: 0xdeadbeef, roc: 1 }] },
  payloads: [
    { type: 'T', tsType: 0, value: fromHex('0102030405060708') },
    { type: 'RAND', value: fromHex('00112233') },
    { type: 'ID', idType: 1, value: fromHex('6162') },
    { type: 'CERT', certType: 0, value: fromHex('3000') },
    { type: 'CHASH', hashFunc: 1, value: new Uint8Array(16) },
    { type: 'SP', policy: 0, protType: 0, params: fromHex('000101') },
    { type: 'KEMAC', encrAlg: 1, encrData: fromHex('aabb'), macAlg: 1, mac: new Uint8Array(20).fill(7) },
    { type: 'PKE', cache: 2, data: fromHex('ccdd') },
    { type: 'DH', group: 1, value: new Uint8Array(96).fill(5) },
    { type: 'V', macAlg: 0, mac: new Uint8Array(0) },
    { type: 'ERR', errorNo: 6 },
    { type: 'GENEXT', extType: 0xf0, data: fromHex('0102') },
    { type: 'SIGN', signType: 1, signature: fromHex('eeff') },
  ],
};

describe('PK wire subset', () => {
  it('encodes the layout RFC 3830 §6 gives, byte for byte', () => {
    const hex = toHex(encodeMessage(sample));
    // HDR: version 1, type 4, next T (5), V=1|PRF 0, CSB, #CS 1, map SRTP-ID, (policy 0, SSRC, ROC 1).
    expect(hex.slice(0, 38)).toBe('0104058001020304010000deadbeef00000001');
    // T: next RAND (11), NTP-UTC (0), value; RAND: next ID (6), length 4, value.
    expect(hex.slice(38, 58)).toBe('0b000102030405060708');
    expect(hex.slice(58, 70)).toBe('060400112233');
    // ID: next CERT (7), URI (1), length 2, "ab"; CERT: next CHASH (8), X.509v3, length 2, 3000.
    expect(hex.slice(70, 82)).toBe('07010002' + '6162');
    expect(hex.slice(82, 94)).toBe('08000002' + '3000');
    // General Extension (§6.15): next SIGN (4), type 0xF0, length 2, data.
    expect(hex).toContain('04' + 'f0' + '0002' + '0102');
    // SIGN, last: S type 1 in the top 4 bits, length 2, no next-payload byte.
    expect(hex.slice(-8)).toBe('1002eeff');
    // PKE (next DH = 3): C = 2 in the top 2 bits of a 16-bit word with a 14-bit length.
    expect(hex).toContain('03' + '8002' + 'ccdd');
  });

  it('round-trips every payload and tolerates one trailing zero byte', () => {
    const bytes = encodeMessage(sample);
    expect(decodeMessage(bytes)).toEqual(sample);
    const padded = new Uint8Array(bytes.length + 1);
    padded.set(bytes);
    expect(decodeMessage(padded)).toEqual(sample);
    padded[padded.length - 1] = 1;
    expect(() => decodeMessage(padded)).toThrow(MikeyError);
  });

  it('round-trips KEMAC key data (ID then TGK)', () => {
    const items = [{ type: 'ID' as const, idType: 1, value: fromHex('616263') }, { type: 'TGK' as const, key: new Uint8Array(16).fill(9) }];
    const bytes = encodeKeyData(items);
    // ID: next = key data (20), URI, length 3, "abc"; key data: next = last, TGK|KV NULL, length 16, key.
    expect(toHex(bytes)).toBe('14' + '01' + '0003' + '616263' + '00' + '00' + '0010' + '09'.repeat(16));
    expect(decodeKeyData(bytes, 6)).toEqual(items);
    expect(() => decodeKeyData(bytes.subarray(0, bytes.length - 1), 6)).toThrow(MikeyError);
  });

  it('converts NTP-UTC timestamps in both NTP eras (RFC 4330 §3)', () => {
    // 1970-01-01 is NTP second 2208988800 = 0x83aa7e80.
    expect(toHex(ntpTimestamp(0))).toBe('83aa7e8000000000');
    const after2036 = Date.UTC(2040, 0, 1, 12, 0, 0, 500);
    expect(ntpToMs(ntpTimestamp(after2036))).toBe(after2036);
    expect(ntpToMs(ntpTimestamp(Date.UTC(2026, 10, 25)))).toBe(Date.UTC(2026, 10, 25));
  });

  it('decodes random bytes to a message or a MikeyError, nothing else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          decodeMessage(bytes);
        } catch (e) {
          if (!(e instanceof MikeyError)) throw e;
        }
      }),
      { numRuns: 300 },
    );
  });

  it('screens any corruption of a valid offer to a refusal or a screened offer, never an exception', () => {
    const alice = credentials('alice');
    const bob = credentials('bob');
    const offer = pkeOffer({ self: alice, crypto, env: environment('fuzz'), responderUri: bob.uri, responderCertificate: fixtureBytes('bob'), ssrcs: [1] }).message;
    const screens = [
      (m: Uint8Array) => pkeScreen(m, responderContext(bob, alice.uri, replayCache())),
      (m: Uint8Array) => dhScreen(m, responderContext(bob, alice.uri, replayCache())),
      (m: Uint8Array) => rsaRScreen(m, responderContext(bob, alice.uri, replayCache())),
      (m: Uint8Array) => dhhmacScreen(m, { selfUri: bob.uri, pskFor: () => undefined, crypto, env: environment('r'), replay: replayCache(), fromUri: alice.uri }),
    ];
    fc.assert(
      fc.property(fc.nat(offer.length - 1), fc.integer({ min: 1, max: 255 }), fc.nat(3), fc.nat(40), (at, flip, which, cut) => {
        const bad = offer.slice(0, offer.length - cut);
        if (at < bad.length) bad[at] ^= flip;
        const result = screens[which](bad);
        if (result.ok) expect(screens[which]).toBe(screens[0]);
      }),
      { numRuns: 150 },
    );
  });
});
