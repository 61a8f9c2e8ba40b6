// The MIKEY codec (RFC 3830 §6): public messages decode to the meanings published with them, each
// payload's layout matches the RFC written out by hand, every payload type round-trips, and no
// input makes the decoder throw anything but a MikeyError naming payload and offset.
import fc from 'fast-check';
import { decodeMessage, decodeMessageDetailed, encodeMessage } from '../../modules/mikey/codec.js';
import { decodeKeyData, encodeKeyData } from '../../modules/mikey/key-data.js';
import { MikeyError } from '../../modules/mikey/mikey-error.js';
import { findPayload, type Message, type PayloadOf } from '../../modules/mikey/payloads.js';
import { generalExtension, sdpIdsExtension, sdpIdsOf } from '../../modules/mikey/general-extension.js';
import { readSrtpPolicy, suiteOf, suitePolicy } from '../../modules/mikey/srtp-policy.js';
import { SRTP_SUITES } from '../../modules/negotiation/capabilities.js';
import { fromBase64, fromHex, toHex } from '../../modules/util/bytes.js';
import vectors from '../fixtures/mikey-vectors.json';
import { bodyPayloadArb, kemacItemArb, messageArb, mutationArb } from '../support/mikey-arbitraries.js';

const vec = Object.fromEntries(Object.entries(vectors).filter(([k]) => !k.startsWith('_'))) as unknown as Record<string, { hex: string; base64?: string }>;
const vectorBytes = (name: string) => fromHex(vec[name].hex);

function decodeOrMikeyError(bytes: Uint8Array): Message | undefined {
  try {
    return decodeMessage(bytes);
  } catch (e) {
    if (!(e instanceof MikeyError)) throw e;
    return undefined;
  }
}

