// A MAC must cover the message as received: bits the decoder ignores (the reserved half of the DH
// payload's last byte, RFC 3830 §6.4) changed in transit must make the message fail. Found by the
// Node fuzz test, which once saw a DHHMAC offer accepted with those bits flipped.
import { dhhmacOffer, dhhmacScreen } from '../../modules/mikey/dhhmac.js';
import type { Screened } from '../../modules/mikey/pk-exchange.js';
import { decodeMessage, encodeMessage } from '../../modules/mikey/pk-wire.js';
import { credentials, crypto, environment, replayCache } from '../support/mikey-pk-parties.js';

const alice = credentials('alice');
const bob = credentials('bob');
const psk = new Uint8Array(32).fill(3);

/** The offset of the byte after the first DH value: Reserv (4 bits) | KV (4 bits). */
function dhReservedByte(message: Uint8Array): number {
  const m = decodeMessage(message);
  const i = m.payloads.findIndex((p) => p.type === 'DH');
  // Everything before the DH payload, plus its next-payload and group bytes, plus the value.
  const before = encodeMessage({ header: m.header, payloads: m.payloads.slice(0, i) }).length;
  const dh = m.payloads[i] as { value: Uint8Array };
  return before + 2 + dh.value.length;
}

describe('DHHMAC MAC covers the bytes as received', () => {
  const offer = dhhmacOffer({ selfUri: alice.uri, responderUri: bob.uri, psk, crypto, env: environment('mal'), ssrcs: [1], group: 2 });
  const screen = (m: Uint8Array) => dhhmacScreen(m, { selfUri: bob.uri, pskFor: () => psk, crypto, env: environment('mal-r'), replay: replayCache(), fromUri: alice.uri });

  it('refuses an offer whose DH reserved bits were flipped', () => {
    const at = dhReservedByte(offer.message);
    expect(offer.message[at]).toBe(0);
    const bad = offer.message.slice();
    bad[at] ^= 0x20;
    // The decoder ignores those bits, so the message still decodes to the same payloads...
    expect(encodeMessage(decodeMessage(bad))).toEqual(offer.message);
    // ...but the MAC no longer matches the bytes.
    expect(screen(bad).ok).toBe(false);
    expect(screen(offer.message).ok).toBe(true);
  });

  it('refuses a response whose DH reserved bits were flipped', () => {
    const done = (screen(offer.message) as Screened).complete();
    if (!done.ok) throw new Error(done.reason);
    const bad = done.response!.slice();
    bad[dhReservedByte(bad)] ^= 0x40;
    expect(() => offer.finish(bad)).toThrow();
  });
});
