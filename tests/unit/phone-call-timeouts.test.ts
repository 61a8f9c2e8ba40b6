// The phone's call timers on its own clock and timers (virtual time): the ring timeout (an
// incoming call nobody answers ends with 480, RFC 3261 §21.4.18, and frees the line), the media
// inactivity timeout (a connected call that is not on hold and receives no valid RTP for the set
// time ends with BYE and says why), and the clean shutdown (BYE, REGISTER with Expires: 0).
import { PLAIN_RTP, RtpSender } from '../../audio/rtp.js';
import { PCMU, audioDescription } from '../../modules/sdp/offer-answer.js';
import { parseSdp, serializeSdp } from '../../modules/sdp/session-description.js';
import { factorySettings, type Settings } from '../../modules/settings/model.js';
import type { Direction } from '../../modules/sdp/direction.js';
import { headerValue, parseMessage, serializeMessage, type SipRequest } from '../../modules/sip/message.js';
import { UserAgent, type HostPort, type UaAction, type UaEvent } from '../../modules/sip/user-agent.js';
import { virtualPhone, type VirtualPhone } from '../support/virtual-phone.js';
import { seededRandom, TestNetwork, uaEndpoint, type Endpoint } from './sip-test-network.js';

const PHONE: HostPort = { address: '10.0.0.2', port: 5060 };
const ALICE: HostPort = { address: '10.0.0.1', port: 5060 };
const ALICE_RTP: HostPort = { address: '10.0.0.1', port: 30000 };
const CAROL: HostPort = { address: '10.0.0.3', port: 5060 };
const REGISTRAR: HostPort = { address: '10.0.0.100', port: 5060 };

function offer(direction: Direction = 'sendrecv', version = 1): string {
  return serializeSdp(audioDescription({ address: ALICE.address, rtpPort: ALICE_RTP.port, sessionId: '1', sessionVersion: version, keying: { kind: 'none' }, formats: [PCMU], direction }));
}

interface Caller {
  readonly ua: UserAgent;
  readonly endpoint: Endpoint;
  events(): UaEvent[];
}

function caller(net: TestNetwork, name: string, at: HostPort, seed: number): Caller {
  const ua = new UserAgent({ account: { user: name, domain: at.address, password: '' }, local: at, random: seededRandom(seed) });
  const endpoint = uaEndpoint(name, ua, at);
  net.add(endpoint);
  return { ua, endpoint, events: () => net.eventsOf(name) };
}

function setup(settings?: Settings) {
  const net = new TestNetwork(5);
  const phone = virtualPhone(net, { user: 'bob', address: PHONE.address, ...(settings ? { settings } : {}) });
  const alice = caller(net, 'alice', ALICE, 1);
  const rtpIn: Uint8Array[] = [];
  const rtp: Endpoint = { name: 'alice-rtp', address: ALICE_RTP, receive: (d) => (rtpIn.push(d), []) };
  net.add(rtp);
  return { net, phone, alice, rtp };
}

/** Alice calls the phone; returns the Call-ID. */
function call(net: TestNetwork, from: Caller, sdp = offer()): string {
  const { callId, actions } = from.ua.invite(`sip:bob@${PHONE.address}`, sdp);
  net.apply(from.endpoint, actions);
  net.run(net.now + 100);
  return callId;
}

const finals = (c: Caller) => c.events().filter((e): e is Extract<UaEvent, { type: 'failed' }> => e.type === 'failed');
const ended = (c: Caller) => c.events().filter((e) => e.type === 'ended');

/** Waits out every transaction timer (64*T1 = 32 s) and expects the phone to hold nothing. */
function expectIdle(net: TestNetwork, phone: VirtualPhone): void {
  net.run(net.now + 40_000);
  expect(phone.phone.stats()).toEqual({ call: 0, timers: 0, uaCalls: 0, transactions: 0, uaTimers: 0, connections: 0, connectionTimers: 0 });
  expect(phone.sockets()).toBe(1);
}

