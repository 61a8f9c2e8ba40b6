// Calls over SIP's stream transports (issue 14) between two whole phones on virtual time
// (tests/support/virtual-phone.ts, whose stream sockets are in-memory): with the account's transport
// TCP, every SIP message of the call goes over TCP (no SIP datagram at all), the MIKEY call
// connects, and 100 calls in a row leave no connection or timer behind once the idle timeout has
// run; with TLS the same, on the TLS port, the phones' TLS identity being their PKI credentials.
// Peers that connect and stay silent, or send an endless header, are cut off while a call goes on.
import type { AccountTransport, Settings } from '../../modules/settings/model.js';
import { openSettingsStore } from '../../modules/settings/store.js';
import { toHex, toBase64 } from '../../modules/util/bytes.js';
import { fixtureBytes } from '../support/pki-fixtures.js';
import { SimFlash } from '../support/sim-flash.js';
import { networkStreams, virtualPhone, type VirtualPhone } from '../support/virtual-phone.js';
import { TestNetwork, type Endpoint } from '../unit/sip-test-network.js';

const ALICE = 'sip:1001@example.com';
const BOB = 'sip:1002@example.com';
const PSK = Uint8Array.from({ length: 32 }, (_, i) => 0x3c ^ i);
const IDLE = { call: 0, timers: 0, uaCalls: 0, transactions: 0, uaTimers: 0, connections: 0, connectionTimers: 0 };

/** A flash with the PSK shared with `peer` and the account's transport; `change` edits more. */
function flash(peer: string, transport: AccountTransport, change: (s: Settings) => Settings = (s) => s): SimFlash {
  const f = new SimFlash(4096, 16);
  const store = openSettingsStore(f);
  const s: Settings = store.settings;
  store.save(change({ ...s, peerKeys: { [peer]: toHex(PSK) }, account: { ...s.account, transport } }));
  return f;
}

const credentials = (name: 'phone1001' | 'phone1002') => ({
  ownKey: toBase64(fixtureBytes(`${name}.key`)), ownChain: [toBase64(fixtureBytes(name))], trustAnchors: [toBase64(fixtureBytes('ca'))],
});

interface Pair {
  readonly net: TestNetwork;
  readonly alice: VirtualPhone;
  readonly bob: VirtualPhone;
}

/** Alice calls Bob through her outbound proxy, Bob's SIP port (`proxyPort`: his TLS port for TLS). */
function pair(transport: AccountTransport, proxyPort: number, caller: (s: Settings) => Settings = (s) => s): Pair {
  const net = new TestNetwork();
  const common = { domain: 'example.com', sipPort: 5060 };
  const alice = virtualPhone(net, { ...common, user: '1001', displayName: 'Alice', address: '10.0.0.1', outboundProxy: `10.0.0.2:${proxyPort}`, flash: flash(BOB, transport, caller), provision: credentials('phone1001'), seed: 1 });
  const bob = virtualPhone(net, { ...common, user: '1002', displayName: 'Bob', address: '10.0.0.2', flash: flash(ALICE, transport), provision: credentials('phone1002'), seed: 2 });
  return { net, alice, bob };
}

const advance = (p: Pair, ms: number) => p.net.run(p.net.now + ms);

/** One call: Alice dials, Bob answers, both connected with MIKEY PSK, Alice hangs up. */
function call(p: Pair): void {
  for (const k of ['1', '0', '0', '2', 'OK'] as const) p.alice.press(k);
  advance(p, 50);
  expect(p.bob.screen().slice(0, 3)).toEqual(['Incoming call', '1001@example.com', 'Secure: PSK']);
  p.bob.press('OK');
  advance(p, 50);
  expect([p.alice.screen()[0], p.bob.screen()[0]]).toEqual(['Connected', 'Connected']);
  p.alice.press('Hangup');
  advance(p, 50);
  expect(p.bob.screen()[3]).toBe('Call ended');
}