describe('MIKEY codec: public messages', () => {
  it('base64 and hex of each vector are the same bytes', () => {
    for (const v of Object.values(vec)) if (v.base64) expect(toHex(fromBase64(v.base64))).toBe(v.hex);
  });

  it('GStreamer header only: version 1, PSK init, V=0, MIKEY-1, CSB 0x12345678, #CS 0, SRTP-ID', () => {
    const m = decodeMessage(vectorBytes('gstreamer_header_only'));
    expect(m.header).toEqual({ dataType: 0, v: false, prf: 0, csbId: 0x12345678, map: { type: 'srtp-id', sessions: [] } });
    expect(m.payloads).toHaveLength(0);
  });

  it('GStreamer header with two crypto sessions', () => {
    const m = decodeMessage(vectorBytes('gstreamer_header_two_cs'));
    expect(m.header.map).toEqual({ type: 'srtp-id', sessions: [{ policy: 1, ssrc: 0x12345678, roc: 0 }, { policy: 2, ssrc: 0x23456789, roc: 1 }] });
  });

  it('MIKEY-NULL, one CS: T NTP-UTC, RAND(16), SP with the tag length in param 3, KEMAC NULL/NULL with a 30-byte TEK', () => {
    const m = decodeMessage(vectorBytes('mikey_null_one_cs'));
    expect(m.header).toMatchObject({ dataType: 0, v: false, csbId: 0xe69d51f8, map: { type: 'srtp-id', sessions: [{ policy: 0, ssrc: 0x30685760, roc: 0 }] } });
    expect(m.payloads.map((p) => p.type)).toEqual(['T', 'RAND', 'SP', 'KEMAC']);
    expect(findPayload(m, 'T')!.tsType).toBe(0);
    expect(findPayload(m, 'RAND')!.value).toHaveLength(16);
    const sp = readSrtpPolicy(findPayload(m, 'SP')!);
    expect(sp.values.AUTH_KEY_LEN).toBe(10);
    expect(sp.values.AUTH_TAG_LEN).toBe(undefined);
    expect(sp.gstreamerTagQuirk).toBe(true);
    expect(sp.tagLength).toBe(10);
    expect(suiteOf(findPayload(m, 'SP')!)).toBe('AES_CM_128_HMAC_SHA1_80');
    const kemac = findPayload(m, 'KEMAC')!;
    expect([kemac.encrAlg, kemac.macAlg, kemac.mac.length]).toEqual([0, 0, 0]);
    const [tek] = decodeKeyData(kemac.encrData);
    expect(tek).toMatchObject({ type: 'KEY_DATA', keyType: 2, kv: { type: 'none' } });
    expect(tek.type === 'KEY_DATA' && toHex(tek.key)).toBe('9091783dfce8ddcd443a53508b64509f35bd8a86bc4d8b7637a502493daf');
  });

  it('MIKEY-NULL, two CS with SSRC 0xcc836237 and 0xb5cc3bf2 share one TEK', () => {
    const m = decodeMessage(vectorBytes('mikey_null_two_cs'));
    expect(m.header.map).toEqual({ type: 'srtp-id', sessions: [{ policy: 0, ssrc: 0xcc836237, roc: 0 }, { policy: 0, ssrc: 0xb5cc3bf2, roc: 0 }] });
    expect(decodeKeyData(findPayload(m, 'KEMAC')!.encrData)).toHaveLength(1);
  });

  it('tolerates exactly one trailing 0x00; SP with param 3 = 20 and param 11 = 10 is read as is', () => {
    const bytes = vectorBytes('mikey_null_trailing_zero');
    const d = decodeMessageDetailed(bytes);
    expect(d.end).toBe(bytes.length - 1);
    const sp = readSrtpPolicy(findPayload(d.message, 'SP')!);
    expect([sp.values.AUTH_KEY_LEN, sp.values.AUTH_TAG_LEN, sp.gstreamerTagQuirk]).toEqual([20, 10, false]);
    expect(() => decodeMessage(Uint8Array.from([...bytes, 0]))).toThrow(MikeyError);
    const withOne = bytes.slice();
    withOne[withOne.length - 1] = 1;
    expect(() => decodeMessage(withOne)).toThrow(/after the last payload/);
  });

  it('live555/Axis: TEK with KV SPI/MKI 00000001', () => {
    const [tek] = decodeKeyData(findPayload(decodeMessage(vectorBytes('live555_axis_tek_mki')), 'KEMAC')!.encrData);
    expect(tek).toMatchObject({ type: 'KEY_DATA', keyType: 2, kv: { type: 'spi', spi: fromHex('00000001') } });
  });

  it('ONVIF example: no RAND, MKI 0000002f', () => {
    const m = decodeMessage(vectorBytes('onvif_example'));
    expect(m.payloads.map((p) => p.type)).toEqual(['T', 'SP', 'KEMAC']);
    const [tek] = decodeKeyData(findPayload(m, 'KEMAC')!.encrData);
    expect(tek.type === 'KEY_DATA' && tek.kv).toEqual({ type: 'spi', spi: fromHex('0000002f') });
  });

  it('re-encodes every canonical vector byte for byte', () => {
    for (const name of ['gstreamer_header_only', 'gstreamer_header_two_cs', 'mikey_null_one_cs', 'mikey_null_two_cs', 'live555_axis_tek_mki', 'onvif_example']) {
      expect(toHex(encodeMessage(decodeMessage(vectorBytes(name))))).toBe(vec[name].hex);
    }
  });
});

