// Refusals in the public-key modes: each answers with the ERR number RFC 3830 §6.12 gives, as an
// Error message (data type 6) for the offer's CSB, and installs nothing (no keys, no replay entry).
import { dhOffer, dhScreen } from '../../modules/mikey/dh.js';
import { dhhmacOffer, dhhmacScreen } from '../../modules/mikey/dhhmac.js';
import { PK_ERROR, PkRefusal } from '../../modules/mikey/pk-auth.js';
import type { Completed, Refused, Screened } from '../../modules/mikey/pk-exchange.js';
import { decodeMessage } from '../../modules/mikey/pk-wire.js';
import { pkeOffer, pkeScreen } from '../../modules/mikey/pke.js';
import { rsaROffer, rsaRScreen } from '../../modules/mikey/rsa-r.js';
import { flip } from '../support/mikey-pk-flip.js';
import { credentials, crypto, environment, replayCache, responderContext } from '../support/mikey-pk-parties.js';
import { FIXTURE_NOW, fixtureBytes, fixtureCert } from '../support/pki-fixtures.js';

const alice = credentials('alice');
const bob = credentials('bob');
const PSK = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);
const HOUR = 3600_000;

/** Asserts a refusal with `errorNo`, an Error message for the offer's CSB, and nothing remembered. */
function expectRefused(result: Screened | Refused | Completed, errorNo: number, offer: Uint8Array, replay?: { readonly size: number }, before = 0): void {
  expect(result.ok).toBe(false);
  const refused = result as Refused;
  expect(refused.errorNo).toBe(errorNo);
  expect((result as unknown as Completed).keys).toBe(undefined);
  const error = decodeMessage(refused.error);
  expect(error.header.dataType).toBe(6);
  expect(error.header.csbId).toBe(decodeMessage(offer).header.csbId);
  expect(error.payloads.filter((p) => p.type === 'ERR')).toEqual([{ type: 'ERR', errorNo }]);
  if (replay) expect(replay.size).toBe(before);
}

const pke = (seed: string, overrides: Partial<Parameters<typeof pkeOffer>[0]> = {}) =>
  pkeOffer({ self: alice, crypto, env: environment(seed), responderUri: bob.uri, responderCertificate: fixtureBytes('bob'), ssrcs: [1], ...overrides });

describe('tampered signatures and MACs → ERR 0 (Authentication failure)', () => {
  it('PKE: a flipped bit in SIGNi, or in the KEMAC it covers', () => {
    const offer = pke('t1');
    const replay = replayCache();
    expectRefused(pkeScreen(flip(offer.message, -3), responderContext(bob, alice.uri, replay)), PK_ERROR.AUTH_FAILURE, offer.message, replay);
    const kemacAt = offer.message.length - 128 - 2 - 128 - 3 - 21 - 23; // inside KEMAC's encrypted data
    expectRefused(pkeScreen(flip(offer.message, kemacAt), responderContext(bob, alice.uri, replay)), PK_ERROR.AUTH_FAILURE, offer.message, replay);
  });

  it('signed DH and RSA-R: a flipped bit in SIGNi; DH initiator: a flipped bit in SIGNr', () => {
    const dh = dhOffer({ self: alice, crypto, env: environment('t2'), responderUri: bob.uri, ssrcs: [1], group: 1, shortExponent: true });
    const replay = replayCache();
    expectRefused(dhScreen(flip(dh.message, -1), responderContext(bob, alice.uri, replay)), PK_ERROR.AUTH_FAILURE, dh.message, replay);
    const rsar = rsaROffer({ self: alice, crypto, env: environment('t3'), responderUri: bob.uri, ssrcs: [1] });
    expectRefused(rsaRScreen(flip(rsar.message, -5), responderContext(bob, alice.uri, replay)), PK_ERROR.AUTH_FAILURE, rsar.message, replay);
    const pending = dhScreen(dh.message, responderContext(bob, alice.uri, replayCache()), { shortExponent: true });
    const response = (pending as Screened).complete();
    expect(() => dh.finish(flip((response as Completed).response!, -2))).toThrow(PkRefusal);
  });

  it('DHHMAC: a flipped bit in the KEMAC MAC or in DHi, and a wrong PSK', () => {
    const offer = dhhmacOffer({ selfUri: alice.uri, responderUri: bob.uri, psk: PSK, crypto, env: environment('t4'), ssrcs: [1], group: 1, shortExponent: true });
    const replay = replayCache();
    const ctx = (psk: Uint8Array) => ({ selfUri: bob.uri, pskFor: () => psk, crypto, env: environment('r'), replay, fromUri: alice.uri });
    expectRefused(dhhmacScreen(flip(offer.message, -1), ctx(PSK)), PK_ERROR.AUTH_FAILURE, offer.message, replay);
    expectRefused(dhhmacScreen(flip(offer.message, -40), ctx(PSK)), PK_ERROR.AUTH_FAILURE, offer.message, replay);
    expectRefused(dhhmacScreen(offer.message, ctx(PSK.map((b) => b ^ 1))), PK_ERROR.AUTH_FAILURE, offer.message, replay);
    // The refusal is authenticated with a V payload under the PSK-derived key where that key is known.
    const refusal = dhhmacScreen(flip(offer.message, -1), ctx(PSK)) as Refused;
    expect(decodeMessage(refusal.error).payloads.map((p) => p.type)).toEqual(['T', 'ERR', 'V']);
  });

  it('PKE initiator: a forged verification message', () => {
    const offer = pke('t5');
    const done = (pkeScreen(offer.message, responderContext(bob, alice.uri, replayCache())) as Screened).complete() as Completed;
    expect(() => offer.confirm(flip(done.response!, -1))).toThrow('V payload MAC does not verify');
  });
});

