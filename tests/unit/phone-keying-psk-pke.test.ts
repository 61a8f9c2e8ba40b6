// PSK (RFC 3830 §3.1) and PKE (§3.2) as a call uses them (modules/phone/keying.ts): which key
// agreements a phone may offer a peer, the offer with the priority-table extension, the callee's
// screening and answer, and the refusals: a forged or replayed PSK message, an offer addressed to
// someone else, a PKE envelope encrypted to a certificate that is not the callee's.
// ERR numbers are RFC 3830 §6.12: 0 Auth failure, 1 Invalid TS, 7 Invalid ID, 8 Invalid Cert.
import type { PkCredentials } from '../../modules/mikey/pk-auth.js';
import type { GeneralExtension, Refused, Screened } from '../../modules/mikey/pk-exchange.js';
import { decodeMessage } from '../../modules/mikey/pk-wire.js';
import { pkeOffer } from '../../modules/mikey/pke.js';
import { ReplayCache } from '../../modules/mikey/replay-cache.js';
import { KEY_AGREEMENTS } from '../../modules/negotiation/capabilities.js';
import { certificateOf, makeOffer, screenOffer, usableKeyAgreements, type KeyingContext } from '../../modules/phone/keying.js';
import { credentials, crypto, environment } from '../support/mikey-pk-parties.js';
import { FIXTURE_NOW, fixtureBytes } from '../support/pki-fixtures.js';
import { seededRandom } from '../support/pki-random.js';

const alice = credentials('alice');
const bob = credentials('bob');
const PSK = Uint8Array.from({ length: 32 }, (_, i) => 0x40 + i);
const offerExt: GeneralExtension = { type: 'GENEXT', extType: 0xf0, data: Uint8Array.of(1, 2, 3, 4, 5) };
const answerExt: GeneralExtension = { type: 'GENEXT', extType: 0xf0, data: Uint8Array.of(9, 8, 7, 6) };

function context(self: PkCredentials, seed: string, peers: { psk?: Record<string, Uint8Array>; certs?: Record<string, Uint8Array> } = {}, replay = new ReplayCache(3600_000)): KeyingContext {
  return {
    selfUri: self.uri,
    credentials: self,
    pskFor: (peer) => peers.psk?.[peer],
    peerCertificate: (peer) => peers.certs?.[peer],
    crypto,
    random: seededRandom(seed),
    nowMs: FIXTURE_NOW,
    replay,
  };
}

function screened(bytes: Uint8Array, ctx: KeyingContext, from: string): { keyAgreement: string; result: Screened | Refused } {
  const s = screenOffer(bytes, ctx, from);
  if ('unsupported' in s) throw new Error(s.unsupported);
  return s;
}

describe('key agreements a phone can offer a peer', () => {
  it('PSK and DHHMAC need the PSK shared with that peer', () => {
    const usable = usableKeyAgreements(context(alice, 'u1', { psk: { [bob.uri]: PSK } }), bob.uri);
    expect(usable('PSK')).toBe(true);
    expect(usable('DHHMAC')).toBe(true);
    const other = usableKeyAgreements(context(alice, 'u2', { psk: { [bob.uri]: PSK } }), 'sip:carol@example.com');
    expect(other('PSK')).toBe(false);
    expect(other('DHHMAC')).toBe(false);
  });

  it('PKE needs a held certificate that chains to the anchors and names the peer (RFC 3830 §4.2.2)', () => {
    expect(usableKeyAgreements(context(alice, 'u3', { certs: { [bob.uri]: fixtureBytes('bob') } }), bob.uri)('PKE')).toBe(true);
    expect(usableKeyAgreements(context(alice, 'u4'), bob.uri)('PKE')).toBe(false);
    // Mallory's certificate claims Bob's URI but comes from a rogue CA.
    expect(usableKeyAgreements(context(alice, 'u5', { certs: { [bob.uri]: fixtureBytes('mallory') } }), bob.uri)('PKE')).toBe(false);
    // Carol's genuine certificate does not name Bob.
    expect(usableKeyAgreements(context(alice, 'u6', { certs: { [bob.uri]: fixtureBytes('carol') } }), bob.uri)('PKE')).toBe(false);
  });

  it('as the responder, PKE needs only its own keys: the offer carries the caller\'s certificate', () => {
    expect(usableKeyAgreements(context(bob, 'u8'), alice.uri, 'responder')('PKE')).toBe(true);
    expect(usableKeyAgreements({ ...context(bob, 'u9'), credentials: undefined }, alice.uri, 'responder')('PKE')).toBe(false);
  });

  it('every key agreement name gets an answer', () => {
    const usable = usableKeyAgreements(context(alice, 'u7'), bob.uri);
    expect(KEY_AGREEMENTS.map(usable)).toEqual([false, false, true, false, true]);
  });
});

