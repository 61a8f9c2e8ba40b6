// A phone on the desktop XS host under a flood of 150 datagrams a second (issue 13): it must keep
// answering OPTIONS, and its state must stay bounded. Loopback only, a bounded count of datagrams;
// the only time limit is a generous functional one (the figures are in `npm run bench`).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_SERVER_TRANSACTIONS } from '../../modules/sip/user-agent.js';
import { DesktopHost } from '../../sim/host.js';
import { probeOptions, startFlood, type FloodKind } from '../support/sip-flood.js';

const dir = mkdtempSync(join(tmpdir(), 'sip-flood-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Answered within this, an OPTIONS counts as answered: far above the 200 ms goal, a functional bound. */
const ANSWER_TIMEOUT_MS = 5000;

describe.each<[string, FloodKind]>([
  ['never-ACKed INVITEs', { kind: 'invite' }],
  ['60 KB junk datagrams', { kind: 'junk', bytes: 60_000 }],
])('a phone flooded with 150 %s a second', (_name, kind) => {
  it('answers every OPTIONS probe and keeps its transactions bounded', async () => {
    const host = await DesktopHost.start({ identity: { displayName: 'F', user: 'phone', sipPort: 0, tlsPort: 0 }, flashPath: join(dir, `${kind.kind}.flash`) });
    try {
      const port = Number(host.log.map((l) => /listening for SIP on 127\.0\.0\.1:(\d+)/.exec(l)?.[1]).find(Boolean));
      const flood = await startFlood(port, 150, kind);
      await new Promise((r) => setTimeout(r, 1000));
      const rtts = await probeOptions(port, 10, 200, ANSWER_TIMEOUT_MS);
      const sent = await flood.stop();
      expect(sent).toBeGreaterThanOrEqual(300);
      expect(sent).toBeLessThan(1500);
      expect(rtts.filter((r) => r === undefined)).toHaveLength(0);
      const { phone } = await host.resources();
      expect(phone.transactions).toBeLessThanOrEqual(MAX_SERVER_TRANSACTIONS);
      expect(phone.uaTimers).toBeLessThanOrEqual(2 * MAX_SERVER_TRANSACTIONS + 2);
    } finally {
      await host.stop();
    }
  });
});
