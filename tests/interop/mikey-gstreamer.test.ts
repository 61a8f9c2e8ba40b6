// Interop with GStreamer's MIKEY (GstSdp, via Debian's /usr/bin/python3 and
// tests/support/gst-mikey.py), both ways, with only the payloads GStreamer knows (T, RAND, SP,
// KEMAC with key data, PKE: its parser hangs on the others, so every call has a timeout).
// Our messages decode in GStreamer field for field; GStreamer's messages decode in ours, including
// the MIKEY-NULL offer it makes from SRTP caps with the tag length in SP parameter 3.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { nobleCrypto as crypto } from '../../hal/noble-crypto.js';
import { decodeMessage, encodeMessage } from '../../modules/mikey/codec.js';
import { decodeKeyData, encodeKeyData } from '../../modules/mikey/key-data.js';
import { nullOffer, openNull } from '../../modules/mikey/mikey-null.js';
import { findPayload, type KeyData, type Message, type Payload } from '../../modules/mikey/payloads.js';
import { readSrtpPolicy, suiteOf, suitePolicy } from '../../modules/mikey/srtp-policy.js';
import { SRTP_SUITES } from '../../modules/negotiation/capabilities.js';
import { fromHex, toHex } from '../../modules/util/bytes.js';
import { sessionArb } from '../support/mikey-arbitraries.js';
import { seededRandom } from '../support/pki-random.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(__dirname, '..', 'support', 'gst-mikey.py');

function gst(args: string[], input?: string): unknown {
  return JSON.parse(execFileSync(PYTHON, [SCRIPT, ...args], { encoding: 'utf8', input, timeout: 30_000 }));
}

interface GstKeyData { keyType: number; key: string; kvType: number; salt?: string; kv?: string[] }
interface GstPayload { type: number; tsType?: number; value?: string; policy?: number; protType?: number; params?: { type: number; value: string }[]; encrAlg?: number; macAlg?: number; keyData?: GstKeyData[]; cache?: number; data?: string }
interface GstMessage { version: number; dataType: number; v: boolean; prf: number; csbId: number; mapType: number; sessions: { policy: number; ssrc: number; roc: number }[]; payloads: GstPayload[] }

/** What GStreamer should have read from one of our payload records. */
function expectedGst(p: Payload): GstPayload {
  switch (p.type) {
    case 'T':
      return { type: 5, tsType: p.tsType, value: toHex(p.value) };
    case 'RAND':
      return { type: 11, value: toHex(p.value) };
    case 'SP':
      return { type: 10, policy: p.policy, protType: p.protType, params: p.params.map((q) => ({ type: q.type, value: toHex(q.value) })) };
    case 'PKE':
      return { type: 2, cache: p.cache, data: toHex(p.data) };
    case 'KEMAC': {
      const keyData = decodeKeyData(p.encrData).map((k) => {
        const d = k as KeyData;
        return { keyType: d.keyType, key: toHex(d.key), kvType: d.kv.type === 'spi' ? 1 : 0, ...(d.kv.type === 'spi' ? { kv: [toHex(d.kv.spi), ''] } : {}) };
      });
      return { type: 1, encrAlg: p.encrAlg, macAlg: p.macAlg, keyData };
    }
    default:
      throw new Error(`GStreamer does not parse ${p.type}`);
  }
}

function expectSameAsGst(m: Message, g: GstMessage): void {
  const sessions = m.header.map.type === 'srtp-id' ? m.header.map.sessions : [];
  expect(g).toEqual({ version: 1, dataType: m.header.dataType, v: m.header.v, prf: 0, csbId: m.header.csbId, mapType: 0, sessions: [...sessions], payloads: m.payloads.map(expectedGst) });
}

