// The backward-compatibility ladder between two phones on the XS engine: a callee that cannot
// do MIKEY gets an SDES call; a caller with SRTP off gets plain RTP from an Optional callee and a
// refusal from a Mandatory one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Key } from '../../hal/contracts.js';
import type { SrtpMode } from '../../modules/negotiation/capabilities.js';
import type { Credentials } from '../../modules/settings/model.js';
import { DesktopHost } from '../../sim/host.js';
import { answerTalkHangUp, devCredentials, freePort, presetSettings, until } from '../support/desktop-phones.js';

describe('fallback ladder in calls', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ladder-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;

  async function pair(caller: { mode: SrtpMode; provision?: Credentials }, callee: { mode: SrtpMode; provision?: Credentials }) {
    const run = n++;
    const [a, b] = [await freePort(), await freePort()];
    // The phones talk SIP over UDP: the caller may offer SDES there only with the setting (issue 14).
    presetSettings(join(dir, `a${run}.flash`), (s) => ({ ...s, srtpMode: caller.mode, sdesOverNonTls: true }));
    presetSettings(join(dir, `b${run}.flash`), (s) => ({ ...s, srtpMode: callee.mode }));
    const alice = await DesktopHost.start({ identity: { displayName: 'A', user: '3001', sipPort: a, tlsPort: 0, outboundProxy: `127.0.0.1:${b}` }, provision: caller.provision, flashPath: join(dir, `a${run}.flash`) });
    const bob = await DesktopHost.start({ identity: { displayName: 'B', user: '3002', sipPort: b, tlsPort: 0 }, provision: callee.provision, flashPath: join(dir, `b${run}.flash`) });
    for (const k of ['3', '0', '0', '2', 'OK'] as Key[]) await alice.pressKey(k);
    return { alice, bob };
  }

  it('steps down to SDES when the callee has no MIKEY credentials', async () => {
    const provision = devCredentials(dir, ['3001', '3002']);
    const { alice, bob } = await pair({ mode: 'Optional', provision: provision('3001') }, { mode: 'Optional' });
    try {
      expect(await answerTalkHangUp(alice, bob)).toEqual(['\uE000 SDES CM128/80', '\uE000 SDES CM128/80']);
      expect(alice.log.some((l) => l.includes('refused with 488; offering sdes'))).toBe(true);
    } finally {
      await alice.stop();
      await bob.stop();
    }
  });

  it('makes a plain RTP call from a phone with SRTP off to an Optional phone', async () => {
    const { alice, bob } = await pair({ mode: 'Off' }, { mode: 'Optional' });
    try {
      expect(await answerTalkHangUp(alice, bob)).toEqual(['NOT ENCRYPTED', 'NOT ENCRYPTED']);
    } finally {
      await alice.stop();
      await bob.stop();
    }
  });

  it('refuses plain RTP at a Mandatory phone, and the caller cannot go lower', async () => {
    const { alice, bob } = await pair({ mode: 'Off' }, { mode: 'Mandatory' });
    try {
      await until(() => alice.screen[3]?.startsWith('488 ') ?? false, 'the refusal');
      expect(bob.log.some((l) => l.includes('refused: SRTP is mandatory on this phone'))).toBe(true);
    } finally {
      await alice.stop();
      await bob.stop();
    }
  });
});
