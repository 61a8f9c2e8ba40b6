import fc from 'fast-check';
import { formatKeyLogEntry, keyLog, parseKeyLogLine, type KeyLogEntry } from '../../modules/phone/key-log.js';

// Master key 00..0f (16 bytes) and salt 10..1d (14 bytes): the 128-bit key and 112-bit salt MIKEY gives here.
const key = { masterKey: Uint8Array.from({ length: 16 }, (_, i) => i), masterSalt: Uint8Array.from({ length: 14 }, (_, i) => 0x10 + i) };
const KEY_HEX = '000102030405060708090a0b0c0d0e0f';
const SALT_HEX = '101112131415161718191a1b1c1d';
const STREAMS = { local: '127.0.0.1:40000', remote: '127.0.0.1:40002', sendSsrc: 0xdeadbeef };

describe('key-log: development key log lines', () => {
  it('writes one SRTP_MASTER line per direction given, tx first, with the SSRC once known and both RTP addresses', () => {
    const lines: string[] = [];
    const log = keyLog((l) => void lines.push(l), true);
    log('c1@h', 'AES_CM_128_HMAC_SHA1_80', { send: key, receive: key }, STREAMS);
    log('c1@h', 'AES_CM_128_HMAC_SHA1_32', { receive: key }, { ...STREAMS, receiveSsrc: 0x0000002a });
    expect(lines).toEqual([
      `keylog SRTP_MASTER c1@h tx deadbeef AES_CM_128_HMAC_SHA1_80 ${KEY_HEX} ${SALT_HEX} 127.0.0.1:40000 127.0.0.1:40002`,
      `keylog SRTP_MASTER c1@h rx - AES_CM_128_HMAC_SHA1_80 ${KEY_HEX} ${SALT_HEX} 127.0.0.1:40000 127.0.0.1:40002`,
      `keylog SRTP_MASTER c1@h rx 0000002a AES_CM_128_HMAC_SHA1_32 ${KEY_HEX} ${SALT_HEX} 127.0.0.1:40000 127.0.0.1:40002`,
    ]);
  });

  it('writes nothing when not enabled', () => {
    const lines: string[] = [];
    keyLog((l) => void lines.push(l), false)('c1', 'AES_CM_128_HMAC_SHA1_80', { send: key, receive: key }, STREAMS);
    expect(lines).toEqual([]);
  });

  it('skips comments, blank lines and other labels, and refuses a malformed SRTP_MASTER line', () => {
    for (const line of ['', '# comment', 'CLIENT_RANDOM 00 11']) expect(parseKeyLogLine(line)).toBeUndefined();
    const good = `SRTP_MASTER c1 tx deadbeef AES_CM_128_HMAC_SHA1_80 ${KEY_HEX} ${SALT_HEX} 127.0.0.1:1 127.0.0.1:2`;
    expect(parseKeyLogLine(good)).toMatchObject({ callId: 'c1', direction: 'tx', ssrc: 0xdeadbeef, local: '127.0.0.1:1', remote: '127.0.0.1:2' });
    for (const bad of [good.replace(' tx ', ' up '), good.replace('deadbeef', 'dead'), good.replace(KEY_HEX, 'xyz'), good.replace(' 127.0.0.1:2', ''), good.replace('127.0.0.1:1', '127.0.0.1')]) {
      expect(() => parseKeyLogLine(bad)).toThrow(RangeError);
    }
  });

  it('reads back every line it writes (property)', () => {
    const token = fc.stringMatching(/^[A-Za-z0-9@.\-_]{1,40}$/);
    const address = fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 65535 })).map(([a, p]) => `${a}:${p}`);
    const entry: fc.Arbitrary<KeyLogEntry> = fc.record({
      callId: token,
      direction: fc.constantFrom('tx' as const, 'rx' as const),
      ssrc: fc.option(fc.integer({ min: 0, max: 0xffffffff }), { nil: undefined }),
      profile: token,
      masterKey: fc.uint8Array({ minLength: 1, maxLength: 32 }),
      masterSalt: fc.uint8Array({ minLength: 1, maxLength: 14 }),
      local: address,
      remote: address,
    });
    fc.assert(fc.property(entry, (e) => {
      const { ssrc, ...rest } = e;
      expect(parseKeyLogLine(formatKeyLogEntry(e))).toEqual(ssrc === undefined ? rest : e);
    }));
  });

  it('never throws anything but RangeError on arbitrary text (property)', () => {
    fc.assert(fc.property(fc.string(), fc.array(fc.string({ maxLength: 12 }), { maxLength: 10 }), (s, words) => {
      for (const line of [s, ['SRTP_MASTER', ...words].join(' ')]) {
        try {
          parseKeyLogLine(line);
        } catch (e) {
          expect(e).toBeInstanceOf(RangeError);
        }
      }
    }));
  });
});
