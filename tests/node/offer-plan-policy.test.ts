// The caller's offer plan follows the call's policy (CALL_POLICY), as the callee's choice and the
// caller's confirmAnswer do. Calls use the priority policy; here the call module is loaded with the
// automatic one, so the priority choice and the policy's differ: two phones share PSK and DH,
// ranked alike, so priority gives PSK (rank sum 0) while automatic's seeded draw gives DH. The
// first offer is PSK, the callee answers 488 with its table, and the re-offer must be DH: with the
// priority policy it would be PSK again, no re-offer, and the call would step down the ladder.
// Found by the model (tests/model/negotiation.pml -DPLAN_PRIORITY). In tests/node, not tests/unit:
// it replaces a module, which the XS run of tests/unit cannot.
import { nobleCrypto } from '../../hal/noble-crypto.js';
import { select } from '../../modules/negotiation/select.js';
import { parseTable } from '../../modules/negotiation/table.js';
import pki from '../fixtures/pki/fixtures.json';

const TABLE = 'PSK,DH;AES_CM_128_HMAC_SHA1_80';
const PSK_HEX = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';

describe('the offer plan under a policy other than priority', () => {
  it('re-offers the key agreement the callee chose by the call policy, and the call is keyed with it', () => {
    // The premise, from the selection rule itself: the two policies choose differently here.
    expect(select(parseTable(TABLE), parseTable(TABLE), 'priority').keyAgreement?.name).toBe('PSK');
    expect(select(parseTable(TABLE), parseTable(TABLE), 'automatic').keyAgreement?.name).toBe('DH');

    jest.doMock('../../modules/phone/call-negotiation.js', () => ({ ...jest.requireActual('../../modules/phone/call-negotiation.js'), CALL_POLICY: 'automatic' }));
    // Loaded after the mock (jest's module registry), so the phone's calls see it.
    const { createPhone } = require('../../modules/phone/phone.js') as typeof import('../../modules/phone/phone.js');
    const { openPhoneStore } = require('../../modules/settings/phone-store.js') as typeof import('../../modules/settings/phone-store.js');
    const { memoryHal } = require('../device/memory-hal.js') as typeof import('../device/memory-hal.js');
    const { VirtualWorld } = require('../device/virtual-world.js') as typeof import('../device/virtual-world.js');

    const world = new VirtualWorld();
    const alice = memoryHal(world, { address: '127.0.0.1', seed: 1, toneHz: 440, crypto: nobleCrypto });
    const bob = memoryHal(world, { address: '127.0.0.2', seed: 2, toneHz: 1000, crypto: nobleCrypto });
    for (const [hal, peer, cert] of [[alice, 'sip:1002@example.com', pki.phone1002], [bob, 'sip:1001@example.com', pki.phone1001]] as const) {
      const store = openPhoneStore(hal.flash);
      store.save({ ...store.settings, priorities: parseTable(TABLE), peerKeys: { [peer]: PSK_HEX }, peerCertificates: { [peer]: cert } });
    }
    const credentials = (name: 'phone1001' | 'phone1002') => ({ ownKey: pki[`${name}.key`], ownChain: [pki[name]], trustAnchors: [pki.ca] });
    createPhone(alice, { displayName: 'Alice', user: '1001', sipPort: 5060, domain: 'example.com', outboundProxy: '127.0.0.2:5060' }, credentials('phone1001'));
    createPhone(bob, { displayName: 'Bob', user: '1002', sipPort: 5060, domain: 'example.com' }, credentials('phone1002'));

    for (const key of ['1', '0', '0', '2', 'OK'] as const) alice.press(key);
    expect(world.runUntilTrue(() => bob.screen[0] === 'Incoming call', 10000)).toBe(true);
    bob.press('OK');
    expect(world.runUntilTrue(() => alice.screen[0] === 'Connected' && bob.screen[0] === 'Connected', 10000)).toBe(true);
    expect([alice.screen[2], bob.screen[2]]).toEqual(['\uE000 DH CM128/80', '\uE000 DH CM128/80']);
    expect(alice.logLines.some((l) => l.includes("the callee's table points to DH; offering again"))).toBe(true);
    expect(alice.logLines.some((l) => /refused with 488; offering/.test(l))).toBe(false);
  });
});
