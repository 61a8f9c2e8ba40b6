// A hundred calls over TCP through a real Kamailio leave no connection or timer behind: two phones
// with their accounts on TCP register and call each other 100 times through the proxy. Settled
// after call 5 and after call 100 (the transactions' last timers, RFC 6026 Timer L, 64*T1), each
// phone holds the same connections, timers and sockets, and the system's own count of established
// TCP connections on Kamailio's port (ss) is the same: every call reused the connections the first
// ones opened (RFC 3261 §18.1.1, §18.2.2) and closed nothing it should keep.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DesktopHost } from '../../sim/host.js';
import { callAndAnswer, until } from '../support/desktop-phones.js';
import { freeSipPort, Kamailio, pbxPhone } from '../support/kamailio.js';

const CALLS = 100;

/** Established TCP connections with one end on `port`, as the kernel lists them. */
function established(port: number): number {
  const r = spawnSync('ss', ['-Htn', 'state', 'established', `( sport = :${port} or dport = :${port} )`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ss: ${r.stderr || r.error?.message} (iproute2)`);
  return r.stdout.split('\n').filter(Boolean).length;
}

async function snapshot(hosts: DesktopHost[], kamailioPort: number): Promise<unknown> {
  const phones = [];
  for (const host of hosts) phones.push(await host.resources());
  return { phones, kernel: established(kamailioPort) };
}

describe('100 calls over TCP through Kamailio', () => {
  const dir = mkdtempSync(join(tmpdir(), 'many-calls-tcp-'));
  const stops: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('leave no connection or timer behind', async () => {
    const kamailio = await Kamailio.start(await freeSipPort(), '127.0.0.1', { tcp: true });
    stops.push(() => kamailio.stop());
    let connected = 0;
    const count = (line: string) => / connected with /.test(line) && connected++;
    const alice = await pbxPhone(kamailio, dir, '1001', { transport: 'tcp', host: { onLog: count } });
    stops.push(() => alice.stop());
    const bob = await pbxPhone(kamailio, dir, '1002', { transport: 'tcp', host: { onLog: count } });
    stops.push(() => bob.stop());
    await until(() => alice.screen[3] === 'Registered' && bob.screen[3] === 'Registered', `both phones to register\n${kamailio.log.slice(-2000)}`, 30000);
    const settle = () => new Promise((r) => setTimeout(r, 33000));
    let afterFive: unknown;
    for (let i = 1; i <= CALLS; i++) {
      const [caller, callee] = i % 2 ? [alice, bob] : [bob, alice];
      await callAndAnswer(caller, callee, caller === alice ? '1002' : '1001', `call ${i}`);
      await caller.pressKey('Hangup');
      await until(() => alice.screen[0] !== 'Connected' && bob.screen[0] !== 'Connected', `call ${i} to end`);
      if (i === 5) {
        await settle();
        afterFive = await snapshot([alice, bob], kamailio.port);
      }
    }
    await settle();
    const after = await snapshot([alice, bob], kamailio.port);
    expect(after).toEqual(afterFive);
    for (const host of [alice, bob]) {
      const r = await host.resources();
      expect(r.phone).toMatchObject({ call: 0, uaCalls: 0, transactions: 0 });
    }
    // Every call went over TCP, both legs; none fell back to UDP.
    const invites = kamailio.hops().filter((h) => h.method === 'INVITE' && h.dir !== 'reply');
    expect(invites.length).toBeGreaterThanOrEqual(2 * CALLS);
    expect(invites.filter((h) => h.proto !== 'tcp')).toEqual([]);
    expect(connected).toBe(2 * CALLS);
  }, 900000);
});
