// `phonectl capture decrypt` on a call between our phone and baresip keyed by SDES (RFC 4568): the
// phone's key log holds the SDES keys too (its line for the keys it sends and the ones baresip's
// a=crypto gave), and the capture's two streams decrypt with no authentication failure to the tone
// each side sent: 440 Hz from our phone, baresip's 1 kHz WAV (tests/support/baresip.ts).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Key } from '../../hal/contracts.js';
import { readWav } from '../../sim/wav.js';
import { phoneAndBaresip } from '../support/baresip.js';
import { toneShare, until } from '../support/desktop-phones.js';
import { keyLogFileKeys } from '../support/key-log.js';
import { startLoopbackCapture } from '../support/loopback-capture.js';
import { phonectl } from '../support/phonectl.js';

describe('phonectl capture decrypt on a call with baresip over SDES', () => {
  const dir = mkdtempSync(join(tmpdir(), 'capture-baresip-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds both streams in the phone\'s key log and decrypts them to the tone each side sent', async () => {
    const pcap = join(dir, 'call.pcapng');
    const keyLog = join(dir, 'phone.keys');
    const capture = await startLoopbackCapture(pcap);
    const { baresip, phone: p, stop } = await phoneAndBaresip(dir, '7101', '7102', '42400-42500', { keyLogPath: keyLog });
    try {
      for (const k of ['7', '1', '0', '2', 'OK'] as Key[]) await p.pressKey(k);
      await until(() => p.screen[0] === 'Connected', `the SDES call to connect\n${baresip.log().slice(-1500)}`);
      expect(p.screen[2]).toMatch(/^\uE000 SDES /);
      await new Promise((r) => setTimeout(r, 2000));
      await p.pressKey('Hangup');
      await until(() => p.screen[3] === 'Call ended', 'the call to end');
    } finally {
      await stop();
      await capture.stop();
    }
    const keys = keyLogFileKeys(readFileSync(keyLog, 'utf8'));
    expect(keys.map((k) => k.entry.direction).sort()).toEqual(['rx', 'tx']);
    const wavDir = join(dir, 'wav');
    const r = phonectl(['capture', 'decrypt', pcap, '--key-log', keyLog, '--wav-dir', wavDir]);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    const streams = r.stdout.trim().split('\n').map((l) => JSON.parse(l)).slice(0, -1);
    expect(streams.map((s) => s.direction).sort()).toEqual(['rx', 'tx']);
    for (const s of streams) {
      expect(s.callId).toBe(keys[0].entry.callId);
      expect(s.packets).toBeGreaterThan(50);
      expect(s).toMatchObject({ decrypted: s.packets, authenticationFailures: 0, otherFailures: 0, keysUsed: 1 });
      const [tone, other] = s.direction === 'tx' ? [440, 1000] : [1000, 440];
      const samples = readWav(s.wav);
      expect(toneShare(samples, tone)).toBeGreaterThan(0.9);
      expect(toneShare(samples, other)).toBeLessThan(0.1);
    }
  });
});
