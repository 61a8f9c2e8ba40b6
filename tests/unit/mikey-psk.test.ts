// PSK mode end to end between two instances (RFC 3830 §3.1, §5): keys agree, the V flag decides
// whether a verification message is sent, Error messages carry ERR and a V that the initiator
// verifies, and the security rules hold — timestamp window, replay cache (also out of order), CSB
// ID and RAND checks, MAC failures keep nothing. Runs in Node and on XS.
import { nobleCrypto as crypto } from '../../hal/noble-crypto.js';
import { decodeMessage, decodeMessageDetailed, encodeMessage } from '../../modules/mikey/codec.js';
import { findPayload, findPayloads, type Message } from '../../modules/mikey/payloads.js';
import { ntpTimestamp } from '../../modules/mikey/pk-message.js';
import { pskCheckResponse, pskOffer, pskRespond, type PskOfferRequest, type PskResponderConfig } from '../../modules/mikey/psk.js';
import { ReplayCache } from '../../modules/mikey/replay-cache.js';
import { suitePolicy } from '../../modules/mikey/srtp-policy.js';
import { sdpIdsExtension } from '../../modules/mikey/general-extension.js';
import { toHex } from '../../modules/util/bytes.js';
import { seededRandom } from '../support/pki-random.js';

const NOW = Date.UTC(2026, 10, 25, 9, 0, 0);
const HOUR = 3600_000;
const psk = new Uint8Array(20).fill(0x42);
const env = (seed: string, nowMs = NOW) => ({ crypto, random: seededRandom(seed), nowMs });

const request = (over: Partial<PskOfferRequest> = {}): PskOfferRequest => ({
  psk,
  sessions: [{ policy: 0, ssrc: 0x11111111, roc: 0 }, { policy: 1, ssrc: 0, roc: 0 }],
  policies: [suitePolicy(0, 'AES_CM_128_HMAC_SHA1_80'), suitePolicy(1, 'AES_CM_128_HMAC_SHA1_32')],
  v: true,
  idi: 'sip:alice@example.org',
  idr: 'sip:bob@example.org',
  extensions: [sdpIdsExtension(['mikey'])],
  ...over,
});

const responder = (over: Partial<PskResponderConfig> = {}): PskResponderConfig => ({
  pskFor: (idi) => (idi === 'sip:alice@example.org' ? psk : undefined),
  replay: new ReplayCache(HOUR, 16),
  idr: 'sip:bob@example.org',
  ...over,
});

