// The default provider's AES entry points as SRTP drives them, against @noble's own CTR and ECB:
// any key size, any start counter (including carries across the 32-bit words), any length.
import { ctr, ecb } from '@noble/ciphers/aes.js';
import fc from 'fast-check';
import { nobleCrypto } from '../../hal/noble-crypto.js';
import { toHex } from '../../modules/util/bytes.js';

const key = fc.constantFrom(16, 24, 32).chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));
const counter = fc.tuple(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.nat(12)).map(([iv, ones]) => {
  // Set the last `ones` bytes to 0xff so that increments carry across byte and word boundaries.
  for (let i = 16 - ones; i < 16; i++) iv[i] = 0xff;
  return iv;
});

describe('default crypto provider, as SRTP uses it', () => {
  it('ctrXor matches @noble ctr for any key, counter and length', () => {
    fc.assert(
      fc.property(key, counter, fc.uint8Array({ maxLength: 100 }), (k, iv, data) => {
        const mine = data.slice();
        nobleCrypto.aesKey(k).ctrXor(iv, mine);
        expect(toHex(mine)).toBe(toHex(ctr(k, iv.slice()).encrypt(data)));
      }),
      { numRuns: 100 },
    );
  });

  it('encryptBlock matches @noble ECB, also in place', () => {
    fc.assert(
      fc.property(key, fc.uint8Array({ minLength: 16, maxLength: 16 }), (k, block) => {
        const expected = toHex(ecb(k, { disablePadding: true }).encrypt(block));
        const out = new Uint8Array(16);
        const aes = nobleCrypto.aesKey(k);
        aes.encryptBlock(block, out);
        expect(toHex(out)).toBe(expected);
        aes.encryptBlock(block, block);
        expect(toHex(block)).toBe(expected);
      }),
      { numRuns: 100 },
    );
  });
});