describe('PSK in a call', () => {
  const callee = () => context(bob, 'bob-psk', { psk: { [alice.uri]: PSK } });

  it('carries the table both ways and both sides derive the same keys for caller and callee streams', () => {
    const offer = makeOffer('PSK', context(alice, 'alice-psk', { psk: { [bob.uri]: PSK } }), bob.uri, 0x1234, [offerExt]);
    const header = decodeMessage(offer.message).header;
    expect(header.dataType).toBe(0);
    expect(header.v).toBe(true);
    expect(header.sessions.map((s) => s.ssrc)).toEqual([0x1234, 0]);
    const s = screened(offer.message, callee(), alice.uri);
    expect(s.keyAgreement).toBe('PSK');
    if (!s.result.ok) throw new Error(s.result.reason);
    expect(s.result.extensions).toEqual([offerExt]);
    const done = s.result.complete(undefined, [answerExt]);
    if (!done.ok) throw new Error(done.reason);
    const reply = decodeMessage(done.response!);
    expect(reply.header.dataType).toBe(1);
    expect(reply.payloads.filter((p) => p.type === 'GENEXT')).toEqual([answerExt]);
    expect(reply.payloads[reply.payloads.length - 1].type).toBe('V');
    const keys = offer.finish(done.response!);
    expect(keys).toEqual(done.keys);
    expect(keys).toHaveLength(2);
    expect(keys[0].masterKey).not.toEqual(keys[1].masterKey);
  });

  it('refuses a forged message (wrong MAC) with an Error message and remembers nothing', () => {
    const replay = new ReplayCache(3600_000);
    const offer = makeOffer('PSK', context(alice, 'alice-forge', { psk: { [bob.uri]: Uint8Array.from(PSK, (b) => b ^ 1) } }), bob.uri, 7, [offerExt]);
    const s = screened(offer.message, context(bob, 'bob-forge', { psk: { [alice.uri]: PSK } }, replay), alice.uri);
    expect(s.result).toMatchObject({ ok: false, errorNo: 0, reason: 'KEMAC MAC does not verify' });
    expect(decodeMessage((s.result as Refused).error).header.dataType).toBe(6);
    expect(replay.size).toBe(0);
  });

  it('refuses a replayed message and an edited answer', () => {
    const ctx = callee();
    const offer = makeOffer('PSK', context(alice, 'alice-replay', { psk: { [bob.uri]: PSK } }), bob.uri, 7);
    const first = screened(offer.message, ctx, alice.uri).result as Screened;
    expect(first.ok).toBe(true);
    expect(screened(offer.message, ctx, alice.uri).result).toMatchObject({ ok: false, reason: 'replayed I_MESSAGE' });
    const done = first.complete(undefined, [answerExt]);
    if (!done.ok) throw new Error(done.reason);
    const edited = done.response!.slice();
    edited[edited.length - 25] ^= 1;
    expect(() => offer.finish(edited)).toThrow(/PSK verification message/);
  });

  it('refuses an offer whose IDi is not the SIP From identity, or addressed to another phone', () => {
    const offer = makeOffer('PSK', context(alice, 'alice-ids', { psk: { [bob.uri]: PSK } }), bob.uri, 7);
    expect(screened(offer.message, callee(), 'sip:carol@example.com').result).toMatchObject({ ok: false, errorNo: 7, reason: `IDi ${alice.uri} is not sip:carol@example.com` });
    const carol = { ...callee(), selfUri: 'sip:carol@example.com' };
    expect(screened(offer.message, carol, alice.uri).result).toMatchObject({ ok: false, reason: `the offer is addressed to ${bob.uri}` });
  });

  it('refuses a caller it shares no PSK with', () => {
    const offer = makeOffer('PSK', context(alice, 'alice-nopsk', { psk: { [bob.uri]: PSK } }), bob.uri, 7);
    expect(screened(offer.message, context(bob, 'bob-nopsk'), alice.uri).result).toMatchObject({ ok: false, errorNo: 7, reason: `no pre-shared key for ${alice.uri}` });
  });
});

describe('the certificate of an authenticated message', () => {
  it('is the sender\'s leaf from a PKE offer, and none in a PSK offer', () => {
    const pke = makeOffer('PKE', context(alice, 'c1', { certs: { [bob.uri]: fixtureBytes('bob') } }), bob.uri, 1);
    expect(certificateOf(pke.message)).toEqual(fixtureBytes('alice'));
    const psk = makeOffer('PSK', context(alice, 'c2', { psk: { [bob.uri]: PSK } }), bob.uri, 1);
    expect(certificateOf(psk.message)).toBe(undefined);
  });
});

describe('PKE in a call', () => {
  it('encrypts to the held certificate; the callee decrypts in the deferred step and the keys agree', () => {
    const offer = makeOffer('PKE', context(alice, 'alice-pke', { certs: { [bob.uri]: fixtureBytes('bob') } }), bob.uri, 99, [offerExt]);
    const s = screened(offer.message, context(bob, 'bob-pke'), alice.uri);
    expect(s.keyAgreement).toBe('PKE');
    if (!s.result.ok) throw new Error(s.result.reason);
    expect(s.result.extensions).toEqual([offerExt]);
    const done = s.result.complete(undefined, [answerExt]);
    if (!done.ok) throw new Error(done.reason);
    expect(decodeMessage(done.response!).payloads.filter((p) => p.type === 'GENEXT')).toEqual([answerExt]);
    expect(offer.finish(done.response!)).toEqual(done.keys);
  });

  it('is not offered without a valid certificate for the peer', () => {
    expect(() => makeOffer('PKE', context(alice, 'alice-nocert', { certs: { [bob.uri]: fixtureBytes('mallory') } }), bob.uri, 1)).toThrow(RangeError);
  });

  it('refuses an envelope encrypted to a certificate that is not ours', () => {
    const carol = credentials('carol');
    const offer = pkeOffer({ self: alice, crypto, env: environment('alice-carol'), responderUri: carol.uri, responderCertificate: carol.chain[0], ssrcs: [1, 0] });
    const s = screened(offer.message, context(bob, 'bob-carol'), alice.uri);
    expect(s.keyAgreement).toBe('PKE');
    expect(s.result).toMatchObject({ ok: false, errorNo: 8, reason: 'the envelope key was encrypted to another certificate (CHASH)' });
  });
});
