// One event ends at most one call (GUIDE; modules/phone/event-guard.ts): two phones on a
// virtual-time network (tests/support/virtual-phone.ts) call each other with PSK-keyed MIKEY, and a fault
// is injected into the callee's handling — its crypto provider throws on a datagram (screening
// the INVITE), on a key press (OK: the deferred MIKEY step) and on an audio frame (SRTP in a
// connected call). Each time: a final response (500) or BYE reaches the caller, the callee's
// screen is idle again, its user agent holds no call, transaction or timer once they run out,
// the failure is logged, and the next call between the same phones connects. Node and XS.
import type { Hal, KeyEvent, StreamEvents, StreamListener, StreamSocket } from '../../hal/contracts.js';
import { nobleCrypto } from '../../hal/noble-crypto.js';
import { eventGuard, guardedHal } from '../../modules/phone/event-guard.js';
import { openSettingsStore } from '../../modules/settings/store.js';
import { toHex } from '../../modules/util/bytes.js';
import { FaultyCrypto } from '../support/faulty-crypto.js';
import { SimFlash } from '../support/sim-flash.js';
import { virtualPhone, type VirtualPhone } from '../support/virtual-phone.js';
import { TestNetwork } from './sip-test-network.js';

const ALICE = 'sip:9001@example.test';
const BOB = 'sip:9002@example.test';
const PSK = Uint8Array.from({ length: 32 }, (_, i) => 0xa0 ^ i);
const IDLE = { call: 0, timers: 0, uaCalls: 0, transactions: 0, uaTimers: 0, connections: 0, connectionTimers: 0 };

interface Pair {
  net: TestNetwork;
  alice: VirtualPhone;
  bob: VirtualPhone;
  bobCrypto: FaultyCrypto;
}

/** A flash holding the PSK shared with `peer`, for a phone to boot from. */
function flashSharing(peer: string): SimFlash {
  const flash = new SimFlash(4096, 16);
  const store = openSettingsStore(flash);
  store.save({ ...store.settings, peerKeys: { [peer]: toHex(PSK) } });
  return flash;
}

function pair(): Pair {
  const net = new TestNetwork();
  const bobCrypto = new FaultyCrypto();
  const common = { domain: 'example.test', sipPort: 5060 };
  const alice = virtualPhone(net, { ...common, user: '9001', displayName: 'Alice', address: '10.0.0.1', outboundProxy: '10.0.0.2:5060', flash: flashSharing(BOB), seed: 1 });
  const bob = virtualPhone(net, { ...common, user: '9002', displayName: 'Bob', address: '10.0.0.2', crypto: bobCrypto, flash: flashSharing(ALICE), seed: 2 });
  return { net, alice, bob, bobCrypto };
}

const advance = (p: Pair, ms: number) => p.net.run(p.net.now + ms);

function dialBob(p: Pair): void {
  for (const k of ['9', '0', '0', '2', 'OK'] as const) p.alice.press(k);
  advance(p, 50);
}

/** SIP messages the callee sent the caller: responses by status and reason, requests by method. */
function fromBob(p: Pair): string[] {
  return p.net.wire.filter((w) => w.from === '9002:5060' && w.to === '9001:5060').map((w) => (w.message.kind === 'response' ? `${w.message.status} ${w.message.reason}` : w.message.method));
}

/** The callee is idle, and once every transaction timer has run out, both phones hold nothing. */
function expectCleanIdle(p: Pair): void {
  expect(p.bob.screen()[0]).toBe('Bob');
  advance(p, 40_000);
  expect(p.bob.phone.stats()).toEqual(IDLE);
  expect(p.alice.phone.stats()).toEqual(IDLE);
}

/** A following call between the same phones rings, connects and ends cleanly. */
function expectNextCallWorks(p: Pair): void {
  dialBob(p);
  expect(p.bob.screen().slice(0, 3)).toEqual(['Incoming call', '9001@example.test', 'Secure: PSK']);
  p.bob.press('OK');
  advance(p, 50);
  expect(p.bob.screen()[0]).toBe('Connected');
  expect(p.alice.screen()[0]).toBe('Connected');
  p.alice.press('Hangup');
  advance(p, 40_000);
  expect(p.bob.phone.stats()).toEqual(IDLE);
  expect(p.alice.phone.stats()).toEqual(IDLE);
}

describe('an exception while handling one event ends at most that call', () => {
  it('a datagram: the INVITE whose screening throws gets 500, the callee never rings', () => {
    const p = pair();
    p.bobCrypto.failing = true;
    dialBob(p);
    expect(fromBob(p)).toEqual(['100 Trying', '500 Server Internal Error']);
    expect(p.bob.log).toContainEqual('SIP incomingCall failed: crypto provider fault (injected)');
    expect(p.alice.screen()[0]).not.toBe('Calling');
    expectCleanIdle(p);
    p.bobCrypto.failing = false;
    expectNextCallWorks(p);
  });

  it('a key press: OK whose deferred MIKEY step throws answers 500 and returns to idle', () => {
    const p = pair();
    dialBob(p);
    expect(p.bob.screen()[0]).toBe('Incoming call');
    p.bobCrypto.failing = true;
    p.bob.press('OK');
    advance(p, 50);
    expect(fromBob(p)).toEqual(['100 Trying', '180 Ringing', '500 Server Internal Error']);
    expect(p.bob.log).toContainEqual('key OK failed: crypto provider fault (injected)');
    expect(p.alice.screen()[0]).not.toBe('Calling');
    expectCleanIdle(p);
    p.bobCrypto.failing = false;
    expectNextCallWorks(p);
  });

  it('an audio frame: SRTP that throws in a connected call sends BYE and returns to idle', () => {
    const p = pair();
    dialBob(p);
    p.bob.press('OK');
    advance(p, 50);
    expect(p.bob.screen()[0]).toBe('Connected');
    p.bob.captureFrame();
    advance(p, 20);
    p.bobCrypto.failing = true;
    p.bob.captureFrame();
    advance(p, 50);
    expect(fromBob(p).filter((l) => l === 'BYE')).toHaveLength(1);
    expect(p.bob.log).toContainEqual('audio frame failed: crypto provider fault (injected)');
    expect(p.alice.screen()[0]).not.toBe('Connected');
    expectCleanIdle(p);
    p.bobCrypto.failing = false;
    expectNextCallWorks(p);
  });
});

