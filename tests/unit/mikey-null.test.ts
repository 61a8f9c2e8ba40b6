// MIKEY-NULL (KEMAC NULL/NULL): the SRTP keys of public GStreamer/gortsplib/live555/ONVIF messages
// are the 30-byte TEK split into key (16) ‖ salt (14), shared by all crypto sessions; our own offer
// decodes the same way; a protected KEMAC is not mistaken for one.
import { nobleCrypto as crypto } from '../../hal/noble-crypto.js';
import { decodeMessage } from '../../modules/mikey/codec.js';
import { MikeyError } from '../../modules/mikey/mikey-error.js';
import { nullOffer, openNull } from '../../modules/mikey/mikey-null.js';
import { sessionKeys } from '../../modules/mikey/session-keys.js';
import { suitePolicy } from '../../modules/mikey/srtp-policy.js';
import { fromHex, toHex } from '../../modules/util/bytes.js';
import vectors from '../fixtures/mikey-vectors.json';
import { seededRandom } from '../support/pki-random.js';

const hexOf = (name: string) => (vectors as unknown as Record<string, { hex: string }>)[name].hex;

describe('MIKEY-NULL', () => {
  it('gortsplib two-CS message: one TEK keys both sessions', () => {
    const { keys } = openNull(crypto, decodeMessage(fromHex(hexOf('mikey_null_two_cs'))));
    // The TEK in the message is 991b0f14…0649b (hex above, after the key data header 00 20 00 1e).
    expect(keys.map((k) => [k.csId, toHex(k.masterKey), toHex(k.masterSalt)])).toEqual([
      [1, '991b0f148f094b4e5b8b3053cd627687', '7fcced1866f141772adddde7064b'],
      [2, '991b0f148f094b4e5b8b3053cd627687', '7fcced1866f141772adddde7064b'],
    ]);
  });

  it('live555/Axis message: key, salt and MKI', () => {
    const { keys, mkis } = openNull(crypto, decodeMessage(fromHex(hexOf('live555_axis_tek_mki'))));
    expect(toHex(keys[0].masterKey)).toBe('a67335a9c40b0ad5cc519f2299786113');
    expect(toHex(keys[0].masterSalt)).toBe('82b7edbd4f4cc6a5dd684381db2c');
    expect(mkis).toEqual([fromHex('00000001')]);
  });

  it('our offer opens to the keys it was given', () => {
    const masterKey = fromHex('000102030405060708090a0b0c0d0e0f');
    const masterSalt = fromHex('a0a1a2a3a4a5a6a7a8a9aaabacad');
    const bytes = nullOffer({ sessions: [{ policy: 0, ssrc: 7, roc: 0 }], policies: [suitePolicy(0, 'AES_CM_128_HMAC_SHA1_80')], masterKey, masterSalt, mki: fromHex('0000002a'), csbId: 5 }, { random: seededRandom('n'), nowMs: Date.UTC(2026, 0, 1) });
    const { keys, mkis } = openNull(crypto, decodeMessage(bytes));
    expect([toHex(keys[0].masterKey), toHex(keys[0].masterSalt), toHex(mkis[0]!)]).toEqual([toHex(masterKey), toHex(masterSalt), '0000002a']);
  });

  it('TEK+SALT, one TEK per session, and bad TEK lengths', () => {
    const header = { dataType: 0, v: false, prf: 0, csbId: 1, map: { type: 'srtp-id' as const, sessions: [{ policy: 0, ssrc: 1, roc: 0 }, { policy: 0, ssrc: 2, roc: 0 }] } };
    const key = (b: number) => new Uint8Array(16).fill(b);
    const salt = (b: number) => new Uint8Array(14).fill(b);
    const keys = sessionKeys(crypto, header, [
      { type: 'KEY_DATA', keyType: 3, key: key(1), salt: salt(2), kv: { type: 'none' } },
      { type: 'KEY_DATA', keyType: 3, key: key(3), salt: salt(4), kv: { type: 'none' } },
    ], undefined);
    expect(keys.map((k) => [k.masterKey[0], k.masterSalt[0]])).toEqual([[1, 2], [3, 4]]);
    expect(() => sessionKeys(crypto, header, [{ type: 'KEY_DATA', keyType: 2, key: key(1), kv: { type: 'none' } }], undefined)).toThrow(MikeyError);
    expect(() => sessionKeys(crypto, header, [{ type: 'KEY_DATA', keyType: 0, key: key(1), kv: { type: 'none' } }], undefined)).toThrow(/RAND/);
  });

  it('a KEMAC with encryption or a MAC is not MIKEY-NULL', () => {
    const m = decodeMessage(fromHex(hexOf('mikey_null_one_cs')));
    const protectedKemac = { ...m, payloads: m.payloads.map((p) => (p.type === 'KEMAC' ? { ...p, encrAlg: 1 } : p)) };
    expect(() => openNull(crypto, protectedKemac)).toThrow(/not MIKEY-NULL/);
  });
});
