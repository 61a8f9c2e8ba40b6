// Published SRTP/SRTCP known answers (tests/fixtures/srtp-vectors.json): RFC 3711 Appendix B.1-B.3,
// NIST's SRTP KDF vectors with kdr > 0, libsrtp's srtp_validate packets and jitsi-srtp's GCM packets,
// with each crypto provider.
import type { Crypto } from '../../hal/contracts.js';
import { xsTunedCrypto } from '../../hal/host/xs-crypto.js';
import { nobleCrypto } from '../../hal/noble-crypto.js';
import { AesF8Cipher } from '../../modules/srtp/ciphers/aes-f8.js';
import { SrtpContext } from '../../modules/srtp/context.js';
import { deriveSessionKey, keyDerivationIndex } from '../../modules/srtp/key-derivation.js';
import type { ProtectionProfileName } from '../../modules/srtp/protection-profile.js';
import { protectRtcp, unprotectRtcp } from '../../modules/srtp/srtcp.js';
import { protectRtp, unprotectRtp } from '../../modules/srtp/srtp.js';
import { concatBytes, fromHex, toHex } from '../../modules/util/bytes.js';
import vectors from '../fixtures/srtp-vectors.json';

const hex = (s: string) => toHex(fromHex(s));

// Every vector runs on the default provider and on the desktop XS host's tuned one.
const providers: [string, Crypto][] = [
  ['@noble', nobleCrypto],
  ['xs-tuned', xsTunedCrypto],
];

