// What cannot be saved is said on the screen: a phone whose flash stops taking writes (worn out,
// or failing) goes on with its call, and its idle screen then says the settings were not saved.
import { PCMU, audioDescription } from '../../modules/sdp/offer-answer.js';
import { serializeSdp } from '../../modules/sdp/session-description.js';
import { NOTICE_NOT_SAVED } from '../../modules/settings/phone-store.js';
import { UserAgent, type HostPort } from '../../modules/sip/user-agent.js';
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
});
