// A valid RFC 3830 offer with one crypto session (what `phonectl mikey offer` prints: CS 1, SSRC 0)
// keys only the offerer's stream; this phone keys each direction from its own crypto session, so
// it refuses such an offer with 488 and a Warning naming the reason (RFC 3261 §20.43), before it
// rings and before any cryptography (docs/mikey.md). The phone stays idle, keeps no call state,
// and the same offer with two sessions rings. Node and XS (tests/support/virtual-phone.ts).
import { nobleCrypto as crypto } from '../../hal/noble-crypto.js';
import { dhhmacOffer } from '../../modules/mikey/dhhmac.js';
import { pskOffer } from '../../modules/mikey/psk.js';
import { suitePolicy } from '../../modules/mikey/srtp-policy.js';
import { oneWayOffer } from '../../modules/phone/keying.js';
import type { UaAction } from '../../modules/sip/user-agent.js';
import { openSettingsStore } from '../../modules/settings/store.js';
import { toBase64, toHex } from '../../modules/util/bytes.js';
import { seededRandom } from '../support/pki-random.js';
import { SimFlash } from '../support/sim-flash.js';
import { VIRTUAL_EPOCH_MS, virtualPhone } from '../support/virtual-phone.js';
import { TestNetwork, type Endpoint } from './sip-test-network.js';

const CALLER = 'sip:9001@example.test';
const PHONE = 'sip:9002@example.test';
const PSK = Uint8Array.from({ length: 32 }, (_, i) => 0x5a ^ i);
const PEER = { address: '10.0.0.9', port: 5060 };
const PHONE_AT = { address: '10.0.0.2', port: 5060 };

/** An INVITE from CALLER carrying `mikey` at session level (RFC 4567 §3.1), as phonectl prints it. */
function invite(mikey: Uint8Array, callId: string): Uint8Array {
  const sdp = ['v=0', `o=9001 1 1 IN IP4 ${PEER.address}`, 's=-', `c=IN IP4 ${PEER.address}`, 't=0 0', `a=key-mgmt:mikey ${toBase64(mikey)}`, 'm=audio 40000 RTP/SAVP 0 8', 'a=sendrecv', ''].join('\r\n');
  const text = [
    `INVITE ${PHONE} SIP/2.0`,
    `Via: SIP/2.0/UDP ${PEER.address}:${PEER.port};branch=z9hG4bK${callId};rport`,
    'Max-Forwards: 70',
    `From: <${CALLER}>;tag=t${callId}`,
    `To: <${PHONE}>`,
    `Call-ID: ${callId}@${PEER.address}`,
    'CSeq: 1 INVITE',
    `Contact: <sip:9001@${PEER.address}:${PEER.port}>`,
    'Content-Type: application/sdp',
    `Content-Length: ${sdp.length}`,
    '',
    sdp,
  ].join('\r\n');
  return new TextEncoder().encode(text);
}

function phone() {
  const net = new TestNetwork();
  const flash = new SimFlash(4096, 16);
  const store = openSettingsStore(flash);
  store.save({ ...store.settings, peerKeys: { [CALLER]: toHex(PSK) } });
  const bob = virtualPhone(net, { user: '9002', displayName: 'Bob', domain: 'example.test', address: PHONE_AT.address, sipPort: PHONE_AT.port, flash });
  const replies: string[] = [];
  const peer: Endpoint = { name: 'peer', address: PEER, receive: (data): UaAction[] => (replies.push(new TextDecoder().decode(data)), []) };
  net.add(peer);
  const env = { crypto, random: seededRandom('caller'), nowMs: VIRTUAL_EPOCH_MS };
  const offers = {
    PSK: (ssrcs: number[]) =>
      pskOffer({ psk: PSK, sessions: ssrcs.map((ssrc) => ({ policy: 0, ssrc, roc: 0 })), policies: [suitePolicy(0, 'AES_CM_128_HMAC_SHA1_80')], v: true, idi: CALLER, idr: PHONE }, env).bytes,
    DHHMAC: (ssrcs: number[]) => dhhmacOffer({ selfUri: CALLER, responderUri: PHONE, psk: PSK, crypto, env: { random: env.random, nowMs: env.nowMs }, ssrcs, group: 1, shortExponent: true }).message,
  };
  /** What the phone answered the test peer so far, and the lines it rang with, if it did. */
  const offer = (bytes: Uint8Array, callId: string) => {
    net.apply(peer, [{ type: 'send', transport: 'udp', data: invite(bytes, callId), address: PHONE_AT.address, port: PHONE_AT.port }]);
    net.run(net.now + 20);
    const rang = bob.screen()[0] === 'Incoming call' ? bob.screen() : undefined;
    return { rang, replies: replies.slice() };
  };
  return { net, bob, offers, offer };
}

describe('an offer with a single crypto session', () => {
  it.each(['PSK', 'DHHMAC'] as const)('%s: refused with 488 and the reason before it rings; two sessions ring', (mode) => {
    const { net, bob, offers, offer } = phone();
    const one = offer(offers[mode]([0]), 'one');
    expect(one.rang).toBe(undefined);
    expect(one.replies.map((r) => r.split('\r\n')[0])).toEqual(['SIP/2.0 100 Trying', 'SIP/2.0 488 Not Acceptable Here']);
    expect(one.replies[1]).toContain('\r\nWarning: 399 10.0.0.2:5060 "the offer has 1 crypto session; a call needs one per direction"\r\n');
    expect(bob.log).toContainEqual('incoming call one@10.0.0.9 refused: the offer has 1 crypto session; a call needs one per direction');
    expect(bob.screen()[0]).toBe('Bob');
    net.run(net.now + 40_000);
    expect(bob.phone.stats()).toEqual({ call: 0, timers: 0, uaCalls: 0, transactions: 0, uaTimers: 0, connections: 0, connectionTimers: 0 });
    // The same key agreement with a crypto session per direction is taken.
    const two = offer(offers[mode]([0x1234, 0]), 'two');
    expect(two.rang?.slice(0, 3)).toEqual(['Incoming call', '9001@example.test', `Secure: ${mode}`]);
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
