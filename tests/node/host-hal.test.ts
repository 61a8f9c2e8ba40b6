// Every HAL service of the desktop host, exercised from firmware code running on XS: randomness,
// clock and timers (including a cancelled one), NOR flash, and the audio path from a WAV file in to
// a WAV file out.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AUDIO_FRAME_SAMPLES } from '../../hal/contracts.js';
import { DesktopHost } from '../../sim/host.js';
import { readWav, writeWav } from '../../sim/wav.js';

const PROBE = join(dirname(fileURLToPath(import.meta.url)), '..', 'support', 'hal-probe-entry.ts');

describe('desktop host HAL, from XS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'host-hal-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves random bytes, timers, flash and audio', async () => {
    // A microphone recording: a ramp, so any reordering or loss shows.
    const input = Int16Array.from({ length: AUDIO_FRAME_SAMPLES * 12 }, (_, i) => (i * 37) % 30000 - 15000);
    writeWav(join(dir, 'in.wav'), input);
    const host = await DesktopHost.start({
      identity: { displayName: 'probe', user: 'probe', sipPort: 0, tlsPort: 0 },
      flashPath: join(dir, 'probe.flash'),
      audioInPath: join(dir, 'in.wav'),
      audioOutPath: join(dir, 'out.wav'),
      firmwareEntry: PROBE,
    });
    try {
      for (let i = 0; i < 300 && !host.log.some((l) => l.startsWith('audio stopped')); i++) await new Promise((r) => setTimeout(r, 10));
      const randoms = host.log.filter((l) => l.startsWith('random ')).map((l) => l.slice(7));
      expect(randoms).toHaveLength(1);
      expect(randoms[0]).toMatch(/^[0-9a-f]{32}$/);
      expect(host.log).toContain('flash ff1234ff');
      const fired = host.log.find((l) => l.startsWith('timer fired after'));
      expect(Number(/after (\d+) ms/.exec(fired ?? '')?.[1])).toBeGreaterThanOrEqual(29);
      expect(host.log).not.toContain('cancelled timer fired');
      expect(host.log).toContain('audio stopped after 10 frames');
    } finally {
      await host.stop();
    }
    // The ten frames played back are the first ten captured, sample for sample.
    expect(Array.from(readWav(join(dir, 'out.wav')))).toEqual(Array.from(input.subarray(0, AUDIO_FRAME_SAMPLES * 10)));
  });
});
