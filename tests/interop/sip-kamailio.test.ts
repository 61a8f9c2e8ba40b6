// Two user agents register at a real Kamailio (registrar + proxy with digest authentication, on
// loopback) and call each other through it: 401 on REGISTER and 407 on INVITE are answered with
// digest credentials, in-dialog requests follow the Record-Route set, re-INVITE and BYE pass through.

import { Kamailio } from '../support/kamailio.js';
import { DgramHost, freeUdpPort, HOST } from './sip-dgram-host.js';

const SDP = (v: number) => `v=0\r\no=- 1 ${v} IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\n`;

describe('SIP user agents through Kamailio', () => {
  let kamailio: Kamailio;
  let port = 0;
  const hosts: DgramHost[] = [];

  beforeAll(async () => {
    port = await freeUdpPort();
    kamailio = await Kamailio.start(port, HOST);
  });

  afterAll(async () => {
    for (const h of hosts) h.close();
    await kamailio?.stop();
  });

  async function phone(user: string, password: string): Promise<DgramHost> {
    const proxy = { address: HOST, port };
    const h = await DgramHost.start(() => ({ account: { user, domain: 'example.test', password }, registrar: proxy, outboundProxy: proxy, registerExpires: 60 }));
    hosts.push(h);
    return h;
  }

  it('registers two phones with digest, calls through the proxy, re-INVITEs and hangs up', async () => {
    const alice = await phone('alice', 'alice-secret');
    const bob = await phone('bob', 'bob-secret');
    alice.run(alice.ua.register());
    bob.run(bob.ua.register());
    expect(await alice.next('registered')).toEqual({ type: 'registered', expires: 60 });
    expect(await bob.next('registered')).toEqual({ type: 'registered', expires: 60 });

    const { callId, actions } = alice.ua.invite('sip:bob@example.test', SDP(1));
    alice.run(actions);
    const incoming = (await bob.next('incomingCall')) as { callId: string; from: string; sdp: string };
    expect(incoming).toMatchObject({ callId, from: 'sip:alice@example.test', sdp: SDP(1) });
    bob.run(bob.ua.ringing(callId));
    expect(await alice.next('progress')).toMatchObject({ callId, status: 180 });
    bob.run(bob.ua.answer(callId, SDP(2)));
    expect(await alice.next('answered')).toEqual({ type: 'answered', callId, sdp: SDP(2) });
    expect(await bob.next('confirmed')).toMatchObject({ callId });

    alice.run(alice.ua.reinvite(callId, SDP(3)));
    expect(await bob.next('reinvite')).toEqual({ type: 'reinvite', callId, sdp: SDP(3) });
    bob.run(bob.ua.acceptReinvite(callId, SDP(4)));
    expect(await alice.next('reinviteAnswered')).toEqual({ type: 'reinviteAnswered', callId, sdp: SDP(4) });

    alice.run(alice.ua.hangup(callId));
    expect(await bob.next('ended')).toEqual({ type: 'ended', callId, reason: 'remote-bye' });
    expect(await alice.next('ended')).toEqual({ type: 'ended', callId, reason: 'local-bye' });
    expect(alice.events.filter((e) => e.type === 'failed' || e.type === 'registrationFailed')).toEqual([]);

    alice.run(alice.ua.unregister());
    bob.run(bob.ua.unregister());
    await alice.next('unregistered');
    await bob.next('unregistered');
  });

  it('rejects a wrong password after one retry, and reports a busy callee (486) through the proxy', async () => {
    const mallory = await phone('alice', 'wrong');
    mallory.run(mallory.ua.register());
    expect(await mallory.next('registrationFailed')).toMatchObject({ status: 401 });

    const alice = await phone('alice', 'alice-secret');
    const bob = await phone('bob', 'bob-secret');
    alice.run(alice.ua.register());
    bob.run(bob.ua.register());
    await alice.next('registered');
    await bob.next('registered');
    const { callId, actions } = alice.ua.invite('sip:bob@example.test', SDP(1));
    alice.run(actions);
    await bob.next('incomingCall');
    bob.run(bob.ua.reject(callId, 486));
    expect(await alice.next('failed')).toMatchObject({ callId, status: 486 });
  });
});
