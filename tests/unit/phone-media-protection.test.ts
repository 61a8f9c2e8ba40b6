// A re-key mid-call (RekeyableSrtp): the packet index continues across the new master key
// (RFC 3711 §3.3.1), checked against a plain SRTP context given the ROC the RFC says; packets
// still in flight under the old key are taken until the first one under the new key arrives.
import { nobleCrypto } from '../../hal/noble-crypto.js';
import { serializeRtp } from '../../audio/rtp.js';
import { RekeyableSrtp, type MasterKey } from '../../modules/phone/media-protection.js';
import { SrtpContext } from '../../modules/srtp/context.js';
import { SrtpError } from '../../modules/srtp/errors.js';
import { protectRtp, unprotectRtp } from '../../modules/srtp/srtp.js';

const PROFILE = 'AES_CM_128_HMAC_SHA1_80';
const SSRC = 0x1234abcd;

function key(fill: number): MasterKey {
  return { masterKey: new Uint8Array(16).fill(fill), masterSalt: new Uint8Array(14).fill(fill + 1) };
}

function rtp(seq: number): Uint8Array {
  return serializeRtp({ marker: false, payloadType: 0, sequenceNumber: seq, timestamp: seq * 160, ssrc: SSRC, csrcs: [], payload: new Uint8Array(160).fill(seq & 0xff) });
}

describe('re-keying the SRTP of a call', () => {
  it('goes on with the packet index across the new master key, past a sequence number wrap', () => {
    const alice = new RekeyableSrtp(nobleCrypto, PROFILE, key(1), key(2));
    const bob = new RekeyableSrtp(nobleCrypto, PROFILE, key(2), key(1));
    // 65533, 65534, 65535, then 0, 1: the ROC becomes 1 (RFC 3711 §3.3.1).
    for (const seq of [65533, 65534, 65535, 0, 1]) expect(bob.unprotect(alice.protect(rtp(seq)))).toEqual(rtp(seq));
    alice.rekeySend(key(3));
    bob.rekeyReceive(key(3));
    const packet = alice.protect(rtp(2));
    expect(bob.unprotect(packet)).toEqual(rtp(2));
    // Independently: this is SRTP under the new key at index 2^16 + 2, i.e. ROC 1, not a fresh ROC 0.
    expect(unprotectRtp(new SrtpContext({ profile: PROFILE, ...key(3), crypto: nobleCrypto, roc: 1 }), packet)).toEqual(rtp(2));
    expect(() => unprotectRtp(new SrtpContext({ profile: PROFILE, ...key(3), crypto: nobleCrypto, roc: 0 }), packet)).toThrow(SrtpError);
  });

  it('takes old-key packets in flight until the first new-key packet, and never after', () => {
    const alice = new RekeyableSrtp(nobleCrypto, PROFILE, key(1), key(2));
    const bob = new RekeyableSrtp(nobleCrypto, PROFILE, key(2), key(1));
    for (const seq of [10, 11]) expect(bob.unprotect(alice.protect(rtp(seq)))).toEqual(rtp(seq));
    const inFlight = alice.protect(rtp(12));
    // An attacker's copy of the old key's context, to forge a late old-key packet.
    const oldKey = new SrtpContext({ profile: PROFILE, ...key(1), crypto: nobleCrypto });
    bob.rekeyReceive(key(3));
    alice.rekeySend(key(3));
    expect(bob.unprotect(inFlight)).toEqual(rtp(12));
    expect(bob.unprotect(alice.protect(rtp(13)))).toEqual(rtp(13));
    expect(bob.unprotect(protectRtp(oldKey, rtp(14)))).toBeUndefined();
    expect(bob.unprotect(alice.protect(rtp(14)))).toEqual(rtp(14));
  });

  it('refuses a packet under neither key', () => {
    const alice = new RekeyableSrtp(nobleCrypto, PROFILE, key(5), key(6));
    const bob = new RekeyableSrtp(nobleCrypto, PROFILE, key(2), key(1));
    bob.rekeyReceive(key(3));
    expect(bob.unprotect(alice.protect(rtp(1)))).toBeUndefined();
  });
});
