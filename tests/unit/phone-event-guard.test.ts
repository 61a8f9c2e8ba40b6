// One event ends at most one call (GUIDE; modules/phone/event-guard.ts): two phones on a
// virtual-time world (tests/support/fake-hal.ts) call each other with PSK-keyed MIKEY, and a fault
// is injected into the callee's handling — its crypto provider throws on a datagram (screening
// the INVITE), on a key press (OK: the deferred MIKEY step) and on an audio frame (SRTP in a
// connected call). Each time: a final response (500) or BYE reaches the caller, the callee's
// screen is idle again, its user agent holds no call, transaction or timer once they run out,
// the failure is logged, and the next call between the same phones connects. Node and XS.
import { eventGuard, guardedHal } from '../../modules/phone/event-guard.js';
import { createPhone, type Phone } from '../../modules/phone/phone.js';
import { openSettingsStore } from '../../modules/settings/store.js';
import { toHex } from '../../modules/util/bytes.js';
import { FakeWorld, FaultyCrypto, type FakeHal } from '../support/fake-hal.js';

const ALICE = 'sip:9001@127.0.0.1';
const BOB = 'sip:9002@127.0.0.1';
const PSK = Uint8Array.from({ length: 32 }, (_, i) => 0xa0 ^ i);
const IDLE = { call: 0, timers: 0, uaCalls: 0, transactions: 0, uaTimers: 0 };

interface Pair {
  world: FakeWorld;
  alice: FakeHal;
  bob: FakeHal;
  bobCrypto: FaultyCrypto;
  bobPhone: Phone;
  alicePhone: Phone;
}

/** The PSK shared with `peer` in the phone's settings, before it boots. */
function sharePsk(hal: FakeHal, peer: string): void {
  const store = openSettingsStore(hal.flash);
  store.save({ ...store.settings, peerKeys: { [peer]: toHex(PSK) } });
}

function pair(): Pair {
  const world = new FakeWorld();
  const bobCrypto = new FaultyCrypto();
  const alice = world.hal('alice');
  const bob = world.hal('bob', bobCrypto);
  sharePsk(alice, BOB);
  sharePsk(bob, ALICE);
  const alicePhone = createPhone(alice, { displayName: 'Alice', user: '9001', sipPort: 5061, outboundProxy: '127.0.0.1:5062' });
  const bobPhone = createPhone(bob, { displayName: 'Bob', user: '9002', sipPort: 5062 });
  return { world, alice, bob, bobCrypto, alicePhone, bobPhone };
}

function dialBob(p: Pair): void {
  for (const k of ['9', '0', '0', '2', 'OK'] as const) p.alice.press(k);
  p.world.advance(50);
}

/** SIP messages the callee (port 5062) sent to the caller, by their first line. */
function fromBob(p: Pair): string[] {
  return p.world.sent.filter((d) => d.from === 5062 && d.to === 5061).map((d) => new TextDecoder().decode(d.data).split('\r\n')[0]);
}

/** The callee is idle, and once every transaction timer has run out, holds nothing. */
function expectCleanIdle(p: Pair): void {
  expect(p.bob.screen[0]).toBe('Bob');
  p.world.advance(40_000);
  expect(p.bobPhone.stats()).toEqual(IDLE);
  expect(p.alicePhone.stats()).toEqual(IDLE);
}

/** A following call between the same phones rings, connects and ends cleanly. */
function expectNextCallWorks(p: Pair): void {
  dialBob(p);
  expect(p.bob.screen.slice(0, 3)).toEqual(['Incoming call', '9001@127.0.0.1', 'Secure: PSK']);
  p.bob.press('OK');
  p.world.advance(50);
  expect(p.bob.screen[0]).toBe('Connected');
  expect(p.alice.screen[0]).toBe('Connected');
  p.alice.press('Hangup');
  p.world.advance(40_000);
  expect(p.bobPhone.stats()).toEqual(IDLE);
  expect(p.alicePhone.stats()).toEqual(IDLE);
}

describe('an exception while handling one event ends at most that call', () => {
  it('a datagram: the INVITE whose screening throws gets 500, the callee never rings', () => {
    const p = pair();
    p.bobCrypto.failing = true;
    dialBob(p);
    expect(fromBob(p)).toEqual(['SIP/2.0 100 Trying', 'SIP/2.0 500 Server Internal Error']);
    expect(p.bob.logs).toContainEqual('SIP incomingCall failed: crypto provider fault (injected)');
    expect(p.alice.screen[0]).not.toBe('Calling');
    expectCleanIdle(p);
    p.bobCrypto.failing = false;
    expectNextCallWorks(p);
  });

  it('a key press: OK whose deferred MIKEY step throws answers 500 and returns to idle', () => {
    const p = pair();
    dialBob(p);
    expect(p.bob.screen[0]).toBe('Incoming call');
    p.bobCrypto.failing = true;
    p.bob.press('OK');
    p.world.advance(50);
    expect(fromBob(p)).toEqual(['SIP/2.0 100 Trying', 'SIP/2.0 180 Ringing', 'SIP/2.0 500 Server Internal Error']);
    expect(p.bob.logs).toContainEqual('key OK failed: crypto provider fault (injected)');
    expect(p.alice.screen[0]).not.toBe('Calling');
    expectCleanIdle(p);
    p.bobCrypto.failing = false;
    expectNextCallWorks(p);
  });

  it('an audio frame: SRTP that throws in a connected call sends BYE and returns to idle', () => {
    const p = pair();
    dialBob(p);
    p.bob.press('OK');
    p.world.advance(50);
    expect(p.bob.screen[0]).toBe('Connected');
    p.bob.captureFrame();
    p.world.advance(20);
    p.bobCrypto.failing = true;
    p.bob.captureFrame();
    p.world.advance(50);
    expect(fromBob(p).filter((l) => l.startsWith('BYE '))).toHaveLength(1);
    expect(p.bob.logs).toContainEqual('audio frame failed: crypto provider fault (injected)');
    expect(p.alice.screen[0]).not.toBe('Connected');
    expectCleanIdle(p);
    p.bobCrypto.failing = false;
    expectNextCallWorks(p);
  });
});

describe('guardedHal: every kind of event runs inside the guard', () => {
  it('a throwing datagram, timer, key or audio-frame handler reaches the recovery, not the host', () => {
    const world = new FakeWorld();
    const device = world.hal('device');
    const recovered: string[] = [];
    const hal = guardedHal(device, eventGuard(device.log, (what, e) => void recovered.push(`${what}: ${(e as Error).message}`)));
    const boom = (what: string) => () => {
      throw new Error(what);
    };
    hal.network.bindUdp(7000, boom('datagram'));
    world.inject(Uint8Array.of(1), 7000, 7001);
    hal.timers.set(5, boom('timer'));
    hal.keypad.onKey(boom('key'));
    hal.audio.start(boom('frame'));
    world.advance(10);
    device.press('5');
    device.captureFrame();
    expect(recovered).toEqual(['datagram from 127.0.0.1:7001: datagram', 'timer: timer', 'key 5: key', 'key 5: key', 'audio frame: frame']);
  });

  it('a recovery that throws too is logged, never thrown', () => {
    const world = new FakeWorld();
    const device = world.hal('device');
    const hal = guardedHal(device, eventGuard(device.log, () => {
      throw new Error('recovery broke');
    }));
    hal.timers.set(1, () => {
      throw new Error('handler broke');
    });
    world.advance(5);
    expect(device.logs).toEqual(['timer failed: handler broke; recovering failed too: recovery broke']);
  });
});
