// Downgrade protection by pinning: once two phones have completed a priority-MIKEY call, each
// remembers the other's authenticated table and refuses to be pushed below MIKEY with it: the
// caller does not step down the ladder, the callee refuses an offer without MIKEY.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Key } from '../../hal/contracts.js';
import type { SrtpMode } from '../../modules/negotiation/capabilities.js';
import type { DesktopHost } from '../../sim/host.js';
import { presetSettings, startPair, until } from '../support/desktop-phones.js';

describe('pinning peers that speak priority MIKEY', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pinning-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses to step down with a learned peer, as caller and as callee', async () => {
    // Each start boots the same two flash images again, with what the phones learned in them.
    const start = () => startPair(dir, ['8001', '8002']);
    const dial = async (host: DesktopHost) => {
      for (const k of ['8', '0', '0', '2', 'OK'] as Key[]) await host.pressKey(k);
    };
    const setMode = (flash: string, srtpMode: SrtpMode) => presetSettings(join(dir, flash), (s) => ({ ...s, srtpMode }));

    // 1. A priority-MIKEY call: both phones learn each other's table.
    let { alice, bob } = await start();
    await dial(alice);
    await until(() => bob.screen[0] === 'Incoming call', 'Bob to ring');
    await bob.pressKey('OK');
    await until(() => alice.screen[0] === 'Connected' && bob.screen[0] === 'Connected', 'the first call');
    await alice.pressKey('Hangup');
    await until(() => bob.screen[3] === 'Call ended', 'the first call to end');
    await alice.stop();
    await bob.stop();

    // 2. Bob now refuses SRTP (as a stripped or rewritten answer would look): Alice does not step down.
    setMode('8002.flash', 'Off');
    ({ alice, bob } = await start());
    try {
      await dial(alice);
      await until(() => alice.screen[3]?.startsWith('488 ') ?? false, 'Alice to give up');
      expect(alice.log.some((l) => l.includes('is known to speak MIKEY; not stepping down'))).toBe(true);
      expect(alice.log.some((l) => l.includes('offering sdes'))).toBe(false);
    } finally {
      await alice.stop();
      await bob.stop();
    }

    // 3. Alice now offers plain RTP (as a stripped offer would look): Bob refuses it.
    setMode('8002.flash', 'Optional');
    setMode('8001.flash', 'Off');
    ({ alice, bob } = await start());
    try {
      await dial(alice);
      await until(() => alice.screen[3]?.startsWith('488 ') ?? false, 'the plain offer to be refused');
      expect(bob.log.some((l) => l.includes('sip:8001@127.0.0.1 is known to speak MIKEY; refusing a weaker offer'))).toBe(true);
    } finally {
      await alice.stop();
      await bob.stop();
    }
  });
});