describe('ring timeout', () => {
  it('refuses an unanswered call with 480 after the default 60 s, shows it missed, and takes the next call', () => {
    const { net, phone, alice } = setup();
    call(net, alice);
    expect(phone.screen()[0]).toBe('Incoming call');
    net.run(59_000);
    expect(finals(alice)).toEqual([]);
    expect(phone.screen()[0]).toBe('Incoming call');
    net.run(60_500);
    expect(finals(alice).map((e) => `${e.status} ${e.reason}`)).toEqual(['480 Temporarily Unavailable']);
    expect(phone.screen()[3]).toBe('Missed call');
    expectIdle(net, phone);
    // The line is free: the next caller rings instead of getting 486.
    const carol = caller(net, 'carol', CAROL, 3);
    call(net, carol);
    expect(phone.screen()[0]).toBe('Incoming call');
    expect(finals(carol)).toEqual([]);
  });

  it('follows the ring timeout set in the settings', () => {
    const { net, phone, alice } = setup({ ...factorySettings(), ringTimeoutS: 15 });
    call(net, alice);
    net.run(14_500);
    expect(finals(alice)).toEqual([]);
    net.run(15_500);
    expect(finals(alice).map((e) => e.status)).toEqual([480]);
    expectIdle(net, phone);
  });

  it('stops ringing when answered: the call outlives the ring timeout', () => {
    const { net, phone, alice } = setup();
    call(net, alice);
    net.run(net.now + 10_000);
    phone.press('OK');
    net.run(net.now + 100);
    expect(alice.events().map((e) => e.type)).toEqual(['progress', 'answered']);
    // Media flows (one packet a second), past the ring timeout.
    const sender = new RtpSender({ ssrc: 0x1234, payloadType: 0, sequenceNumber: 1, timestamp: 0 }, PLAIN_RTP);
    const port = parseSdp((alice.events()[1] as Extract<UaEvent, { type: 'answered' }>).sdp).media[0].port;
    for (let i = 0; i < 90; i++) {
      net.apply(alice.endpoint, [{ type: 'send', transport: 'udp', data: sender.audio(new Uint8Array(160).fill(0xff), 160), address: PHONE.address, port }]);
      net.run(net.now + 1000);
    }
    expect(phone.screen()[0]).toBe('Connected');
    expect(finals(alice)).toEqual([]);
    expect(ended(alice)).toEqual([]);
  });
});

describe('media inactivity timeout', () => {
  /** Alice calls, the phone answers; returns what sends RTP to the phone. */
  function connected(settings?: Settings) {
    const s = setup(settings);
    const callId = call(s.net, s.alice);
    const answeredAt = s.net.now;
    s.phone.press('OK');
    s.net.run(s.net.now + 100);
    const answered = s.alice.events().find((e): e is Extract<UaEvent, { type: 'answered' }> => e.type === 'answered')!;
    const port = parseSdp(answered.sdp).media[0].port;
    const sender = new RtpSender({ ssrc: 0xcafe, payloadType: 0, sequenceNumber: 100, timestamp: 0 }, PLAIN_RTP);
    const send = (data = sender.audio(new Uint8Array(160).fill(0xff), 160)) =>
      s.net.apply(s.rtp, [{ type: 'send', transport: 'udp', data, address: PHONE.address, port }]);
    return { ...s, callId, send, answeredAt };
  }

  it('ends a call that receives nothing for the default 30 s with BYE, and says why', () => {
    const { net, phone, alice, send } = connected();
    for (let i = 0; i < 50; i++) {
      send();
      net.run(net.now + 20);
    }
    const lastPacket = net.now;
    net.run(lastPacket + 29_000);
    expect(phone.screen()[0]).toBe('Connected');
    expect(ended(alice)).toEqual([]);
    net.run(lastPacket + 31_500);
    expect(ended(alice).map((e) => (e as Extract<UaEvent, { type: 'ended' }>).reason)).toEqual(['remote-bye']);
    expect(phone.screen()[3]).toBe('No media: call ended');
    expect(phone.log.some((l) => l.includes('no media for 30 s'))).toBe(true);
    expectIdle(net, phone);
  });

  it('counts only valid RTP: a stream of garbage does not keep the call up', () => {
    const { net, alice, send, answeredAt: start } = connected({ ...factorySettings(), mediaTimeoutS: 10 });
    for (let i = 0; i < 40; i++) {
      send(Uint8Array.of(0x00, 0x01, 0x02, 0x03, 0x04));
      net.run(net.now + 500);
    }
    expect(ended(alice)).toHaveLength(1);
    const byeAt = net.wire.find((w) => w.message.kind === 'request' && w.message.method === 'BYE')!.at;
    expect(byeAt - start).toBeGreaterThanOrEqual(10_000);
    expect(byeAt - start).toBeLessThanOrEqual(11_100);
  });

  it('keeps a held call however long it is silent, and times out again once resumed', () => {
    const { net, phone, alice, callId } = connected();
    net.apply(alice.endpoint, alice.ua.reinvite(callId, offer('sendonly', 2)));
    net.run(net.now + 200);
    expect(phone.screen()[0]).toBe('Held by peer');
    net.run(net.now + 120_000);
    expect(ended(alice)).toEqual([]);
    expect(phone.screen()[0]).toBe('Held by peer');
    net.apply(alice.endpoint, alice.ua.reinvite(callId, offer('sendrecv', 3)));
    net.run(net.now + 200);
    expect(phone.screen()[0]).toBe('Connected');
    const resumed = net.now;
    net.run(resumed + 29_000);
    expect(ended(alice)).toEqual([]);
    net.run(resumed + 31_500);
    expect(ended(alice)).toHaveLength(1);
  });
});