describe('wrong or untrusted certificates', () => {
  it('a certificate from an untrusted CA → ERR 0', () => {
    const mallory = credentials('mallory');
    const offer = dhOffer({ self: mallory, crypto, env: environment('c1'), responderUri: alice.uri, ssrcs: [1], group: 1, shortExponent: true });
    const replay = replayCache();
    expectRefused(dhScreen(offer.message, responderContext(alice, 'sip:bob@example.com', replay)), PK_ERROR.AUTH_FAILURE, offer.message, replay);
  });

  it('an expired certificate → ERR 0', () => {
    const after = fixtureCert('alice').notAfter + 1000;
    const offer = rsaROffer({ self: alice, crypto, env: environment('c2', after), responderUri: bob.uri, ssrcs: [1] });
    const replay = replayCache();
    expectRefused(rsaRScreen(offer.message, responderContext(bob, alice.uri, replay, 'r', after)), PK_ERROR.AUTH_FAILURE, offer.message, replay);
  });

  it('PKE encrypted to another certificate (CHASH names Carol\'s) → ERR 8 (Certificate not supported)', () => {
    const carol = credentials('carol');
    const offer = pkeOffer({ self: alice, crypto, env: environment('c3'), responderUri: carol.uri, responderCertificate: fixtureBytes('carol'), ssrcs: [1] });
    const replay = replayCache();
    expectRefused(pkeScreen(offer.message, responderContext(bob, alice.uri, replay)), PK_ERROR.CERT_NOT_SUPPORTED, offer.message, replay);
  });

  it('an offer addressed (IDr) to someone else → ERR 0', () => {
    const replay = replayCache();
    const offer = dhOffer({ self: alice, crypto, env: environment('c4'), responderUri: 'sip:carol@example.com', ssrcs: [1], group: 1, shortExponent: true });
    expectRefused(dhScreen(offer.message, responderContext(bob, alice.uri, replay)), PK_ERROR.AUTH_FAILURE, offer.message, replay);
  });

  it('the initiator refuses to encrypt to a responder certificate it does not trust or that names someone else', () => {
    expect(() => pke('c5', { responderCertificate: fixtureBytes('mallory') })).toThrow(PkRefusal);
    expect(() => pke('c6', { responderUri: 'sip:carol@example.com' })).toThrow(PkRefusal);
  });
});

