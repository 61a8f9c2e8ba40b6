// SDES keys travel in the SDP, readable on every hop of a SIP path that is not TLS (RFC 4568 §8.3):
// by default the phone does not offer SDES over UDP, as desk phones do; with the setting "SDES w/o
// TLS" it does. Here a caller with no MIKEY key for its peer falls to the next rung at once: plain
// RTP when SRTP is Optional, no call at all when it is Mandatory; with the setting, an SDES offer.
// Node and XS (tests/support/virtual-phone.ts).
import { factorySettings, type Settings } from '../../modules/settings/model.js';
import type { SrtpMode } from '../../modules/negotiation/capabilities.js';
import type { UaAction } from '../../modules/sip/user-agent.js';
import { virtualPhone } from '../support/virtual-phone.js';
import { TestNetwork, type Endpoint } from './sip-test-network.js';

const PEER = { address: '10.0.0.9', port: 5060 };

/** Alice dials 2002 with `settings`; returns the INVITEs the peer got and the phone's screen. */
function dial(srtpMode: SrtpMode, sdesOverNonTls?: boolean): { invites: string[]; screen: readonly string[] } {
  const net = new TestNetwork();
  const invites: string[] = [];
  const peer: Endpoint = {
    name: 'peer',
    address: PEER,
    receive: (data): UaAction[] => {
      const text = new TextDecoder().decode(data);
      if (text.startsWith('INVITE ')) invites.push(text);
      return [];
    },
  };
  net.add(peer);
  const settings: Settings = { ...factorySettings(), srtpMode, ...(sdesOverNonTls === undefined ? {} : { sdesOverNonTls }) };
  const alice = virtualPhone(net, { user: '2001', address: '10.0.0.1', domain: 'example.test', outboundProxy: `${PEER.address}:${PEER.port}`, settings });
  for (const k of ['2', '0', '0', '2', 'OK'] as const) alice.press(k);
  net.run(net.now + 100);
  return { invites, screen: alice.screen() };
}

const sdpOf = (invite: string): string => invite.slice(invite.indexOf('\r\n\r\n') + 4);

describe('SDES offers without TLS', () => {
  it('are not made over UDP by default: an Optional phone offers plain RTP instead', () => {
    const { invites } = dial('Optional');
    expect(invites).toHaveLength(1);
    expect(invites[0].startsWith('INVITE sip:2002@example.test SIP/2.0\r\nVia: SIP/2.0/UDP ')).toBe(true);
    expect(sdpOf(invites[0])).not.toContain('a=crypto:');
    expect(sdpOf(invites[0])).toMatch(/^m=audio \d+ RTP\/AVP /m);
  });

  it('are not made by default by a Mandatory phone, which then has nothing to offer', () => {
    const { invites, screen } = dial('Mandatory');
    expect(invites).toEqual([]);
    expect(screen).toContain('No usable security');
  });

  it('are made over UDP with the setting on', () => {
    for (const mode of ['Optional', 'Mandatory'] as const) {
      const { invites } = dial(mode, true);
      expect(invites).toHaveLength(1);
      expect(sdpOf(invites[0])).toMatch(/^a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:/m);
      expect(sdpOf(invites[0])).toMatch(/^m=audio \d+ RTP\/SAVP /m);
    }
  });
});