describe('calls over TCP and TLS', () => {
  it('a MIKEY call over TCP: every SIP message on a connection, none as a datagram', () => {
    const p = pair('tcp', 5060);
    call(p);
    expect(p.net.wire).toEqual([]);
    expect(p.bob.log.some((l) => /^SIP over TCP from 10\.0\.0\.1:\d+ \(connection \d+\), \d+ bytes$/.test(l))).toBe(true);
    expect(p.alice.log.some((l) => /^SIP over TCP from 10\.0\.0\.2:5060 \(connection \d+\), \d+ bytes$/.test(l))).toBe(true);
    expect(p.bob.log).toContain('listening for SIP over TLS on 10.0.0.2:5061');
  });

  it('100 calls over TCP reuse the connection and leave no connection or timer behind', () => {
    const p = pair('tcp', 5060);
    let most = 0;
    for (let i = 0; i < 100; i++) {
      call(p);
      most = Math.max(most, p.alice.phone.stats().connections, p.bob.phone.stats().connections);
      advance(p, 1000);
    }
    // One connection from Alice to Bob's SIP port carries every call.
    expect(most).toBe(1);
    expect(p.alice.log.filter((l) => / TCP to 10\.0\.0\.2:5060$/.test(l))).toHaveLength(1);
    // The transactions' timers (Timer K, 32 s at most over UDP, 0 over TCP) and the idle timeout.
    advance(p, 130_000);
    expect(p.alice.phone.stats()).toEqual(IDLE);
    expect(p.bob.phone.stats()).toEqual(IDLE);
    expect(p.net.pendingTimers).toBe(0);
    expect(p.alice.log.filter((l) => /closed: idle for 120 s$/.test(l))).toHaveLength(1);
  });

  it('offers SDES over TLS by default: a caller with no MIKEY key agreement for the callee gets an SDES call', () => {
    // Only PSK enabled, and no PSK for Bob: no MIKEY offer is possible, so the first offer is SDES.
    const p = pair('tls', 5061, (s) => ({
      ...s,
      peerKeys: {},
      priorities: { ...s.priorities, keyAgreements: s.priorities.keyAgreements.map((e) => ({ ...e, enabled: e.name === 'PSK' })) },
    }));
    for (const k of ['1', '0', '0', '2', 'OK'] as const) p.alice.press(k);
    advance(p, 50);
    expect(p.bob.screen().slice(0, 3)).toEqual(['Incoming call', '1001@example.com', 'Secure: SDES']);
    p.bob.press('OK');
    advance(p, 50);
    expect(p.alice.screen()[2]).toMatch(/^\uE000 SDES /);
    expect(p.net.wire).toEqual([]);
  });

  it('cuts off silent connections and an endless header without harm to the call in progress', () => {
    const p = pair('tcp', 5060);
    for (const k of ['1', '0', '0', '2', 'OK'] as const) p.alice.press(k);
    advance(p, 50);
    p.bob.press('OK');
    advance(p, 50);
    expect([p.alice.screen()[0], p.bob.screen()[0]]).toEqual(['Connected', 'Connected']);
    // An attacker at 10.0.0.66 on the same network: 20 silent connections and one endless header.
    let nextTimer = 0;
    const fires = new Map<string, () => void>();
    const attackerClock: Endpoint = { name: 'attacker', address: { address: '10.0.0.66', port: 1 }, receive: () => [], timerFired: (key) => (fires.get(key)?.(), []) };
    const schedule = (delayMs: number, fire: () => void) => {
      const key = String(nextTimer++);
      fires.set(key, fire);
      p.net.apply(attackerClock, [{ type: 'setTimer', key, delayMs }]);
    };
    const attacker = networkStreams(p.net).network('10.0.0.66', schedule);
    const closed: string[] = [];
    const events = { onData: () => undefined, onClose: (e?: string) => void closed.push(e ?? 'closed') };
    for (let i = 0; i < 20; i++) attacker.connectTcp('10.0.0.2', 5060, events);
    const endless = attacker.connectTcp('10.0.0.2', 5060, events);
    endless.write(new TextEncoder().encode('INVITE sip:1002@example.com SIP/2.0\r\n'));
    const line = new TextEncoder().encode(`X-Filler: ${'a'.repeat(1000)}\r\n`);
    for (let i = 0; i < 20; i++) {
      endless.write(line);
      advance(p, 100);
    }
    expect(p.bob.log.some((l) => /\(TCP from 10\.0\.0\.66:\d+\) closed: header section over 16384 bytes$/.test(l))).toBe(true);
    advance(p, 11_000);
    expect(closed).toHaveLength(21);
    expect(p.bob.log.filter((l) => /\(TCP from 10\.0\.0\.66:\d+\) closed: (cut off: a first message not whole within 10 s|closed to make room)/.test(l))).toHaveLength(20);
    // The call went on: Alice's connection was never the one evicted, and the hang-up gets through.
    expect([p.alice.screen()[0], p.bob.screen()[0]]).toEqual(['Connected', 'Connected']);
    p.alice.press('Hangup');
    advance(p, 50);
    expect(p.bob.screen()[3]).toBe('Call ended');
    advance(p, 130_000);
    expect(p.bob.phone.stats()).toEqual(IDLE);
  });

  it('says so in the log when the phone has no TLS identity, and listens on TCP still', () => {
    const net = new TestNetwork();
    const carol = virtualPhone(net, { user: '1003', address: '10.0.0.3', domain: 'example.com' });
    expect(carol.log).toContain('listening for SIP on 10.0.0.3:5060');
    expect(carol.log).toContain('not listening for SIP over TLS: the phone has no TLS identity (no usable credentials for sip:1003@example.com)');
    expect(carol.phone.tlsPort).toBeUndefined();
  });

  it('a MIKEY call over TLS, on the TLS port, with the phones\' certificates', () => {
    const p = pair('tls', 5061);
    call(p);
    expect(p.net.wire).toEqual([]);
    expect(p.bob.log.some((l) => /^SIP over TLS from 10\.0\.0\.1:\d+ \(connection \d+\), \d+ bytes$/.test(l))).toBe(true);
    expect(p.alice.log.some((l) => / TLS to 10\.0\.0\.2:5061$/.test(l))).toBe(true);
    advance(p, 130_000);
    expect(p.alice.phone.stats()).toEqual(IDLE);
    expect(p.bob.phone.stats()).toEqual(IDLE);
  });
});