/** A HAL whose event sources the test fires by hand. */
function stubHal() {
  const on = {
    datagram: [] as ((d: { data: Uint8Array; address: string; port: number }) => void)[],
    timer: [] as (() => void)[],
    key: [] as ((e: KeyEvent) => void)[],
    frame: [] as ((f: Int16Array) => void)[],
    accept: [] as ((s: StreamSocket) => StreamEvents)[],
    stream: [] as StreamEvents[],
  };
  const log: string[] = [];
  /** A stream the test's peer "opened": `closed` counts its close() calls. */
  const stream = (remotePort: number) => {
    const s = { remoteAddress: '10.0.0.9', remotePort, closed: 0, write: () => {}, close: () => void s.closed++ };
    return s;
  };
  const listener = (port: number): StreamListener => ({ port, close: () => {} });
  const hal: Hal = {
    network: {
      localAddress: '10.0.0.1',
      bindUdp: (port, cb) => (on.datagram.push(cb), { port, send: () => {}, close: () => {} }),
      listenTcp: (port, cb) => (on.accept.push(cb), listener(port)),
      listenTls: (port, _credentials, cb) => (on.accept.push(cb), listener(port)),
      connectTcp: (_address, port, events) => (on.stream.push(events), stream(port)),
      connectTls: (_address, port, _name, _credentials, events) => (on.stream.push(events), stream(port)),
    },
    clock: { monotonicMs: () => 0, wallClockMs: () => 0 },
    timers: { set: (_ms, cb) => on.timer.push(cb), clear: () => {} },
    random: { bytes: (n) => new Uint8Array(n) },
    flash: new SimFlash(4096, 4),
    keypad: { onKey: (cb) => void on.key.push(cb) },
    display: { rows: 4, columns: 20, show: () => {} },
    audio: { start: (cb) => void on.frame.push(cb), play: () => {}, stop: () => {} },
    crypto: nobleCrypto,
    log: (line) => void log.push(line),
  };
  return { hal, on, log, stream };
}

describe('guardedHal: every kind of event runs inside the guard', () => {
  const boom = (what: string) => () => {
    throw new Error(what);
  };

  it('a throwing datagram, timer, key or audio-frame handler reaches the recovery, not the host', () => {
    const { hal: device, on } = stubHal();
    const recovered: string[] = [];
    const hal = guardedHal(device, eventGuard(device.log, (what, e) => void recovered.push(`${what}: ${(e as Error).message}`)));
    hal.network.bindUdp(7000, boom('datagram'));
    hal.timers.set(5, boom('timer'));
    hal.keypad.onKey(boom('key'));
    hal.audio.start(boom('frame'));
    on.datagram[0]({ data: Uint8Array.of(1), address: '10.0.0.9', port: 7001 });
    on.timer[0]();
    on.key[0]({ key: '5', down: true });
    on.frame[0](new Int16Array(160));
    expect(recovered).toEqual(['datagram from 10.0.0.9:7001: datagram', 'timer: timer', 'key 5: key', 'audio frame: frame']);
  });

  it('a throwing stream data, stream close or accept handler reaches the recovery; a refused connection is closed', () => {
    const { hal: device, on, stream } = stubHal();
    const recovered: string[] = [];
    const hal = guardedHal(device, eventGuard(device.log, (what, e) => void recovered.push(`${what}: ${(e as Error).message}`)));
    const credentials = { chain: [], privateKey: new Uint8Array(0), trustAnchors: [] };
    hal.network.connectTcp('10.0.0.7', 5060, { onData: boom('tcp data'), onClose: boom('tcp close') });
    hal.network.connectTls('10.0.0.8', 5061, 'pbx.test', credentials, { onData: boom('tls data'), onClose: boom('tls close') });
    hal.network.listenTcp(5060, boom('accept'));
    hal.network.listenTls(5061, credentials, () => ({ onData: boom('accepted data'), onClose: () => {} }));
    on.stream[0].onData(Uint8Array.of(1));
    on.stream[0].onClose('reset');
    on.stream[1].onData(Uint8Array.of(2));
    on.stream[1].onClose();
    const refused = stream(40001);
    on.accept[0](refused).onData(Uint8Array.of(3)); // the stand-in events of a refused connection do nothing
    on.accept[1](stream(40002)).onData(Uint8Array.of(4));
    expect(refused.closed).toBe(1);
    expect(recovered).toEqual([
      'stream data from 10.0.0.7:5060: tcp data',
      'stream close from 10.0.0.7:5060: tcp close',
      'stream data from 10.0.0.8:5061: tls data',
      'stream close from 10.0.0.8:5061: tls close',
      'connection from 10.0.0.9:40001: accept',
      'stream data from 10.0.0.9:40002: accepted data',
    ]);
  });

  it('a recovery that throws too is logged, never thrown', () => {
    const { hal: device, on, log } = stubHal();
    const hal = guardedHal(device, eventGuard(device.log, boom('recovery broke')));
    hal.timers.set(1, boom('handler broke'));
    on.timer[0]();
    expect(log).toEqual(['timer failed: handler broke; recovering failed too: recovery broke']);
  });
});
