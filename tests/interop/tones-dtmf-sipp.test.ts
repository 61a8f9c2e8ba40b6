// Tones and DTMF against SIPp as the callee: a 486 Busy Here gives the busy tone (480+620 Hz,
// 0.5 s on / 0.5 s off, checked with the Goertzel detector of tests/support/tone-detect.ts); a
// callee whose answer lists no telephone-event (RFC 4733 §7.1.1) gets no DTMF: the phone says so
// and a loopback capture shows no event packet among the call's RTP.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Key } from '../../hal/contracts.js';
import { DesktopHost } from '../../sim/host.js';
import { devCredentials, freePort, presetSettings, until } from '../support/desktop-phones.js';
import { startLoopbackCapture } from '../support/loopback-capture.js';
import { isDualTone, isSilent, join as joinFrames, runs } from '../support/tone-detect.js';

const SIPP = '/usr/bin/sipp';
const TSHARK = '/usr/bin/tshark';
const SCENARIOS = join(dirname(fileURLToPath(import.meta.url)), 'sipp');

function startSipp(scenario: string, port: number): ChildProcess {
  if (!existsSync(SIPP)) throw new Error('SIPp is missing: install the sip-tester package');
  return spawn(SIPP, ['-sf', join(SCENARIOS, scenario), '-i', '127.0.0.1', '-p', String(port), '-nostdin', '-timeout', '30s', '-mp', String(port + 2)], { stdio: 'ignore' });
}

describe('tones and DTMF against SIPp', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tones-dtmf-sipp-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function dialSipp(port: number, name: string, played: Int16Array[]): Promise<DesktopHost> {
    const flash = join(dir, `${name}.flash`);
    presetSettings(flash, (s) => ({ ...s, srtpMode: 'Off' }));
    const phone = await DesktopHost.start({
      identity: { displayName: 'P', user: '7201', sipPort: 0, tlsPort: 0, outboundProxy: `127.0.0.1:${port}` },
      provision: devCredentials(dir, ['7201'])('7201'),
      flashPath: flash,
      onAudio: (event, frame) => {
        if (event === 'played') played.push(frame);
      },
    });
    for (const k of ['7', '2', '0', '2', 'OK'] as Key[]) await phone.pressKey(k);
    return phone;
  }

  it('plays busy after 486 Busy Here', async () => {
    const port = await freePort();
    const sipp = startSipp('uas-busy.xml', port);
    await new Promise((r) => setTimeout(r, 500));
    const played: Int16Array[] = [];
    const phone = await dialSipp(port, 'busy', played);
    try {
      await until(() => phone.screen[3] === 'Busy', `the call to fail busy (screen ${phone.screen.join('|')})`);
      // The dial tone ended when the call was placed and SIPp sent no 180: from here on, busy only.
      const start = played.length;
      await until(() => played.length >= start + 110, 'busy frames');
      const busy = played.slice(start, start + 110);
      const whole = runs(busy.map((f) => !isSilent(f))).slice(1, -1);
      expect(whole.length).toBeGreaterThanOrEqual(3);
      for (const [, n] of whole) expect(n).toBe(25);
      expect(isDualTone(joinFrames(busy.filter((f) => !isSilent(f)).slice(0, 10)), [480, 620])).toBe(true);
    } finally {
      sipp.kill('SIGKILL');
      await phone.stop();
    }
  });

  it('sends no DTMF to a callee whose answer has no telephone-event, and shows that', async () => {
    const port = await freePort();
    const pcap = join(dir, 'no-events.pcap');
    const capture = await startLoopbackCapture(pcap, `udp and host 127.0.0.1 and dst port ${port + 2}`);
    const sipp = startSipp('uas-plain-only.xml', port);
    await new Promise((r) => setTimeout(r, 500));
    const played: Int16Array[] = [];
    const phone = await dialSipp(port, 'no-events', played);
    try {
      await until(() => phone.screen[0] === 'Connected', 'the plain call to connect');
      await phone.pressKey('5');
      expect(phone.screen[3]).toBe('DTMF not accepted');
      // 20 frames of the media clock: what a key press would have filled with events.
      const start = played.length;
      await until(() => played.length >= start + 20, 'audio frames after the key press');
      await phone.pressKey('Hangup');
      await until(() => phone.screen[3] === 'Call ended', 'the call to end');
    } finally {
      sipp.kill('SIGKILL');
      await phone.stop();
      await capture.stop();
    }
    const types = spawnSync(TSHARK, ['-r', pcap, '-d', `udp.port==${port + 2},rtp`, '-Y', 'rtp', '-T', 'fields', '-e', 'rtp.p_type'], { encoding: 'utf8' });
    expect(types.status).toBe(0);
    const pts = types.stdout.split('\n').filter(Boolean);
    expect(pts.length).toBeGreaterThanOrEqual(20);
    expect(new Set(pts)).toEqual(new Set(['0']));
  });
});
