// A hundred calls in a row between two phones on the XS engine leave no state behind: after the
// last call (and its transaction timers), no call, transaction, timer or media socket remains (but
// the TCP connection the large INVITEs take, kept for reuse until idle, with its timer), and
// the live XS heap is what it was after the first five calls (measured the same way).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callAndAnswer, startPair, until } from '../support/desktop-phones.js';

const CALLS = 100;

describe('100 calls in a row', () => {
  const dir = mkdtempSync(join(tmpdir(), 'many-calls-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves no stale state, handles or memory growth', async () => {
    const { alice, bob } = await startPair(dir, ['5001', '5002']);
    const heap: number[] = [];
    // A BYE's server transaction lingers for Timer J (64*T1 = 32 s over UDP, RFC 3261 §17.2.2) to
    // absorb retransmissions; after that nothing of a call remains.
    const settle = () => new Promise((r) => setTimeout(r, 33000));
    try {
      for (let i = 1; i <= CALLS; i++) {
        await callAndAnswer(alice, bob, '5002', `call ${i}`);
        await (i % 2 ? alice : bob).pressKey('Hangup');
        await until(() => alice.screen[0] !== 'Connected' && bob.screen[0] !== 'Connected', `call ${i} to end`);
        if (i === 5 || i === CALLS) {
          await settle();
          heap.push(await alice.heapAfterGc(), await bob.heapAfterGc());
        }
      }
      for (const host of [alice, bob]) {
        const r = await host.resources();
        // The DH INVITEs are over 1,300 bytes, so they went over TCP (RFC 3261 §18.1.1): that one
        // connection stays, with its idle timer, for reuse until idle for 120 s (sip-connections.ts).
        expect(r.phone).toEqual({ call: 0, timers: 0, uaCalls: 0, transactions: 0, uaTimers: 0, connections: r.phone.connections, connectionTimers: r.phone.connections });
        expect(r.phone.connections).toBeLessThanOrEqual(1);
        expect(r.sockets).toBe(1); // the SIP socket only: every call's media socket was closed
        expect(r.timers).toBe(r.phone.connectionTimers);
      }
      expect(alice.log.filter((l) => / connected with /.test(l))).toHaveLength(CALLS);
      // Live XS heap slots after a collection, settled: call 100 against call 5, for each phone. The
      // callee's replay cache (RFC 3830 §5.4) keeps one entry per accepted offer for an hour.
      process.stdout.write(`XS heap slots after gc, call 5 -> ${CALLS}: alice ${heap[0]} -> ${heap[2]}, bob ${heap[1]} -> ${heap[3]}\n`);
      expect(heap[2] - heap[0]).toBeLessThan(heap[0] * 0.02);
      expect(heap[3] - heap[1]).toBeLessThan(heap[1] * 0.05);
    } finally {
      await alice.stop();
      await bob.stop();
    }
  }, 600000);
});