describe('MIKEY codec: layouts written out from RFC 3830 §6', () => {
  it('Error message: HDR(6), T COUNTER, ERR, General Extension, V NULL', () => {
    const m: Message = {
      header: { dataType: 6, v: false, prf: 0, csbId: 0xa1b2c3d4, map: { type: 'srtp-id', sessions: [{ policy: 2, ssrc: 0, roc: 5 }] } },
      payloads: [
        { type: 'T', tsType: 2, value: fromHex('00000007') },
        { type: 'ERR', errorNo: 9 },
        { type: 'GENEXT', extType: 0x42, data: fromHex('616263') },
        { type: 'V', macAlg: 0, mac: new Uint8Array(0) },
      ],
    };
    const expected = '01060500a1b2c3d40100' + '020000000000000005' + '0c0200000007' + '15090000' + '09420003616263' + '0000';
    expect(toHex(encodeMessage(m))).toBe(expected);
    expect(decodeMessage(fromHex(expected))).toEqual(m);
  });

  it('DH with KV SPI, then SIGN with no next-payload byte; empty CS ID map with #CS 2', () => {
    const dh = new Uint8Array(96).fill(0x11);
    const m: Message = {
      header: { dataType: 4, v: true, prf: 0, csbId: 1, map: { type: 'empty', count: 2 } },
      payloads: [
        { type: 'DH', group: 1, value: dh, kv: { type: 'spi', spi: fromHex('abcd') } },
        { type: 'SIGN', signType: 1, signature: fromHex('78797a') },
      ],
    };
    const expected = '010403800000000102010401' + toHex(dh) + '0102abcd' + '1003' + '78797a';
    expect(toHex(encodeMessage(m))).toBe(expected);
    expect(decodeMessage(fromHex(expected))).toEqual(m);
    expect(() => encodeMessage({ ...m, payloads: [...m.payloads].reverse() })).toThrow(RangeError);
  });

  it('KEMAC, PKE, CHASH, CERT, ID, RAND, SP on the wire', () => {
    const m: Message = {
      header: { dataType: 2, v: false, prf: 0, csbId: 0, map: { type: 'srtp-id', sessions: [] } },
      payloads: [
        { type: 'RAND', value: fromHex('0102') },
        { type: 'ID', idType: 1, value: fromHex('61') },
        { type: 'CERT', certType: 0, value: fromHex('3000') },
        { type: 'SP', policy: 3, protType: 0, params: [{ type: 11, value: fromHex('04') }] },
        { type: 'KEMAC', encrAlg: 1, encrData: fromHex('aa'), macAlg: 1, mac: new Uint8Array(20).fill(0xee) },
        { type: 'CHASH', hashFunc: 1, value: new Uint8Array(16).fill(0xcc) },
        { type: 'PKE', cache: 2, data: fromHex('dd') },
      ],
    };
    const expected =
      '01020b0000000000' + '0000' +
      '06020102' + '0701000161' + '0a0000023000' + '0103000003' + '0b0104' + '080100' + '01' + 'aa' + '01' + 'ee'.repeat(20) +
      '0201' + 'cc'.repeat(16) + '00' + '8001' + 'dd';
    expect(toHex(encodeMessage(m))).toBe(expected);
    expect(decodeMessage(fromHex(expected))).toEqual(m);
  });

  it('key data: TGK+SALT with a validity interval, then an ID', () => {
    const items = [
      { type: 'KEY_DATA' as const, keyType: 1, key: fromHex('0102'), salt: fromHex('0a0b0c'), kv: { type: 'interval' as const, from: fromHex('01'), to: fromHex('0203') } },
      { type: 'ID' as const, idType: 1, value: fromHex('61') },
    ];
    const expected = '06' + '12' + '00020102' + '00030a0b0c' + '0101' + '020203' + '00' + '01000161';
    expect(toHex(encodeKeyData(items))).toBe(expected);
    expect(decodeKeyData(fromHex(expected))).toEqual(items);
  });

  it('TEK+SALT and TGK carry or omit the salt fields as their type says', () => {
    expect(toHex(encodeKeyData([{ type: 'KEY_DATA', keyType: 3, key: fromHex('11'), salt: fromHex('22'), kv: { type: 'none' } }]))).toBe('0030000111000122');
    expect(toHex(encodeKeyData([{ type: 'KEY_DATA', keyType: 0, key: fromHex('11'), kv: { type: 'none' } }]))).toBe('0000000111');
    expect(() => encodeKeyData([{ type: 'KEY_DATA', keyType: 3, key: fromHex('11'), kv: { type: 'none' } }])).toThrow(RangeError);
  });

  it('General Extension carries SDP IDs and any typed data up to 65535 bytes', () => {
    const ext = sdpIdsExtension(['mikey', 'sdes']);
    expect(sdpIdsOf(decodeMessage(encodeMessage({ header: { dataType: 0, v: false, prf: 0, csbId: 9, map: { type: 'srtp-id', sessions: [] } }, payloads: [ext] })).payloads[0] as PayloadOf<'GENEXT'>)).toEqual(['mikey', 'sdes']);
    const big = generalExtension(200, new Uint8Array(65535).fill(7));
    const m = decodeMessage(encodeMessage({ header: { dataType: 0, v: false, prf: 0, csbId: 9, map: { type: 'srtp-id', sessions: [] } }, payloads: [big] }));
    expect(m.payloads[0]).toEqual(big);
  });

  it('every project suite maps to an SP policy and back', () => {
    for (const suite of SRTP_SUITES) expect(suiteOf(suitePolicy(0, suite))).toBe(suite);
  });
});

