// The PK modes' key derivation against an independent implementation of RFC 3830 written here on
// node:crypto: the PRF (§4.1.2, full last 256-bit block), the transport and SRTP key labels
// (§4.1.3, §4.1.4) and KEMAC's AES-CM (§4.2.3) as plain AES-128-CTR.
import { createCipheriv, createHmac } from 'node:crypto';
import { nobleCrypto } from '../../hal/noble-crypto.js';
import { kemacCipher, mikeyPrf, srtpKeys, transportKeys } from '../../modules/mikey/pk-keys.js';
import { toHex } from '../../modules/util/bytes.js';

const hmac = (key: Buffer, data: Buffer) => createHmac('sha1', key).update(data).digest();

function referencePrf(inkey: Buffer, label: Buffer, length: number): Buffer {
  const m = Math.ceil(length / 20);
  const out = Buffer.alloc(m * 20);
  for (let offset = 0; offset < inkey.length; offset += 32) {
    const s = inkey.subarray(offset, offset + 32);
    let a = label;
    for (let i = 0; i < m; i++) {
      a = hmac(s, a);
      const block = hmac(s, Buffer.concat([a, label]));
      for (let j = 0; j < 20; j++) out[i * 20 + j] ^= block[j];
    }
  }
  return out.subarray(0, length);
}

const bytes = (n: number, seed: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) & 255));

describe('PK key derivation against node:crypto', () => {
  it.each([16, 20, 32, 33, 64, 192])('PRF with a %s-byte inkey', (n) => {
    const inkey = bytes(n, n);
    const label = bytes(25, 7);
    for (const length of [14, 16, 20, 30, 46]) {
      expect(toHex(mikeyPrf(nobleCrypto, inkey, label, length))).toBe(referencePrf(inkey, label, length).toString('hex'));
    }
  });

  it('transport keys and SRTP keys use the RFC 3830 labels', () => {
    const inkey = bytes(16, 3);
    const rand = bytes(16, 9);
    const csb = Buffer.from([0xde, 0xad, 0xbe, 0xef]);
    const t = transportKeys(nobleCrypto, inkey, 0xdeadbeef, rand);
    const transport = (c: string, n: number) => referencePrf(inkey, Buffer.concat([Buffer.from(c, 'hex'), Buffer.from([0xff]), csb, rand]), n).toString('hex');
    expect([toHex(t.encrKey), toHex(t.authKey), toHex(t.saltKey)]).toEqual([transport('150533e1', 16), transport('2d22ac75', 20), transport('29b88916', 14)]);
    const [cs1, cs2] = srtpKeys(nobleCrypto, inkey, 0xdeadbeef, rand, 2);
    const tek = (c: string, cs: number, n: number) => referencePrf(inkey, Buffer.concat([Buffer.from(c, 'hex'), Buffer.from([cs]), csb, rand]), n).toString('hex');
    expect([cs1.csId, toHex(cs1.masterKey), toHex(cs1.masterSalt)]).toEqual([1, tek('2ad01c64', 1, 16), tek('39a2c14b', 1, 14)]);
    expect([cs2.csId, toHex(cs2.masterKey), toHex(cs2.masterSalt)]).toEqual([2, tek('2ad01c64', 2, 16), tek('39a2c14b', 2, 14)]);
  });

  it('KEMAC AES-CM is AES-128-CTR from (salt ⊕ (0 ‖ CSB ‖ T)) ‖ 0x0000', () => {
    const keys = transportKeys(nobleCrypto, bytes(16, 1), 0x01020304, bytes(16, 2));
    const t = bytes(8, 5);
    const plain = bytes(45, 11);
    const iv = Buffer.alloc(16);
    Buffer.from(keys.saltKey).copy(iv);
    const mix = Buffer.concat([Buffer.alloc(2), Buffer.from([1, 2, 3, 4]), t]);
    for (let i = 0; i < 14; i++) iv[i] ^= mix[i];
    const expected = createCipheriv('aes-128-ctr', Buffer.from(keys.encrKey), iv).update(plain).toString('hex');
    expect(toHex(kemacCipher(nobleCrypto, keys, 0x01020304, t, plain))).toBe(expected);
  });
});
