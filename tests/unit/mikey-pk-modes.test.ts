// Every public-key mode end to end between two phones (openssl-made 1024-bit keys): the offer is
// screened, the deferred step completes, and both sides hold the same SRTP keys. Also checks the
// messages' structure against RFC 3830/4650/4738 message layouts by decoding them.
import { dhOffer, dhScreen } from '../../modules/mikey/dh.js';
import { dhhmacOffer, dhhmacScreen } from '../../modules/mikey/dhhmac.js';
import { SIGN_TYPE } from '../../modules/mikey/pk-auth.js';
import type { Completed, Refused, Screened } from '../../modules/mikey/pk-exchange.js';
import { decodeMessage } from '../../modules/mikey/pk-wire.js';
import { pkeOffer, pkeScreen } from '../../modules/mikey/pke.js';
import { rsaROffer, rsaRScreen } from '../../modules/mikey/rsa-r.js';
import { toHex } from '../../modules/util/bytes.js';
import { credentials, crypto, environment, replayCache, responderContext } from '../support/mikey-pk-parties.js';
import { fixtureBytes } from '../support/pki-fixtures.js';

const alice = credentials('alice');
const bob = credentials('bob');
const PSK = Uint8Array.from({ length: 32 }, (_, i) => i * 7);

function screened(result: Screened | Refused): Screened {
  if (!result.ok) throw new Error(`refused with ERR ${result.errorNo}: ${result.reason}`);
  return result;
}

function completed(result: Completed | Refused): Completed {
  if (!result.ok) throw new Error(`refused with ERR ${result.errorNo}: ${result.reason}`);
  return result;
}

function layout(message: Uint8Array): string {
  const m = decodeMessage(message);
  return [`HDR(${m.header.dataType})`, ...m.payloads.map((p) => p.type)].join(' ');
}

const sameKeys = (a: readonly { csId: number; masterKey: Uint8Array; masterSalt: Uint8Array }[], b: typeof a) =>
  expect(a.map((k) => [k.csId, toHex(k.masterKey), toHex(k.masterSalt)])).toEqual(b.map((k) => [k.csId, toHex(k.masterKey), toHex(k.masterSalt)]));

describe('PKE (RFC 3830 §3.2)', () => {
  it.each([['PKCS#1 v1.5', SIGN_TYPE.RSA_PKCS1], ['PSS', SIGN_TYPE.RSA_PSS]])('runs end to end, initiator signing with %s', (_name, signType) => {
    const offer = pkeOffer({
      self: { ...alice, signType }, crypto, env: environment('pke-i'), responderUri: bob.uri, responderCertificate: fixtureBytes('bob'), ssrcs: [0x1111, 0x2222],
    });
    expect(layout(offer.message)).toBe('HDR(2) T RAND CERT ID SP KEMAC CHASH PKE SIGN');
    const replay = replayCache();
    const pending = screened(pkeScreen(offer.message, responderContext(bob, '"Alice" <sip:alice@example.com>;tag=1', replay)));
    expect(pending.peerUri).toContain('sip:alice@example.com');
    const counter = { count: 0 };
    const done = completed(pending.complete(counter));
    expect(counter.count).toBe(2); // the envelope key's CRT decryption
    sameKeys(done.keys, offer.keys);
    expect(done.keys).toHaveLength(2);
    expect(layout(done.response!)).toBe('HDR(3) T ID V');
    offer.confirm(done.response!);
  });

  it('accepts an initiator whose certificate chains through an intermediate CA', () => {
    const dave = credentials('dave');
    const offer = pkeOffer({ self: dave, crypto, env: environment('pke-d'), responderUri: bob.uri, responderCertificate: fixtureBytes('bob'), ssrcs: [7] });
    expect(layout(offer.message)).toBe('HDR(2) T RAND CERT CERT ID SP KEMAC CHASH PKE SIGN');
    const done = completed(screened(pkeScreen(offer.message, responderContext(bob, dave.uri, replayCache()))).complete());
    sameKeys(done.keys, offer.keys);
  });
});

describe('signed Diffie-Hellman (RFC 3830 §3.3)', () => {
  it.each([[2, false], [1, true], [0, true]])('runs end to end in DH-Group %s (short exponents: %s)', (group, short) => {
    const offer = dhOffer({ self: alice, crypto, env: environment(`dh-i${group}`), responderUri: bob.uri, ssrcs: [0xabc], group: group as 0 | 1 | 2, shortExponent: short as boolean });
    expect(layout(offer.message)).toBe('HDR(4) T RAND CERT ID SP DH SIGN');
    const pending = screened(dhScreen(offer.message, responderContext(bob, alice.uri, replayCache()), { shortExponent: short as boolean }));
    const counter = { count: 0 };
    const done = completed(pending.complete(counter));
    expect(counter.count).toBe(4); // g^xr, (g^xi)^xr, and SIGNr's two CRT halves
    expect(layout(done.response!)).toBe('HDR(5) T CERT ID DH DH SIGN');
    sameKeys(offer.finish(done.response!), done.keys);
  });
});

describe('DHHMAC (RFC 4650)', () => {
  it('runs end to end with a PSK shared by the two phones', () => {
    const offer = dhhmacOffer({ selfUri: alice.uri, responderUri: bob.uri, psk: PSK, crypto, env: environment('dhhmac-i'), ssrcs: [5], group: 2, shortExponent: true });
    expect(layout(offer.message)).toBe('HDR(7) T RAND ID ID SP DH KEMAC');
    const replay = replayCache();
    const pending = screened(
      dhhmacScreen(offer.message, { selfUri: bob.uri, pskFor: (uri) => (uri === 'sip:alice@example.com' ? PSK : undefined), crypto, env: environment('dhhmac-r'), replay, fromUri: alice.uri }),
    );
    expect(pending.peerUri).toBe('sip:alice@example.com');
    const done = completed(pending.complete());
    expect(layout(done.response!)).toBe('HDR(8) T ID ID DH DH KEMAC');
    sameKeys(offer.finish(done.response!), done.keys);
  });
});

describe('RSA-R (RFC 4738)', () => {
  it('runs end to end: the responder chooses the TGK and sends it under the initiator\'s key', () => {
    const offer = rsaROffer({ self: alice, crypto, env: environment('rsar-i'), responderUri: bob.uri, ssrcs: [9] });
    expect(layout(offer.message)).toBe('HDR(9) T RAND CERT ID SP SIGN');
    const pending = screened(rsaRScreen(offer.message, responderContext(bob, alice.uri, replayCache())));
    const counter = { count: 0 };
    const done = completed(pending.complete(counter));
    expect(counter.count).toBe(3); // PKE encryption (public) and SIGNr (two CRT halves)
    expect(layout(done.response!)).toBe('HDR(10) T CERT KEMAC PKE SIGN');
    sameKeys(offer.finish(done.response!), done.keys);
  });
});
