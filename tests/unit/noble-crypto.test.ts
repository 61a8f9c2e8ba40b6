import { nobleCrypto } from '../../hal/noble-crypto.js';
import { fromHex, toHex, utf8Encode } from '../../modules/util/bytes.js';

describe('default crypto provider (@noble)', () => {
  it('encrypts the FIPS-197 Appendix C.1 and C.3 blocks', () => {
    const out = new Uint8Array(16);
    nobleCrypto.aesKey(fromHex('000102030405060708090a0b0c0d0e0f')).encryptBlock(fromHex('00112233445566778899aabbccddeeff'), out);
    expect(toHex(out)).toBe('69c4e0d86a7b0430d8cdb78070b4c55a');
    nobleCrypto.aesKey(fromHex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f')).encryptBlock(fromHex('00112233445566778899aabbccddeeff'), out);
    expect(toHex(out)).toBe('8ea2b7ca516745bfeafc49904b496089');
  });

  it('runs CTR mode as in NIST SP 800-38A F.5.1, with a partial last block', () => {
    const key = nobleCrypto.aesKey(fromHex('2b7e151628aed2a6abf7158809cf4f3c'));
    const iv = fromHex('f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff');
    const data = fromHex('6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411');
    key.ctrXor(iv, data);
    expect(toHex(data)).toBe('874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff5ae4df3edbd5d35e');
    expect(toHex(iv)).toBe('f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff');
  });

  it('computes HMAC-SHA1 as in RFC 2202 test cases 1 and 2, repeatedly with one key', () => {
    const out = new Uint8Array(20);
    const k1 = nobleCrypto.hmacSha1Key(fromHex('0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b'));
    for (let i = 0; i < 3; i++) {
      k1.mac([utf8Encode('Hi '), utf8Encode('There')], out);
      expect(toHex(out)).toBe('b617318655057264e28bc0b6fb378c8ef146be00');
    }
    nobleCrypto.hmacSha1Key(utf8Encode('Jefe')).mac([utf8Encode('what do ya want for nothing?')], out);
    expect(toHex(out)).toBe('effcdf6ae5eb2fa2d27416d5f184df9c259a7c79');
  });
});
