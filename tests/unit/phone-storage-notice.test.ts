// What cannot be saved is said on the screen: a phone whose flash stops taking writes (worn out,
// or failing) goes on with its call, and its idle screen then says the settings were not saved.
import { PCMU, audioDescription } from '../../modules/sdp/offer-answer.js';
import { serializeSdp } from '../../modules/sdp/session-description.js';
import type { Key } from '../../hal/contracts.js';
import { factorySettings } from '../../modules/settings/model.js';
import { NOTICE_NOT_SAVED, openPhoneStore } from '../../modules/settings/phone-store.js';
import { UserAgent, type HostPort } from '../../modules/sip/user-agent.js';
import { applyOp, fakeCertificate, peerUri } from '../support/peer-arbitrary.js';
import { SimFlash } from '../support/sim-flash.js';
import { virtualPhone } from '../support/virtual-phone.js';
import { seededRandom, TestNetwork, uaEndpoint } from './sip-test-network.js';

const PHONE: HostPort = { address: '10.0.0.2', port: 5060 };
const ALICE: HostPort = { address: '10.0.0.1', port: 5060 };

describe('a save the flash refuses', () => {
  it('leaves the call going, and the idle screen says the settings were not saved', () => {
    const net = new TestNetwork(5);
    const flash = new SimFlash(4096, 16);
    const phone = virtualPhone(net, { user: 'bob', address: PHONE.address, flash });
    // From now on every erase and write fails, as on a flash that gave out.
    flash.planCut({ after: 0, fraction: 0 });
    const alice = new UserAgent({ account: { user: 'alice', domain: ALICE.address, password: '' }, local: ALICE, random: seededRandom(1) });
    const a = uaEndpoint('alice', alice, ALICE);
    net.add(a);
    const sdp = serializeSdp(audioDescription({ address: ALICE.address, rtpPort: 30000, sessionId: '1', sessionVersion: 1, keying: { kind: 'none' }, formats: [PCMU] }));
    const { callId, actions } = alice.invite(`sip:bob@${PHONE.address}`, sdp);
    net.apply(a, actions);
    net.run(100);
    phone.press('OK');
    net.run(net.now + 100);
    expect(phone.screen()[0]).toBe('Connected');
    expect(phone.log.some((l) => l.startsWith('last call not saved'))).toBe(true);
    net.apply(a, alice.hangup(callId));
    net.run(net.now + 100);
    expect(phone.screen()[3]).toBe(NOTICE_NOT_SAVED);
  });

  it('a key typed in the menu that makes room evicts the least recently used learned peer, and the menu shows it gone', () => {
    // A peer store full of learned peers: calls until one had to evict, then smaller and smaller
    // certificates until not even the smallest fits without evicting.
    const flash = new SimFlash(4096, 16);
    const preset = openPhoneStore(flash);
    let i = 0;
    for (; preset.evicted.length === 0; i++) {
      preset.save(applyOp(preset.settings, { kind: 'learn', peer: i, certificateChars: 3000, table: factorySettings().priorities }, i));
    }
    for (const chars of [2000, 1000, 500, 250, 120, 60, 30, 15, 8, 4]) {
      for (;;) {
        const next = { ...preset.settings, peerCertificates: { ...preset.settings.peerCertificates, [peerUri(i)]: fakeCertificate(chars, i) } };
        if (!preset.keepsAll(next)) break;
        preset.save(next);
        i++;
      }
    }
    // The least recently used: the first call's peer still held (peers were met in order).
    const held = Object.keys(preset.settings.peerCertificates);
    const oldest = peerUri(Math.min(...held.map((u) => Number(/peer(\d+)@/.exec(u)![1]))));
    const net = new TestNetwork(5);
    const phone = virtualPhone(net, { user: 'bob', address: PHONE.address, flash });
    // Menu, 4 Peer keys, "+ Add peer" (the last row), URI sip:bob@x, 32 hex digits, OK.
    const press = (seq: string) => seq.split(' ').filter(Boolean).forEach((k) => phone.press(k as Key));
    press('Menu 4');
    // The list is empty of keys: its only row is "+ Add peer".
    press('OK 2 2 # 6 6 6 2 2 1 1 9 9 OK');
    press('0 0 1 1 # 2 # 2 3 # 3 4 4 5 5 6 6 7 7 8 8 9 9 2 2 # 2 2 # 2 2 2 # 2 2 2 # 2 2 2 2 # 2 2 2 2 # 3 3 # 3 3 # 3 3 3 # 3 3 3 # 3 3 3 3 # 3 3 3 3 OK');
    expect(phone.log.filter((l) => l.startsWith('peer store full: forgot what was learned of'))).toEqual([`peer store full: forgot what was learned of ${oldest}`]);
    // Back to the main list, 9 Known peers: the oldest is gone.
    press('Back 9');
    expect(phone.screen()[0]).toBe('Known peers');
    expect(phone.screen().join('|')).not.toContain(oldest.slice(4));
    const booted = openPhoneStore(flash).settings;
    expect(booted.peerKeys).toEqual({ 'sip:bob@x': '00112233445566778899aabbccddeeff' });
    expect(booted.peerCertificates[oldest]).toBeUndefined();
    expect(Object.keys(booted.peerCertificates).sort()).toEqual(held.filter((u) => u !== oldest).sort());
  });
});
