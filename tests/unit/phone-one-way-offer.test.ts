// A valid RFC 3830 offer with one crypto session (what `phonectl mikey offer` prints: CS 1, SSRC 0)
// keys only the offerer's stream; this phone keys each direction from its own crypto session, so
// it refuses such an offer with 488 and a Warning naming the reason (RFC 3261 §20.43), before it
// rings and before any cryptography (docs/mikey.md). The phone stays idle, keeps no call state,
// and the same offer with two sessions rings. Node and XS (tests/support/fake-hal.ts).
import { nobleCrypto as crypto } from '../../hal/noble-crypto.js';
import { dhhmacOffer } from '../../modules/mikey/dhhmac.js';
import { pskOffer } from '../../modules/mikey/psk.js';
import { suitePolicy } from '../../modules/mikey/srtp-policy.js';
import { oneWayOffer } from '../../modules/phone/keying.js';
import { createPhone } from '../../modules/phone/phone.js';
import { openSettingsStore } from '../../modules/settings/store.js';
import { toBase64, toHex } from '../../modules/util/bytes.js';
import { FakeWorld } from '../support/fake-hal.js';
import { seededRandom } from '../support/pki-random.js';

const CALLER = 'sip:9001@127.0.0.1';
const PHONE = 'sip:9002@127.0.0.1';
const PSK = Uint8Array.from({ length: 32 }, (_, i) => 0x5a ^ i);
const PEER_PORT = 5999;

/** An INVITE from CALLER carrying `mikey` at session level (RFC 4567 §3.1), as phonectl prints it. */
function invite(mikey: Uint8Array, callId: string): Uint8Array {
  const sdp = ['v=0', 'o=9001 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', `a=key-mgmt:mikey ${toBase64(mikey)}`, 'm=audio 40000 RTP/SAVP 0 8', 'a=sendrecv', ''].join('\r\n');
  const text = [
    `INVITE ${PHONE} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${PEER_PORT};branch=z9hG4bK${callId};rport`,
    'Max-Forwards: 70',
    `From: <${CALLER}>;tag=t${callId}`,
    `To: <${PHONE}>`,
    `Call-ID: ${callId}@127.0.0.1`,
    'CSeq: 1 INVITE',
    `Contact: <sip:9001@127.0.0.1:${PEER_PORT}>`,
    'Content-Type: application/sdp',
    `Content-Length: ${sdp.length}`,
    '',
    sdp,
  ].join('\r\n');
  return new TextEncoder().encode(text);
}

function phone() {
  const world = new FakeWorld();
  const hal = world.hal('phone');
  const store = openSettingsStore(hal.flash);
  store.save({ ...store.settings, peerKeys: { [CALLER]: toHex(PSK) } });
  const p = createPhone(hal, { displayName: 'Bob', user: '9002', sipPort: 5062 });
  const env = { crypto, random: seededRandom('caller'), nowMs: world.epochMs };
  const offers = {
    PSK: (ssrcs: number[]) =>
      pskOffer({ psk: PSK, sessions: ssrcs.map((ssrc) => ({ policy: 0, ssrc, roc: 0 })), policies: [suitePolicy(0, 'AES_CM_128_HMAC_SHA1_80')], v: true, idi: CALLER, idr: PHONE }, env).bytes,
    DHHMAC: (ssrcs: number[]) => dhhmacOffer({ selfUri: CALLER, responderUri: PHONE, psk: PSK, crypto, env: { random: env.random, nowMs: env.nowMs }, ssrcs, group: 1, shortExponent: true }).message,
  };
  /** What the phone answered the test peer, and the lines it rang with, if it did. */
  const offer = (bytes: Uint8Array, callId: string) => {
    let rang: readonly string[] | undefined;
    world.inject(invite(bytes, callId), 5062, PEER_PORT);
    world.advance(10);
    if (hal.screen[0] === 'Incoming call') rang = hal.screen;
    const replies = world.sent.filter((d) => d.to === PEER_PORT).map((d) => new TextDecoder().decode(d.data));
    return { rang, replies };
  };
  return { world, hal, p, offers, offer };
}

describe('an offer with a single crypto session', () => {
  it.each(['PSK', 'DHHMAC'] as const)('%s: refused with 488 and the reason before it rings; two sessions ring', (mode) => {
    const { world, hal, p, offers, offer } = phone();
    const one = offer(offers[mode]([0]), 'one');
    expect(one.rang).toBe(undefined);
    expect(one.replies.map((r) => r.split('\r\n')[0])).toEqual(['SIP/2.0 100 Trying', 'SIP/2.0 488 Not Acceptable Here']);
    expect(one.replies[1]).toContain('\r\nWarning: 399 127.0.0.1:5062 "the offer has 1 crypto session; a call needs one per direction"\r\n');
    expect(hal.logs).toContainEqual('incoming call one@127.0.0.1 refused: the offer has 1 crypto session; a call needs one per direction');
    expect(hal.screen[0]).toBe('Bob');
    world.advance(40_000);
    expect(p.stats()).toEqual({ call: 0, timers: 0, uaCalls: 0, transactions: 0, uaTimers: 0 });
    // The same key agreement with a crypto session per direction is taken.
    const two = offer(offers[mode]([0x1234, 0]), 'two');
    expect(two.rang?.slice(0, 3)).toEqual(['Incoming call', '9001@127.0.0.1', `Secure: ${mode}`]);
  });
});

describe('oneWayOffer (the header check every incoming offer and re-key passes)', () => {
  it('names offers with fewer than two crypto sessions, and only those', () => {
    const env = { crypto, random: seededRandom('h'), nowMs: Date.UTC(2026, 11, 7) };
    const psk = (n: number) =>
      pskOffer({ psk: PSK, sessions: Array.from({ length: n }, (_, i) => ({ policy: 0, ssrc: i, roc: 0 })), policies: [suitePolicy(0, 'AES_CM_128_HMAC_SHA1_80')], v: false }, env).bytes;
    expect(oneWayOffer(psk(1))).toBe('the offer has 1 crypto session; a call needs one per direction');
    expect(oneWayOffer(psk(2))).toBe(undefined);
    expect(oneWayOffer(psk(3))).toBe(undefined);
    // #CS is byte 8 of the header (RFC 3830 §6.1): zero sessions in an SRTP-ID map.
    const none = psk(1).slice();
    none[8] = 0;
    expect(oneWayOffer(none)).toBe('the offer has 0 crypto sessions; a call needs one per direction');
    // Not a whole header, or another map type: left to screening, which refuses it.
    expect(oneWayOffer(psk(1).subarray(0, 9))).toBe(undefined);
    const otherMap = psk(1).slice();
    otherMap[9] = 1;
    expect(oneWayOffer(otherMap)).toBe(undefined);
  });
});