describe('clean shutdown', () => {
  /** A registrar that accepts every REGISTER for the Expires asked. */
  function registrar(seen: SipRequest[]): Endpoint {
    return {
      name: 'registrar',
      address: REGISTRAR,
      receive(data, source): UaAction[] {
        const req = parseMessage(data) as SipRequest;
        seen.push(req);
        const headers = req.headers
          .filter((h) => ['Via', 'From', 'To', 'Call-ID', 'CSeq', 'Contact'].includes(h.name))
          .map((h) => (h.name === 'To' ? { name: 'To', value: `${h.value};tag=reg` } : h));
        return [{ type: 'send', transport: 'udp', address: source.address, port: source.port, data: serializeMessage({ kind: 'response', status: 200, reason: 'OK', headers, body: '' }) }];
      },
    };
  }

  it('sends BYE for the call and un-REGISTERs, then reports done once both are answered', () => {
    const net = new TestNetwork(5);
    const seen: SipRequest[] = [];
    net.add(registrar(seen));
    const phone = virtualPhone(net, { user: 'bob', address: PHONE.address, registrar: `${REGISTRAR.address}:${REGISTRAR.port}` });
    net.run(100);
    expect(seen.map((r) => headerValue(r, 'Expires'))).toEqual(['3600']);
    const alice = caller(net, 'alice', ALICE, 1);
    call(net, alice);
    phone.press('OK');
    net.run(net.now + 100);
    expect(phone.screen()[0]).toBe('Connected');
    let done = 0;
    phone.phone.shutdown(() => done++);
    expect(done).toBe(0);
    net.run(net.now + 100);
    expect(done).toBe(1);
    expect(ended(alice).map((e) => (e as Extract<UaEvent, { type: 'ended' }>).reason)).toEqual(['remote-bye']);
    expect(seen.map((r) => headerValue(r, 'Expires'))).toEqual(['3600', '0']);
    expect(phone.phone.stats().call).toBe(0);
  });

  it('reports done at once when idle and not registered, and refuses a ringing call with 480', () => {
    const net = new TestNetwork(5);
    const phone = virtualPhone(net, { user: 'bob', address: PHONE.address });
    const alice = caller(net, 'alice', ALICE, 1);
    call(net, alice);
    let done = 0;
    phone.phone.shutdown(() => done++);
    expect(done).toBe(1);
    net.run(net.now + 100);
    expect(finals(alice).map((e) => e.status)).toEqual([480]);
  });
});