describe('MIKEY codec: malformed input', () => {
  it('names payload and offset', () => {
    const e = (hex: string) => {
      try {
        decodeMessage(fromHex(hex));
      } catch (err) {
        return err as MikeyError;
      }
      throw new Error('decoded');
    };
    expect(e('0200')).toMatchObject({ payload: 'HDR', offset: 0 });
    expect(e('01000000000000000102')).toMatchObject({ payload: 'HDR', offset: 9 });
    // #CS 200 with no map entries: refused before any allocation.
    expect(e('0100000000000000c800')).toMatchObject({ payload: 'HDR' });
    // Next payload 13 (unassigned) after the header.
    expect(e('01000d000000000000000000')).toMatchObject({ payload: 'payload', offset: 10 });
    // T with TS type 7.
    expect(e('010005000000000000000007')).toMatchObject({ payload: 'T', offset: 11 });
    // KEMAC whose Encr data length runs past the end.
    expect(e('0100010000000000000000000100ff')).toMatchObject({ payload: 'KEMAC' });
    // Key data sub-payload type 20 at top level is not a payload.
    expect(e('010014000000000000000000')).toMatchObject({ payload: 'payload' });
  });

  it('every truncation of a real message is a MikeyError', () => {
    const bytes = vectorBytes('live555_axis_tek_mki');
    for (let n = 0; n < bytes.length - 1; n++) expect(() => decodeMessage(bytes.subarray(0, n))).toThrow(MikeyError);
  });

  it('random bytes decode or fail with MikeyError (300 cases)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => void decodeOrMikeyError(b)), { numRuns: 300 });
  });

  it('mutated real messages decode or fail with MikeyError, and what decodes re-encodes stably (300 cases)', () => {
    const seeds = Object.values(vec).map((v) => fromHex(v.hex));
    fc.assert(
      fc.property(mutationArb(seeds), (b) => {
        const m = decodeOrMikeyError(b);
        if (m) expect(decodeMessage(encodeMessage(m))).toEqual(m);
      }),
      { numRuns: 300 },
    );
  });
});

describe('MIKEY codec: round trips', () => {
  it('every payload type round-trips (300 random messages)', () => {
    fc.assert(fc.property(messageArb, (m) => expect(decodeMessage(encodeMessage(m))).toEqual(m)), { numRuns: 300 });
  });

  it('each payload type alone round-trips (300 cases)', () => {
    const header = { dataType: 0, v: false, prf: 0, csbId: 1, map: { type: 'srtp-id' as const, sessions: [] } };
    fc.assert(fc.property(bodyPayloadArb, (p) => expect(decodeMessage(encodeMessage({ header, payloads: [p] })).payloads).toEqual([p])), { numRuns: 300 });
  });

  it('KEMAC key data round-trips (300 cases)', () => {
    fc.assert(fc.property(fc.array(kemacItemArb, { minLength: 1, maxLength: 4 }), fc.constantFrom(6, 20), (items, _) => {
      const first = items[0].type === 'ID' ? 6 : 20;
      expect(decodeKeyData(encodeKeyData(items), first)).toEqual(items);
    }), { numRuns: 300 });
  });

  it('key data decoding fails only with MikeyError (300 cases)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), fc.constantFrom(6, 20, 1), (b, first) => {
      try {
        decodeKeyData(b, first);
      } catch (e) {
        if (!(e instanceof MikeyError)) throw e;
      }
    }), { numRuns: 300 });
  });
});
