// hal/esp32/crypto.ts off the device, on a model of Moddable's "crypt" (tests/support/
// srtp-moddable-crypt.ts): AES, AES-CTR and HMAC-SHA1 known answers, then SRTP's own vectors
// (RFC 3711 B.1, libsrtp packets, GCM packets) with the device provider in place of @noble.
import type { Crypto } from '../../hal/contracts.js';
import { SrtpContext } from '../../modules/srtp/context.js';
import { AesF8Cipher } from '../../modules/srtp/ciphers/aes-f8.js';
import { protectRtcp, unprotectRtcp } from '../../modules/srtp/srtcp.js';
import { protectRtp, unprotectRtp } from '../../modules/srtp/srtp.js';
import { concatBytes, fromHex, toHex, utf8Encode } from '../../modules/util/bytes.js';
import * as model from '../support/srtp-moddable-crypt.js';
import vectors from '../fixtures/srtp-vectors.json';

jest.mock('crypt', () => model, { virtual: true });

// Loaded after the mock is in place; jest's module registry then hands it the model as "crypt".
const crypto: Crypto = (require('../../hal/esp32/crypto.js') as typeof import('../../hal/esp32/crypto.js')).esp32Crypto;

describe('esp32 crypto provider (on a model of Moddable crypt)', () => {
  it('encrypts the FIPS-197 C.1 block and runs SP 800-38A F.5.1 CTR in place in a larger buffer', () => {
    const out = new Uint8Array(16);
    crypto.aesKey(fromHex('000102030405060708090a0b0c0d0e0f')).encryptBlock(fromHex('00112233445566778899aabbccddeeff'), out);
    expect(toHex(out)).toBe('69c4e0d86a7b0430d8cdb78070b4c55a');
    const buffer = concatBytes(new Uint8Array(5), fromHex('6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411'), new Uint8Array(3));
    crypto.aesKey(fromHex('2b7e151628aed2a6abf7158809cf4f3c')).ctrXor(fromHex('f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff'), buffer.subarray(5, 45));
    expect(toHex(buffer)).toBe(`0000000000874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff5ae4df3edbd5d35e000000`);
  });

  it('computes HMAC-SHA1 per RFC 2202 cases 1, 2 and 6 (a key longer than a block)', () => {
    const out = new Uint8Array(20);
    const k1 = crypto.hmacSha1Key(fromHex('0b'.repeat(20)));
    for (let i = 0; i < 2; i++) {
      k1.mac([utf8Encode('Hi '), utf8Encode('There')], out);
      expect(toHex(out)).toBe('b617318655057264e28bc0b6fb378c8ef146be00');
    }
    crypto.hmacSha1Key(utf8Encode('Jefe')).mac([utf8Encode('what do ya want for nothing?')], out);
    expect(toHex(out)).toBe('effcdf6ae5eb2fa2d27416d5f184df9c259a7c79');
    crypto.hmacSha1Key(fromHex('aa'.repeat(80))).mac([utf8Encode('Test Using Larger Than Block-Size Key - Hash Key First')], out);
    expect(toHex(out)).toBe('aa4ae5e15272d00e95705637ce8a3b55ed402112');
  });

  it('passes RFC 3711 B.1 (f8) and the libsrtp and GCM packets', () => {
    const b1 = vectors.rfc3711_b1_f8;
    const packet = concatBytes(fromHex(b1.rtp_header), fromHex(b1.plaintext_payload));
    new AesF8Cipher(crypto, fromHex(b1.key), fromHex(b1.salt)).rtpXor(packet, 12, packet.length, Number.parseInt(b1.roc, 16));
    expect(toHex(packet.subarray(12))).toBe(b1.ciphertext_payload);

    const v = vectors.libsrtp_packets;
    const ctx = () => new SrtpContext({ profile: 'AES_CM_128_HMAC_SHA1_80', masterKey: fromHex(v.master_key), masterSalt: fromHex(v.master_salt), crypto });
    expect(toHex(protectRtp(ctx(), fromHex(v.rtp)))).toBe(v.srtp_AES_CM_128_HMAC_SHA1_80);
    expect(toHex(unprotectRtcp(ctx(), fromHex(v.srtcp_AES_CM_128_HMAC_SHA1_80)))).toBe(v.rtcp);

    const g = vectors.gcm_packets;
    const gctx = () => new SrtpContext({ profile: 'AEAD_AES_128_GCM', masterKey: fromHex(g.master_key), masterSalt: fromHex(g.master_salt), crypto });
    expect(toHex(unprotectRtp(gctx(), fromHex(g.srtp_AEAD_AES_128_GCM)))).toBe(g.rtp);
    const tx = gctx();
    protectRtcp(tx, fromHex(g.rtcp));
    expect(toHex(protectRtcp(tx, fromHex(g.rtcp)))).toBe(g.srtcp_AEAD_AES_128_GCM);
  });
});
