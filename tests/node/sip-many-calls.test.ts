// Many calls in a row between two user agents in virtual time (Node only: too slow for the XS run):
// after every call ends and the transaction timers run out, neither UA keeps any call, transaction
// or timer.

import { UserAgent, type HostPort } from '../../modules/sip/user-agent.js';
import { seededRandom, TestNetwork, uaEndpoint } from '../unit/sip-test-network.js';

const ALICE: HostPort = { address: '10.0.0.1', port: 5060 };
const BOB: HostPort = { address: '10.0.0.2', port: 5062 };

describe('user agent: 100 calls in a row', () => {
  it('sets up and tears down 100 calls, hanging up from either side, leaving no state behind', () => {
    const net = new TestNetwork();
    const alice = new UserAgent({ account: { user: 'alice', domain: 'example.test', password: 'a' }, local: ALICE, random: seededRandom(11) });
    const bob = new UserAgent({ account: { user: 'bob', domain: 'example.test', password: 'b' }, local: BOB, random: seededRandom(12) });
    const a = uaEndpoint('alice', alice, ALICE);
    const b = uaEndpoint('bob', bob, BOB);
    net.add(a);
    net.add(b);
    for (let i = 0; i < 100; i++) {
      const { callId, actions } = alice.invite('sip:bob@10.0.0.2:5062', `offer ${i}`);
      net.apply(a, actions);
      net.run(net.now + 20);
      net.apply(b, bob.ringing(callId));
      net.apply(b, bob.answer(callId, `answer ${i}`));
      net.run(net.now + 20);
      net.apply(i % 2 ? a : b, (i % 2 ? alice : bob).hangup(callId));
      net.run(net.now + 50);
    }
    expect(net.eventsOf('alice').filter((e) => e.type === 'answered')).toHaveLength(100);
    expect(net.eventsOf('alice').filter((e) => e.type === 'ended')).toHaveLength(100);
    expect(net.eventsOf('bob').filter((e) => e.type === 'ended')).toHaveLength(100);
    net.run(net.now + 64 * 500 + 5000);
    for (const ua of [alice, bob]) expect(ua.stats()).toEqual({ calls: 0, clientTransactions: 0, serverTransactions: 0, timers: 0 });
    expect(net.pendingTimers).toBe(0);
  });
});