describe('identity mismatches → ERR 0', () => {
  it('the SIP From header names someone other than the certificate', () => {
    const offer = pke('i1');
    const replay = replayCache();
    expectRefused(pkeScreen(offer.message, responderContext(bob, 'sip:carol@example.com', replay)), PK_ERROR.AUTH_FAILURE, offer.message, replay);
  });

  it('PKE: the IDi inside KEMAC is not the certificate\'s identity; found by the deferred step', () => {
    const offer = pke('i3', { self: { ...alice, uri: 'sip:carol@example.com' } });
    const replay = replayCache();
    const screened = pkeScreen(offer.message, responderContext(bob, alice.uri, replay));
    expect(screened.ok).toBe(true);
    expectRefused((screened as Screened).complete(), PK_ERROR.AUTH_FAILURE, offer.message);
  });

  it('DHHMAC: IDi differs from the From header', () => {
    const offer = dhhmacOffer({ selfUri: 'sip:carol@example.com', responderUri: bob.uri, psk: PSK, crypto, env: environment('i2'), ssrcs: [1], group: 1, shortExponent: true });
    const replay = replayCache();
    expectRefused(
      dhhmacScreen(offer.message, { selfUri: bob.uri, pskFor: () => PSK, crypto, env: environment('r'), replay, fromUri: alice.uri }),
      PK_ERROR.AUTH_FAILURE,
      offer.message,
      replay,
    );
  });
});

describe('replays and timestamps → ERR 1 (Invalid timestamp)', () => {
  it.each(['PKE', 'DH', 'RSA-R'])('%s: the same I_MESSAGE twice is refused the second time', (mode) => {
    const replay = replayCache();
    const ctx = () => responderContext(bob, alice.uri, replay);
    let message: Uint8Array;
    let screen: (m: Uint8Array) => Screened | Refused;
    if (mode === 'PKE') (message = pke('r1').message), (screen = (m) => pkeScreen(m, ctx()));
    else if (mode === 'DH') (message = dhOffer({ self: alice, crypto, env: environment('r2'), responderUri: bob.uri, ssrcs: [1], group: 1 }).message), (screen = (m) => dhScreen(m, ctx()));
    else (message = rsaROffer({ self: alice, crypto, env: environment('r3'), responderUri: bob.uri, ssrcs: [1] }).message), (screen = (m) => rsaRScreen(m, ctx()));
    expect(screen(message).ok).toBe(true);
    expect(replay.size).toBe(1);
    expectRefused(screen(message), PK_ERROR.INVALID_TS, message, replay, 1);
  });

  it('DHHMAC: a replay, and a timestamp two hours off', () => {
    const offer = dhhmacOffer({ selfUri: alice.uri, responderUri: bob.uri, psk: PSK, crypto, env: environment('r4'), ssrcs: [1], group: 1, shortExponent: true });
    const replay = replayCache();
    const ctx = (now = FIXTURE_NOW) => ({ selfUri: bob.uri, pskFor: () => PSK, crypto, env: environment('r', now), replay, fromUri: alice.uri });
    expectRefused(dhhmacScreen(offer.message, ctx(FIXTURE_NOW + 2 * HOUR)), PK_ERROR.INVALID_TS, offer.message, replay);
    expect(dhhmacScreen(offer.message, ctx()).ok).toBe(true);
    expectRefused(dhhmacScreen(offer.message, ctx()), PK_ERROR.INVALID_TS, offer.message, replay, 1);
  });
});

describe('unsupported choices', () => {
  it('a DH group the responder does not accept → ERR 6', () => {
    const offer = dhOffer({ self: alice, crypto, env: environment('g1'), responderUri: bob.uri, ssrcs: [1], group: 1, shortExponent: true });
    const replay = replayCache();
    expectRefused(dhScreen(offer.message, responderContext(bob, alice.uri, replay), { groups: [0, 2] }), PK_ERROR.DH_GROUP_NOT_SUPPORTED, offer.message, replay);
  });

  it('an offer of another mode → ERR 11 (Data type not supported)', () => {
    const offer = pke('g2');
    expectRefused(dhScreen(offer.message, responderContext(bob, alice.uri, replayCache())), PK_ERROR.DATA_TYPE_NOT_SUPPORTED, offer.message);
  });
});

describe('weak keys', () => {
  it('a peer certificate with an RSA key below 1024 bits → ERR 8, even from a trusted CA', () => {
    // Tiny's 512-bit certificate, the message signed with Alice's key: the key size is checked first.
    const tiny = { ...alice, uri: 'sip:tiny@example.com', chain: [fixtureBytes('tiny')] };
    const offer = rsaROffer({ self: tiny, crypto, env: environment('w1'), responderUri: bob.uri, ssrcs: [1] });
    const replay = replayCache();
    expectRefused(rsaRScreen(offer.message, responderContext(bob, tiny.uri, replay)), PK_ERROR.CERT_NOT_SUPPORTED, offer.message, replay);
  });
});