const knownPayloadArb: fc.Arbitrary<Payload> = fc.oneof(
  fc.record({ type: fc.constant('T' as const), tsType: fc.constantFrom(0, 1), value: fc.uint8Array({ minLength: 8, maxLength: 8 }) }),
  fc.record({ type: fc.constant('RAND' as const), value: fc.uint8Array({ minLength: 16, maxLength: 32 }) }),
  fc.record({ type: fc.constant('SP' as const), policy: fc.integer({ min: 0, max: 255 }), protType: fc.constant(0), params: fc.array(fc.record({ type: fc.integer({ min: 0, max: 12 }), value: fc.uint8Array({ minLength: 1, maxLength: 2 }) }), { maxLength: 13 }) }),
  fc.record({ type: fc.constant('PKE' as const), cache: fc.integer({ min: 0, max: 2 }), data: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
  fc.record({ key: fc.uint8Array({ minLength: 30, maxLength: 30 }), mki: fc.option(fc.uint8Array({ minLength: 1, maxLength: 4 })) }).map(({ key, mki }): Payload => ({
    type: 'KEMAC', encrAlg: 0, macAlg: 0, mac: new Uint8Array(0),
    encrData: encodeKeyData([{ type: 'KEY_DATA', keyType: 2, key, kv: mki ? { type: 'spi', spi: mki } : { type: 'none' } }]),
  })),
);

describe('GStreamer GstSdp MIKEY interop', () => {
  beforeAll(() => {
    if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: install Debian's python3 and python3-gst-1.0`);
    execFileSync(PYTHON, ['-c', "import gi; gi.require_version('GstSdp','1.0'); from gi.repository import GstSdp"], { timeout: 30_000 });
  });

  it('our MIKEY-NULL offers for each AES-CM suite decode in GStreamer field for field', () => {
    const messages = SRTP_SUITES.filter((s) => s.startsWith('AES_CM') || s.startsWith('AES_F8')).map((suite, i) =>
      nullOffer(
        { sessions: [{ policy: 0, ssrc: 0x1000 + i, roc: i }, { policy: 0, ssrc: 0, roc: 0 }], policies: [suitePolicy(0, suite)], masterKey: new Uint8Array(16).fill(i + 1), masterSalt: new Uint8Array(14).fill(0x40 + i), mki: Uint8Array.of(0, 0, 0, i + 1), csbId: 0xabc00000 + i },
        { random: seededRandom(suite), nowMs: Date.UTC(2026, 5, 1) },
      ),
    );
    const parsed = gst(['parse-many'], JSON.stringify(messages.map(toHex))) as GstMessage[];
    messages.forEach((b, i) => expectSameAsGst(decodeMessage(b), parsed[i]));
  });

  it('60 random messages of the payloads GStreamer knows decode in GStreamer field for field', () => {
    const messages = fc.sample(
      fc.record({ csbId: fc.integer({ min: 0, max: 0xffffffff }), v: fc.boolean(), sessions: fc.array(sessionArb, { maxLength: 3 }), payloads: fc.array(knownPayloadArb, { maxLength: 6 }) }).map(
        ({ csbId, v, sessions, payloads }): Message => ({ header: { dataType: 0, v, prf: 0, csbId, map: { type: 'srtp-id', sessions } }, payloads }),
      ),
      { numRuns: 60, seed: 3830 },
    );
    const parsed = gst(['parse-many'], JSON.stringify(messages.map((m) => toHex(encodeMessage(m))))) as GstMessage[];
    messages.forEach((m, i) => expectSameAsGst(m, parsed[i]));
  });

  it('messages GStreamer builds decode in ours field for field', () => {
    const spec = {
      dataType: 0, v: true, csbId: 0x12345678, sessions: [{ policy: 1, ssrc: 0xdeadbeef, roc: 7 }, { policy: 1, ssrc: 0, roc: 0 }],
      t: 'ebfe6f2db1c13fd0', rand: '00112233445566778899aabbccddeeff',
      policies: [{ policy: 1, params: [{ type: 0, value: '01' }, { type: 1, value: '10' }, { type: 11, value: '04' }] }],
      tek: 'a1'.repeat(30), mki: '0000002a',
    };
    const m = decodeMessage(fromHex(gst(['build', JSON.stringify(spec)]) as string));
    expect(m.header).toEqual({ dataType: 0, v: true, prf: 0, csbId: 0x12345678, map: { type: 'srtp-id', sessions: spec.sessions } });
    expect(m.payloads.map((p) => p.type)).toEqual(['T', 'RAND', 'SP', 'KEMAC']);
    expect(toHex(findPayload(m, 'T')!.value)).toBe(spec.t);
    expect(toHex(findPayload(m, 'RAND')!.value)).toBe(spec.rand);
    expect(readSrtpPolicy(findPayload(m, 'SP')!).values).toEqual({ ENCR_ALG: 1, ENCR_KEY_LEN: 16, AUTH_TAG_LEN: 4 });
    const { keys, mkis } = openNull(crypto, m);
    expect(keys.map((k) => toHex(k.masterKey) + toHex(k.masterSalt))).toEqual([spec.tek, spec.tek]);
    expect(mkis.map((x) => x && toHex(x))).toEqual(['0000002a']);
  });

  it.each([
    ['hmac-sha1-80', 'AES_CM_128_HMAC_SHA1_80', 10],
    ['hmac-sha1-32', 'AES_CM_128_HMAC_SHA1_32', 4],
  ])('the offer GStreamer makes from SRTP caps (%s) decodes in ours, tag length read from SP param 3', (auth, suite, tag) => {
    const key = '000102030405060708090a0b0c0d0e0f';
    const salt = 'a0a1a2a3a4a5a6a7a8a9aaabacad';
    const caps = `application/x-srtp,srtp-key=(buffer)${key}${salt},srtp-cipher=aes-128-icm,srtp-auth=${auth},srtcp-cipher=aes-128-icm,srtcp-auth=hmac-sha1-80`;
    const m = decodeMessage(fromHex(gst(['from-caps', caps]) as string));
    const sp = findPayload(m, 'SP')!;
    const reading = readSrtpPolicy(sp);
    expect([reading.gstreamerTagQuirk, reading.tagLength]).toEqual([true, tag]);
    expect(suiteOf(sp)).toBe(suite);
    // No crypto session in the map: the TEK is there for the sessions the answer adds.
    const tek = decodeKeyData(findPayload(m, 'KEMAC')!.encrData)[0] as KeyData;
    expect(toHex(tek.key)).toBe(key + salt);
  });
});
