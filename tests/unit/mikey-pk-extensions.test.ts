// General Extension payloads (RFC 3830 §6.15) ride in the offer and in the answer of every mode
// used in calls, under the message's signature or MAC: the priority table travels this way.
import { dhOffer, dhScreen } from '../../modules/mikey/dh.js';
import { dhhmacOffer, dhhmacScreen } from '../../modules/mikey/dhhmac.js';
import type { GeneralExtension, Screened } from '../../modules/mikey/pk-exchange.js';
import { decodeMessage } from '../../modules/mikey/pk-wire.js';
import { rsaROffer, rsaRScreen } from '../../modules/mikey/rsa-r.js';
import { credentials, crypto, environment, replayCache, responderContext } from '../support/mikey-pk-parties.js';

const alice = credentials('alice');
const bob = credentials('bob');
const PSK = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
const offerExt: GeneralExtension = { type: 'GENEXT', extType: 0xf0, data: Uint8Array.of(0xde, 0xad, 0xbe, 0xef, 0x5a, 0xa5, 0x3c) };
const answerExt: GeneralExtension = { type: 'GENEXT', extType: 0xf0, data: Uint8Array.of(0xca, 0xfe, 0xba, 0xbe, 0x69, 0x96, 0xc3) };

function flipInExtension(message: Uint8Array, ext: GeneralExtension): Uint8Array {
  const copy = message.slice();
  const hex = Array.from(copy, (b) => b.toString(16).padStart(2, '0')).join('');
  const at = hex.indexOf(Array.from(ext.data, (b) => b.toString(16).padStart(2, '0')).join('')) / 2;
  if (!Number.isInteger(at) || at < 0) throw new Error('extension data not found in the message');
  copy[at + 1] ^= 0x01;
  return copy;
}

const modes = [
  {
    name: 'signed DH',
    offer: () => dhOffer({ self: alice, crypto, env: environment('x-dh'), responderUri: bob.uri, ssrcs: [1, 0], group: 2, shortExponent: true, extensions: [offerExt] }),
    screen: (m: Uint8Array) => dhScreen(m, responderContext(bob, alice.uri, replayCache())),
  },
  {
    name: 'RSA-R',
    offer: () => rsaROffer({ self: alice, crypto, env: environment('x-rsar'), responderUri: bob.uri, ssrcs: [1, 0], extensions: [offerExt] }),
    screen: (m: Uint8Array) => rsaRScreen(m, responderContext(bob, alice.uri, replayCache())),
  },
  {
    name: 'DHHMAC',
    offer: () => dhhmacOffer({ selfUri: alice.uri, responderUri: bob.uri, psk: PSK, crypto, env: environment('x-dhhmac'), ssrcs: [1, 0], group: 2, shortExponent: true, extensions: [offerExt] }),
    screen: (m: Uint8Array) => dhhmacScreen(m, { selfUri: bob.uri, pskFor: () => PSK, crypto, env: environment('x-dhhmac-r'), replay: replayCache(), fromUri: alice.uri }),
  },
];

describe.each(modes.map((m) => [m.name, m]))('%s carries General Extensions', (_name, mode) => {
  it('from the offer to the responder and from the answer back, and the keys still agree', () => {
    const offer = mode.offer();
    const screened = mode.screen(offer.message) as Screened;
    expect(screened.ok).toBe(true);
    expect(screened.extensions).toEqual([offerExt]);
    const done = screened.complete(undefined, [answerExt]);
    if (!done.ok) throw new Error(done.reason);
    expect(decodeMessage(done.response!).payloads.filter((p) => p.type === 'GENEXT')).toEqual([answerExt]);
    expect(offer.finish(done.response!)).toEqual(done.keys);
  });

  it('refuses an offer whose extension was edited in transit', () => {
    const offer = mode.offer();
    expect(mode.screen(flipInExtension(offer.message, offerExt)).ok).toBe(false);
  });

  it('refuses an answer whose extension was edited in transit', () => {
    const offer = mode.offer();
    const done = (mode.screen(offer.message) as Screened).complete(undefined, [answerExt]);
    if (!done.ok) throw new Error(done.reason);
    expect(() => offer.finish(flipInExtension(done.response!, answerExt))).toThrow();
  });
});