describe.each(providers)('%s provider', (_name, crypto) => {
  function context(profile: ProtectionProfileName, key: string, salt: string): SrtpContext {
    return new SrtpContext({ profile, masterKey: fromHex(key), masterSalt: fromHex(salt), crypto });
  }

  describe('RFC 3711 Appendix B', () => {
    it('B.1: AES-f8 encrypts the example RTP payload', () => {
      const v = vectors.rfc3711_b1_f8;
      // The B.1 salt is 4 bytes; f8's mask m = k_s ‖ 0x55… pads it to the key length (§4.1.2.1).
      const f8 = new AesF8Cipher(crypto, fromHex(v.key), fromHex(v.salt));
      const packet = concatBytes(fromHex(v.rtp_header), fromHex(v.plaintext_payload));
      f8.rtpXor(packet, 12, packet.length, Number.parseInt(v.roc, 16));
      expect(toHex(packet.subarray(12))).toBe(hex(v.ciphertext_payload));
      f8.rtpXor(packet, 12, packet.length, Number.parseInt(v.roc, 16));
      expect(toHex(packet.subarray(12))).toBe(hex(v.plaintext_payload));
    });

    it('B.2: the AES-CM keystream blocks', () => {
      const v = vectors.rfc3711_b2_aes_cm_keystream;
      const key = crypto.aesKey(fromHex(v.session_key));
      for (const [counter, block] of v.blocks) {
        const data = new Uint8Array(16);
        key.ctrXor(fromHex(counter), data);
        expect(toHex(data)).toBe(hex(block));
      }
    });

    it('B.3: session keys from the master key and salt, SRTP and SRTCP, kdr 0', () => {
      const v = vectors.rfc3711_b3_key_derivation;
      const master = crypto.aesKey(fromHex(v.master_key));
      const salt = fromHex(v.master_salt);
      const derive = (label: number, length: number) => toHex(deriveSessionKey(master, salt, label, 0, 6, length));
      expect(derive(0, 16)).toBe(hex(v.srtp_cipher_key));
      expect(derive(2, 14)).toBe(hex(v.srtp_cipher_salt));
      expect(derive(1, 94)).toBe(hex(v.srtp_auth_key_94_bytes));
      expect(derive(3, 16)).toBe(hex(v.srtcp_cipher_key));
      expect(derive(4, 20)).toBe(hex(v.srtcp_auth_key));
      expect(derive(5, 14)).toBe(hex(v.srtcp_cipher_salt));
    });
  });

  describe('key derivation with a non-zero key derivation rate (NIST SRTP KDF)', () => {
    it.each(vectors.kdf_nonzero_kdr_nist.map((v) => [v.kdr, v]))('kdr %d', (_kdr, v) => {
      const master = crypto.aesKey(fromHex(v.key));
      const salt = fromHex(v.salt);
      const rtp = keyDerivationIndex(Number.parseInt(v.srtp_index, 16), v.kdr);
      const rtcp = keyDerivationIndex(Number.parseInt(v.srtcp_index, 16), v.kdr);
      expect(toHex(deriveSessionKey(master, salt, 0, rtp, 6, 16))).toBe(hex(v.label0));
      expect(toHex(deriveSessionKey(master, salt, 1, rtp, 6, 20))).toBe(hex(v.label1));
      expect(toHex(deriveSessionKey(master, salt, 2, rtp, 6, 14))).toBe(hex(v.label2));
      expect(toHex(deriveSessionKey(master, salt, 3, rtcp, 4, 16))).toBe(hex(v.label3));
      expect(toHex(deriveSessionKey(master, salt, 4, rtcp, 4, 20))).toBe(hex(v.label4));
      expect(toHex(deriveSessionKey(master, salt, 5, rtcp, 4, 14))).toBe(hex(v.label5));
    });
  });

  describe('libsrtp srtp_validate packets (AES_CM_128_HMAC_SHA1_80)', () => {
    const v = vectors.libsrtp_packets;
    it('protects and unprotects the RTP packet', () => {
      const tx = context('AES_CM_128_HMAC_SHA1_80', v.master_key, v.master_salt);
      expect(toHex(protectRtp(tx, fromHex(v.rtp)))).toBe(hex(v.srtp_AES_CM_128_HMAC_SHA1_80));
      const rx = context('AES_CM_128_HMAC_SHA1_80', v.master_key, v.master_salt);
      expect(toHex(unprotectRtp(rx, fromHex(v.srtp_AES_CM_128_HMAC_SHA1_80)))).toBe(hex(v.rtp));
    });

    it('protects the RTCP packet as the second one sent (SRTCP index 1) and unprotects it', () => {
      const tx = context('AES_CM_128_HMAC_SHA1_80', v.master_key, v.master_salt);
      protectRtcp(tx, fromHex(v.rtcp));
      expect(toHex(protectRtcp(tx, fromHex(v.rtcp)))).toBe(hex(v.srtcp_AES_CM_128_HMAC_SHA1_80));
      const rx = context('AES_CM_128_HMAC_SHA1_80', v.master_key, v.master_salt);
      expect(toHex(unprotectRtcp(rx, fromHex(v.srtcp_AES_CM_128_HMAC_SHA1_80)))).toBe(hex(v.rtcp));
    });
  });

  describe('AEAD_AES_128_GCM packets (RFC 7714, jitsi-srtp)', () => {
    const v = vectors.gcm_packets;
    it('protects and unprotects the RTP packet', () => {
      const tx = context('AEAD_AES_128_GCM', v.master_key, v.master_salt);
      expect(toHex(protectRtp(tx, fromHex(v.rtp)))).toBe(hex(v.srtp_AEAD_AES_128_GCM));
      const rx = context('AEAD_AES_128_GCM', v.master_key, v.master_salt);
      expect(toHex(unprotectRtp(rx, fromHex(v.srtp_AEAD_AES_128_GCM)))).toBe(hex(v.rtp));
    });

    it('protects the RTCP packet as the second one sent and unprotects it', () => {
      const tx = context('AEAD_AES_128_GCM', v.master_key, v.master_salt);
      protectRtcp(tx, fromHex(v.rtcp));
      expect(toHex(protectRtcp(tx, fromHex(v.rtcp)))).toBe(hex(v.srtcp_AEAD_AES_128_GCM));
      const rx = context('AEAD_AES_128_GCM', v.master_key, v.master_salt);
      expect(toHex(unprotectRtcp(rx, fromHex(v.srtcp_AEAD_AES_128_GCM)))).toBe(hex(v.rtcp));
    });
  });
});
