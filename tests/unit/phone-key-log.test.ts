import { keyLog } from '../../modules/phone/key-log.js';

// Master key 00..0f (16 bytes) and salt 10..1d (14 bytes): the 128-bit key and 112-bit salt MIKEY gives here.
const key = { masterKey: Uint8Array.from({ length: 16 }, (_, i) => i), masterSalt: Uint8Array.from({ length: 14 }, (_, i) => 0x10 + i) };
const KEY_HEX = '000102030405060708090a0b0c0d0e0f';
const SALT_HEX = '101112131415161718191a1b1c1d';

describe('key-log: development key log lines', () => {
  it('writes one line per direction given, send first, key then salt in hex', () => {
    const lines: string[] = [];
    const log = keyLog((l) => void lines.push(l), true);
    log('c1', 'AES_CM_128_HMAC_SHA1_80', { send: key, receive: key });
    log('c1', 'AES_CM_128_HMAC_SHA1_32', { receive: key });
    expect(lines).toEqual([
      `keylog c1 send AES_CM_128_HMAC_SHA1_80 ${KEY_HEX}${SALT_HEX}`,
      `keylog c1 receive AES_CM_128_HMAC_SHA1_80 ${KEY_HEX}${SALT_HEX}`,
      `keylog c1 receive AES_CM_128_HMAC_SHA1_32 ${KEY_HEX}${SALT_HEX}`,
    ]);
  });

  it('writes nothing when not enabled', () => {
    const lines: string[] = [];
    keyLog((l) => void lines.push(l), false)('c1', 'AES_CM_128_HMAC_SHA1_80', { send: key, receive: key });
    expect(lines).toEqual([]);
  });
});
