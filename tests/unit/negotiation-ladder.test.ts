import { allowedRungs, decideAnswer, nextRung, offerRungs, sdesSuiteName } from '../../modules/negotiation/ladder.js';
import { parseTable } from '../../modules/negotiation/table.js';
import { parseCryptoAttribute } from '../../modules/sdp/crypto-attr.js';

const table = parseTable('PKE,PSK;AES_CM_128_HMAC_SHA1_32,AES_CM_128_HMAC_SHA1_80,AES_F8_128_HMAC_SHA1_80');
const KEY = 'inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz';
const crypto = (line: string) => parseCryptoAttribute({ name: 'crypto', value: line });

describe('backward-compatibility ladder', () => {
  it('never allows plain RTP in Mandatory mode, and only plain RTP when SRTP is Off', () => {
    expect(allowedRungs('Mandatory')).not.toContain('none');
    expect(allowedRungs('Optional')).toEqual(['mikey-priority', 'mikey', 'sdes', 'none']);
    expect(allowedRungs('Off')).toEqual(['none']);
  });

  it('steps down one rung after a 488, skipping plain MIKEY for a peer that refused MIKEY', () => {
    expect(nextRung('Optional', 'mikey-priority', 488, true)).toBe('mikey');
    expect(nextRung('Optional', 'mikey-priority', 488, false)).toBe('sdes');
    expect(nextRung('Optional', 'sdes', 488, false)).toBe('none');
    expect(nextRung('Mandatory', 'sdes', 488, false)).toBeUndefined();
  });

  it('offers SDES only when it may be offered (over TLS, or with the setting: RFC 4568 §8.3)', () => {
    expect(offerRungs('Optional', false)).toEqual(['mikey-priority', 'mikey', 'none']);
    expect(offerRungs('Mandatory', false)).toEqual(['mikey-priority', 'mikey']);
    expect(offerRungs('Optional', true)).toEqual(allowedRungs('Optional'));
    expect(nextRung('Optional', 'mikey', 488, false, false)).toBe('none');
    expect(nextRung('Mandatory', 'mikey', 488, false, false)).toBeUndefined();
    expect(nextRung('Mandatory', 'mikey', 488, false, true)).toBe('sdes');
  });

  it('does not step down when the call itself was refused (busy, declined)', () => {
    expect(nextRung('Optional', 'mikey-priority', 486, true)).toBeUndefined();
    expect(nextRung('Optional', 'mikey-priority', 603, true)).toBeUndefined();
  });

  it('answers a MIKEY offer on the MIKEY rung, with or without the table', () => {
    expect(decideAnswer({ protocol: 'RTP/SAVP', mikey: { withTable: true }, crypto: [] }, 'Mandatory', table)).toEqual({ rung: 'mikey-priority' });
    expect(decideAnswer({ protocol: 'RTP/SAVP', mikey: { withTable: false }, crypto: [] }, 'Optional', table)).toEqual({ rung: 'mikey' });
  });

  it('picks the SDES line whose suite ranks best here (RFC 4568 §7.1.3), in the RFC 4568 spelling', () => {
    const offered = [crypto(`1 AES_CM_128_HMAC_SHA1_80 ${KEY}`), crypto(`2 AES_CM_128_HMAC_SHA1_32 ${KEY}`), crypto(`3 F8_128_HMAC_SHA1_80 ${KEY}`)];
    const d = decideAnswer({ protocol: 'RTP/SAVP', crypto: offered }, 'Mandatory', table);
    expect(d).toMatchObject({ rung: 'sdes', offered: { tag: 2 } });
    expect(sdesSuiteName('AES_F8_128_HMAC_SHA1_80')).toBe('F8_128_HMAC_SHA1_80');
  });

  it('refuses SDES lines that switch encryption or authentication off', () => {
    const d = decideAnswer({ protocol: 'RTP/SAVP', crypto: [crypto(`1 AES_CM_128_HMAC_SHA1_80 ${KEY} UNENCRYPTED_SRTP`)] }, 'Mandatory', table);
    expect(d).toMatchObject({ reject: 488 });
  });

  it('accepts plain RTP only in Optional (or Off) mode', () => {
    expect(decideAnswer({ protocol: 'RTP/AVP', crypto: [] }, 'Optional', table)).toEqual({ rung: 'none' });
    expect(decideAnswer({ protocol: 'RTP/AVP', crypto: [] }, 'Mandatory', table)).toMatchObject({ reject: 488 });
    expect(decideAnswer({ protocol: 'RTP/SAVP', mikey: { withTable: true }, crypto: [] }, 'Off', table)).toMatchObject({ reject: 488 });
  });
});
