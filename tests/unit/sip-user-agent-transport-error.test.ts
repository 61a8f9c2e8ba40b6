// The transport reports a message it could not send (RFC 3261 §18.4): the user agent ends the
// transaction it belongs to at once, the INVITE, REGISTER or OPTIONS as if answered 503 Service
// Unavailable (§8.1.3.1, §17.1.4) instead of after Timer B/F's 32 s, and an incoming call whose
// response cannot reach the caller is over (§17.2.4). Nothing is left behind; a transaction
// already over is left alone.
import { UserAgent, type HostPort, type UaAction, type UaConfig, type UaEvent } from '../../modules/sip/user-agent.js';
import { utf8Decode } from '../../modules/util/bytes.js';
import { seededRandom } from './sip-test-network.js';

const ALICE: HostPort = { address: '10.0.0.1', port: 5060 };
const BOB: HostPort = { address: '10.0.0.2', port: 5062 };
const BOB_URI = 'sip:bob@10.0.0.2:5062';

type Send = Extract<UaAction, { type: 'send' }>;

function ua(user: string, local: HostPort, seed: number, extra: Partial<UaConfig> = {}): UserAgent {
  return new UserAgent({ account: { user, domain: 'example.test', password: 'x' }, local, transport: 'tcp', random: seededRandom(seed), ...extra });
}

const sends = (actions: readonly UaAction[]): Send[] => actions.filter((a): a is Send => a.type === 'send');
const events = (actions: readonly UaAction[]): UaEvent[] => actions.flatMap((a) => (a.type === 'event' ? [a.event] : []));
const startLine = (a: Send): string => utf8Decode(a.data).split('\r\n')[0];

/** The timers a host would hold after carrying out `batches` in order. */
function armed(...batches: (readonly UaAction[])[]): string[] {
  const timers = new Set<string>();
  for (const a of batches.flat()) {
    if (a.type === 'setTimer') timers.add(a.key);
    if (a.type === 'clearTimer') timers.delete(a.key);
  }
  return [...timers];
}

describe('user agent: transport errors (§18.4)', () => {
  it('fails an INVITE whose connection failed at once with 503 and the reason, leaving nothing', () => {
    const alice = ua('alice', ALICE, 1);
    const { callId, actions } = alice.invite(BOB_URI, 'offer');
    const [invite] = sends(actions);
    expect(invite.transport).toBe('tcp');
    expect(typeof invite.transaction).toBe('string');
    const failed = alice.transportError(invite.transaction!, 'connection refused');
    expect(events(failed)).toEqual([{ type: 'failed', callId, status: 503, reason: 'Service Unavailable', sdp: '', transport: 'connection refused' }]);
    // Timer B, set by the invite, is cleared: the host keeps no timer.
    expect(armed(actions, failed)).toEqual([]);
    expect(alice.stats()).toEqual({ calls: 0, clientTransactions: 0, serverTransactions: 0, timers: 0 });
    // Reported twice (a second message on the same connection): nothing more happens.
    expect(alice.transportError(invite.transaction!, 'connection refused')).toEqual([]);
  });

  it('fails a REGISTER at once, and an OPTIONS with result 503', () => {
    const alice = ua('alice', ALICE, 1, { registrar: { address: '10.0.0.9', port: 5060 } });
    const register = alice.register();
    const failed = alice.transportError(sends(register)[0].transaction!, 'certificate is not for 10.0.0.9');
    expect(events(failed)).toEqual([{ type: 'registrationFailed', status: 503, reason: 'Service Unavailable', transport: 'certificate is not for 10.0.0.9' }]);
    expect(armed(register, failed)).toEqual([]);
    const options = alice.options(BOB_URI);
    expect(events(alice.transportError(sends(options)[0].transaction!, 'reset'))).toEqual([{ type: 'optionsResult', uri: BOB_URI, status: 503 }]);
    expect(alice.stats()).toEqual({ calls: 0, clientTransactions: 0, serverTransactions: 0, timers: 0 });
  });

  it('leaves a transaction alone once its final response arrived, and ignores names it does not know', () => {
    const alice = ua('alice', ALICE, 1);
    const bob = ua('bob', BOB, 2);
    const { callId, actions } = alice.invite(BOB_URI, 'offer');
    const [invite] = sends(actions);
    const bobActions = bob.receive(invite.data, { ...ALICE, transport: 'tcp', connection: 1 });
    const reject = bob.reject(callId, 486);
    const busy = sends(reject)[0];
    expect(startLine(busy)).toBe('SIP/2.0 486 Busy Here');
    const answered = alice.receive(busy.data, { ...BOB, transport: 'tcp', connection: 2 });
    expect(events(answered)).toHaveLength(1);
    expect(events(answered)[0]).toMatchObject({ type: 'failed', status: 486 });
    expect(alice.transportError(invite.transaction!, 'reset')).toEqual([]);
    expect(alice.transportError('c nothing|INVITE', 'reset')).toEqual([]);
    expect(alice.transportError('garbage', 'reset')).toEqual([]);
    expect(events(bobActions)[0]).toMatchObject({ type: 'incomingCall', callId });
  });

  it('ends an incoming call whose 180 cannot reach the caller, and one whose 2xx cannot', () => {
    for (const step of ['ringing', 'answer'] as const) {
      const alice = ua('alice', ALICE, 1);
      const bob = ua('bob', BOB, 2);
      const { callId, actions } = alice.invite(BOB_URI, 'offer');
      const received = bob.receive(sends(actions)[0].data, { ...ALICE, transport: 'tcp', connection: 1 });
      const ringing = bob.ringing(callId);
      const answer = step === 'answer' ? bob.answer(callId, 'answer') : [];
      const last = sends(step === 'answer' ? answer : ringing)[0];
      expect(startLine(last)).toBe(step === 'answer' ? 'SIP/2.0 200 OK' : 'SIP/2.0 180 Ringing');
      expect(last.transaction).toMatch(/^s /);
      const failed = bob.transportError(last.transaction!, 'connection refused');
      expect(events(failed)).toEqual([{ type: 'ended', callId, reason: 'transport-error' }]);
      // The INVITE's Timer H or the 2xx retransmission: nothing left armed.
      expect(armed(received, ringing, answer, failed)).toEqual([]);
      expect(bob.stats()).toEqual({ calls: 0, clientTransactions: 0, serverTransactions: 0, timers: 0 });
    }
  });

  it('keeps the call when a re-INVITE cannot be sent: reinviteFailed 503, no BYE', () => {
    const alice = ua('alice', ALICE, 1);
    const bob = ua('bob', BOB, 2);
    const { callId, actions } = alice.invite(BOB_URI, 'offer');
    bob.receive(sends(actions)[0].data, { ...ALICE, transport: 'tcp', connection: 1 });
    const ok = sends(bob.answer(callId, 'answer'))[0];
    const ack = sends(alice.receive(ok.data, { ...BOB, transport: 'tcp', connection: 2 }))[0];
    bob.receive(ack.data, { ...ALICE, transport: 'tcp', connection: 1 });
    const reinvite = alice.reinvite(callId, 'new offer');
    const failed = alice.transportError(sends(reinvite)[0].transaction!, 'reset by peer');
    expect(events(failed)).toEqual([{ type: 'reinviteFailed', callId, status: 503, reason: 'Service Unavailable' }]);
    expect(sends(failed)).toEqual([]);
    expect(alice.stats()).toMatchObject({ calls: 1, clientTransactions: 0 });
  });
});