describe('MIKEY PSK exchange', () => {
  it('installs the same SRTP keys on both sides and the initiator verifies the R_MESSAGE', () => {
    const offer = pskOffer(request(), env('i'));
    const answer = pskRespond(offer.bytes, responder(), env('r', NOW + 1500));
    expect(answer.ok).toBe(true);
    if (!answer.ok) return;
    expect(answer.idi).toBe('sip:alice@example.org');
    expect(answer.keys.map((k) => [k.csId, toHex(k.masterKey), toHex(k.masterSalt)])).toEqual(offer.keys.map((k) => [k.csId, toHex(k.masterKey), toHex(k.masterSalt)]));
    expect(answer.keys).toHaveLength(2);
    expect(answer.keys[0].masterKey).toHaveLength(16);
    expect(answer.keys[0].masterSalt).toHaveLength(14);
    expect(toHex(answer.keys[0].masterKey)).not.toBe(toHex(answer.keys[1].masterKey));
    const r = decodeMessage(answer.response!);
    expect(r.header).toMatchObject({ dataType: 1, csbId: offer.message.header.csbId });
    expect(r.payloads.map((p) => p.type)).toEqual(['T', 'ID', 'V']);
    expect(pskCheckResponse(offer, answer.response!, { crypto, nowMs: NOW + 2000 })).toEqual({ ok: true });
  });

  it('the I_MESSAGE has the RFC 3830 §3.1 shape and carries the MKI to the responder', () => {
    const offer = pskOffer(request({ mki: Uint8Array.of(0, 0, 0, 1) }), env('shape'));
    const m = decodeMessage(offer.bytes);
    expect(m.header).toMatchObject({ dataType: 0, v: true, prf: 0 });
    expect(m.payloads.map((p) => p.type)).toEqual(['T', 'RAND', 'ID', 'ID', 'SP', 'SP', 'GENEXT', 'KEMAC']);
    expect(findPayload(m, 'KEMAC')).toMatchObject({ encrAlg: 1, macAlg: 1 });
    expect(findPayload(m, 'RAND')!.value).toHaveLength(16);
    const answer = pskRespond(offer.bytes, responder(), env('r'));
    expect(answer.ok && answer.mkis).toEqual([Uint8Array.of(0, 0, 0, 1)]);
  });

  it('with V = 0 the responder installs keys and sends nothing', () => {
    const offer = pskOffer(request({ v: false }), env('nov'));
    const answer = pskRespond(offer.bytes, responder(), env('r'));
    expect(answer.ok).toBe(true);
    expect(answer.ok && answer.response).toBe(undefined);
  });

  it('a wrong PSK is an authentication failure with an authenticated Error message; nothing is kept', () => {
    const offer = pskOffer(request({ psk: new Uint8Array(20).fill(1) }), env('wrong'));
    const replay = new ReplayCache(HOUR, 16);
    const answer = pskRespond(offer.bytes, responder({ replay }), env('r'));
    expect(answer.ok).toBe(false);
    if (answer.ok) return;
    expect(answer.errorNo).toBe(0);
    expect(replay.size).toBe(0);
    const e = decodeMessage(answer.error);
    expect(e.header).toMatchObject({ dataType: 6, csbId: offer.message.header.csbId });
    expect(e.payloads.map((p) => p.type)).toEqual(['T', 'ERR', 'V']);
    // The initiator (with the wrong key) cannot authenticate it: reported as unverified.
    expect(pskCheckResponse(offer, answer.error, { crypto, nowMs: NOW }).ok).toBe(false);
  });

  it('the initiator reads an authenticated Error message (invalid timestamp)', () => {
    const offer = pskOffer(request(), env('late', NOW - 2 * HOUR));
    const answer = pskRespond(offer.bytes, responder(), env('r'));
    expect(answer.ok === false && answer.errorNo).toBe(1);
    const verdict = pskCheckResponse(offer, (answer as { error: Uint8Array }).error, { crypto, nowMs: NOW }, 3 * HOUR);
    expect(verdict).toMatchObject({ ok: false, errorNos: [1] });
  });

  it('any flipped bit in the I_MESSAGE is refused and leaves the replay cache empty', () => {
    const offer = pskOffer(request(), env('flip'));
    const replay = new ReplayCache(HOUR, 16);
    for (let i = 0; i < offer.bytes.length; i += 7) {
      const b = offer.bytes.slice();
      b[i] ^= 0x01;
      expect(pskRespond(b, responder({ replay }), env('r')).ok).toBe(false);
    }
    expect(replay.size).toBe(0);
  });

  it('a tampered R_MESSAGE or one for another CSB ID is refused', () => {
    const offer = pskOffer(request(), env('rt'));
    const answer = pskRespond(offer.bytes, responder(), env('r'));
    const response = (answer as { response: Uint8Array }).response;
    const bad = response.slice();
    bad[bad.length - 1] ^= 0x80;
    expect(pskCheckResponse(offer, bad, { crypto, nowMs: NOW }).ok).toBe(false);
    const other = pskOffer(request(), env('other'));
    expect(pskCheckResponse(other, response, { crypto, nowMs: NOW }).ok).toBe(false);
  });

  it('timestamp window is configurable, ±1 hour by default', () => {
    const at = (ms: number) => pskOffer(request(), env(`t${ms}`, NOW + ms)).bytes;
    expect(pskRespond(at(HOUR - 1000), responder(), env('r')).ok).toBe(true);
    expect(pskRespond(at(-HOUR + 1000), responder(), env('r')).ok).toBe(true);
    expect(pskRespond(at(HOUR + 1000), responder(), env('r'))).toMatchObject({ ok: false, errorNo: 1 });
    expect(pskRespond(at(-HOUR - 1000), responder(), env('r'))).toMatchObject({ ok: false, errorNo: 1 });
    expect(pskRespond(at(60_000), responder({ windowMs: 30_000 }), env('r'))).toMatchObject({ ok: false, errorNo: 1 });
  });

  it('refuses a replay, also after later messages arrived first (out of order)', () => {
    const replay = new ReplayCache(HOUR, 16);
    const older = pskOffer(request(), env('a', NOW - 60_000)).bytes;
    const newer = pskOffer(request(), env('b', NOW)).bytes;
    expect(pskRespond(newer, responder({ replay }), env('r')).ok).toBe(true);
    expect(pskRespond(older, responder({ replay }), env('r')).ok).toBe(true);
    expect(pskRespond(newer, responder({ replay }), env('r', NOW + 1000))).toMatchObject({ ok: false, errorNo: 1 });
    expect(pskRespond(older, responder({ replay }), env('r', NOW + 2000))).toMatchObject({ ok: false, errorNo: 1 });
  });

  it('a full cache fails closed: nothing at or below the dropped timestamp is admitted', () => {
    const replay = new ReplayCache(HOUR, 2);
    const offers = [0, 1, 2].map((i) => pskOffer(request(), env(`c${i}`, NOW - 30_000 + i * 1000)).bytes);
    for (const o of offers) expect(pskRespond(o, responder({ replay }), env('r')).ok).toBe(true);
    expect(replay.size).toBe(2);
    // The first offer was dropped from the cache; its replay is still refused by the floor.
    expect(pskRespond(offers[0], responder({ replay }), env('r'))).toMatchObject({ ok: false, errorNo: 1 });
    const older = pskOffer(request(), env('older', NOW - 40_000)).bytes;
    expect(pskRespond(older, responder({ replay }), env('r'))).toMatchObject({ ok: false, errorNo: 1 });
  });

  it('entries leave the cache once their timestamp leaves the window', () => {
    const replay = new ReplayCache(HOUR, 4);
    expect(pskRespond(pskOffer(request(), env('x')).bytes, responder({ replay }), env('r')).ok).toBe(true);
    replay.prune(NOW + HOUR + 1);
    expect(replay.size).toBe(0);
  });

  it('checks the CSB ID of a re-key and the RAND length', () => {
    const offer = pskOffer(request({ csbId: 0x1234 }), env('csb'));
    expect(pskRespond(offer.bytes, responder({ expectedCsbId: 0x1234 }), env('r')).ok).toBe(true);
    expect(pskRespond(offer.bytes, responder({ expectedCsbId: 0x9999 }), env('r'))).toMatchObject({ ok: false, errorNo: 12 });
    // Re-encode the offer with an 8-byte RAND (the MAC then fails too, but RAND is checked first).
    const m = decodeMessage(offer.bytes);
    const short: Message = { ...m, payloads: m.payloads.map((p) => (p.type === 'RAND' ? { type: 'RAND', value: p.value.subarray(0, 8) } : p)) };
    const answer = pskRespond(encodeMessage(short), responder(), env('r'));
    expect(answer).toMatchObject({ ok: false, errorNo: 12 });
    expect(answer.ok === false && answer.reason).toContain('RAND');
  });

  it('unknown initiator: ERR 7, unauthenticated; other data types: ERR 11; malformed: ERR 12', () => {
    const stranger = pskOffer(request({ idi: 'sip:eve@example.org' }), env('eve'));
    const a = pskRespond(stranger.bytes, responder(), env('r'));
    expect(a).toMatchObject({ ok: false, errorNo: 7 });
    expect(findPayloads(decodeMessage((a as { error: Uint8Array }).error), 'V')).toHaveLength(0);
    const offer = pskOffer(request(), env('dt'));
    const m = decodeMessage(offer.bytes);
    expect(pskRespond(encodeMessage({ ...m, header: { ...m.header, dataType: 2 } }), responder(), env('r'))).toMatchObject({ ok: false, errorNo: 11 });
    const bad = pskRespond(offer.bytes.subarray(0, 20), responder(), env('r'));
    expect(bad).toMatchObject({ ok: false, errorNo: 12 });
    expect(decodeMessage((bad as { error: Uint8Array }).error).header.dataType).toBe(6);
  });

  it('the KEMAC MAC covers the whole message: changing the SP is an authentication failure', () => {
    const offer = pskOffer(request(), env('sp'));
    const d = decodeMessageDetailed(offer.bytes);
    const m = d.message;
    const swapped: Message = { ...m, payloads: m.payloads.map((p) => (p.type === 'SP' && p.policy === 1 ? suitePolicy(1, 'AES_CM_128_HMAC_SHA1_80') : p)) };
    expect(pskRespond(encodeMessage(swapped), responder(), env('r'))).toMatchObject({ ok: false, errorNo: 0 });
  });

  it('an NTP timestamp is what the T payload carries', () => {
    const offer = pskOffer(request(), env('ntp'));
    expect(toHex(findPayload(decodeMessage(offer.bytes), 'T')!.value)).toBe(toHex(ntpTimestamp(NOW)));
  });
});
