// An exception inside the user agent while it handles one request (here its random source fails
// while it sets up an incoming call) ends at most what that request started: the INVITE gets 500
// (RFC 3261 §21.5.1), the caller sees the call fail, an `error` event reports it, no call,
// transaction or timer is left once the timers run out, and the next INVITE is handled as usual.
import type { Random } from '../../hal/contracts.js';
import { UserAgent, type HostPort } from '../../modules/sip/user-agent.js';
import { seededRandom, TestNetwork, uaEndpoint } from './sip-test-network.js';

const ALICE: HostPort = { address: '10.0.0.1', port: 5060 };
const BOB: HostPort = { address: '10.0.0.2', port: 5062 };

/** A random source that throws while `failing` is set. */
function faultyRandom(seed: number): Random & { failing: boolean } {
  const inner = seededRandom(seed);
  const r = {
    failing: false,
    bytes: (n: number) => {
      if (r.failing) throw new Error('random source fault (injected)');
      return inner.bytes(n);
    },
  };
  return r;
}

describe('user agent: an exception while handling a request', () => {
  it('answers that INVITE 500, reports it, leaves nothing, and takes the next one', () => {
    const net = new TestNetwork();
    const random = faultyRandom(2);
    const alice = new UserAgent({ account: { user: 'alice', domain: 'example.test', password: '' }, local: ALICE, random: seededRandom(1) });
    const bob = new UserAgent({ account: { user: 'bob', domain: 'example.test', password: '' }, local: BOB, random });
    const a = uaEndpoint('alice', alice, ALICE);
    const b = uaEndpoint('bob', bob, BOB);
    net.add(a);
    net.add(b);

    random.failing = true;
    const first = alice.invite('sip:bob@10.0.0.2:5062', 'offer');
    net.apply(a, first.actions);
    net.run(net.now + 20);
    random.failing = false;
    const statuses = net.wire.filter((w) => w.from === 'bob' && w.message.kind === 'response').map((w) => (w.message.kind === 'response' ? w.message.status : 0));
    expect(statuses).toEqual([500]);
    expect(net.eventsOf('bob')).toEqual([{ type: 'error', message: 'handling INVITE failed: random source fault (injected)' }]);
    expect(net.eventsOf('alice')).toEqual([{ type: 'failed', callId: first.callId, status: 500, reason: 'Server Internal Error', sdp: '' }]);
    net.run(net.now + 64 * 500 + 5000);
    for (const ua of [alice, bob]) expect(ua.stats()).toEqual({ calls: 0, clientTransactions: 0, serverTransactions: 0, timers: 0 });

    const second = alice.invite('sip:bob@10.0.0.2:5062', 'offer-2');
    net.apply(a, second.actions);
    net.run(net.now + 20);
    expect(net.eventsOf('bob').slice(1)).toEqual([{ type: 'incomingCall', callId: second.callId, from: 'sip:alice@example.test', sdp: 'offer-2' }]);
  });
});
