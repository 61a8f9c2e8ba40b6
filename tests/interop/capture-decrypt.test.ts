// `phonectl capture decrypt` on a real call: two desktop phones with key log files, a call and a
// re-key captured by tshark on loopback (pcapng as tshark writes it, and the same converted by editcap
// to pcap). Every stream of each key log is found and decrypts with no authentication failure across
// the re-key, and the WAV of each direction is the tone its sender captured (Alice 440 Hz, Bob a
// 660 Hz WAV), measured by toneShare, independently of the decryption.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWav, writeWav } from '../../sim/wav.js';
import { callRekeyHangUp, startPair, toneShare } from '../support/desktop-phones.js';
import { keyLogFileKeys } from '../support/key-log.js';
import { startLoopbackCapture } from '../support/loopback-capture.js';
import { phonectl } from '../support/phonectl.js';

const BOB_TONE = Int16Array.from({ length: 8000 }, (_, n) => Math.round(8000 * Math.sin((2 * Math.PI * 660 * n) / 8000)));

interface StreamLine {
  callId: string;
  direction: 'tx' | 'rx';
  ssrc: string;
  packets: number;
  decrypted: number;
  authenticationFailures: number;
  otherFailures: number;
  losses: number;
  roc: number;
  keysUsed: number;
  wav: string;
}

describe('phonectl capture decrypt', () => {
  const dir = mkdtempSync(join(tmpdir(), 'capture-decrypt-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const pcapng = join(dir, 'call.pcapng');
  const files = { alice: join(dir, 'alice.keys'), bob: join(dir, 'bob.keys') };

  beforeAll(async () => {
    const bobTone = join(dir, 'bob-660.wav');
    writeWav(bobTone, BOB_TONE);
    const capture = await startLoopbackCapture(pcapng);
    const { alice, bob } = await startPair(dir, ['4301', '4302'], { alice: { keyLogPath: files.alice }, bob: { keyLogPath: files.bob, audioInPath: bobTone } });
    const lines = (file: string) => keyLogFileKeys(readFileSync(file, 'utf8'));
    try {
      await callRekeyHangUp(alice, bob, '4302', 1000, () => lines(files.alice).length === 4 && lines(files.bob).length === 4, 'both phones to log the new keys');
    } finally {
      await alice.stop();
      await bob.stop();
      await capture.stop();
    }
  });

  const pcap = () => {
    const file = join(dir, 'call.pcap');
    expect(spawnSync('editcap', ['-F', 'pcap', pcapng, file]).status).toBe(0);
    return file;
  };

  it.each([['alice', 440, 660], ['bob', 660, 440]] as const)('decrypts every stream of %s\'s key log to the tone each phone sent', (phone, sent, received) => {
    for (const capture of [pcapng, pcap()]) {
      const wavDir = join(dir, `wav-${phone}-${capture.endsWith('ng') ? 'ng' : 'pcap'}`);
      const r = phonectl(['capture', 'decrypt', capture, '--key-log', files[phone], '--wav-dir', wavDir]);
      expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
      const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
      const summary = out.pop();
      expect(summary.capture.srtp).toBeGreaterThan(100);
      const streams = out as StreamLine[];
      const keys = keyLogFileKeys(readFileSync(files[phone], 'utf8'));
      expect(streams.map((s) => s.direction).sort()).toEqual(['rx', 'tx']);
      for (const s of streams) {
        expect(s.callId).toBe(keys[0].entry.callId);
        expect(s.packets).toBeGreaterThan(60);
        expect(s).toMatchObject({ decrypted: s.packets, authenticationFailures: 0, otherFailures: 0, losses: 0, roc: 0, keysUsed: 2 });
        // The SSRC is the one the re-key's line names.
        expect(keys.filter((k) => k.entry.direction === s.direction).pop()!.entry.ssrc).toBe(Number.parseInt(s.ssrc, 16));
        const samples = readWav(s.wav);
        expect(samples.length).toBeGreaterThan(160 * 60);
        const tone = s.direction === 'tx' ? sent : received;
        const other = s.direction === 'tx' ? received : sent;
        expect(toneShare(samples, tone)).toBeGreaterThan(0.9);
        expect(toneShare(samples, other)).toBeLessThan(0.1);
      }
    }
  });

  it('says which streams it did not decrypt when the key log holds another key', () => {
    const wrong = join(dir, 'wrong.keys');
    const text = readFileSync(files.alice, 'utf8').replace(/^(SRTP_MASTER \S+ tx \S+ \S+ )([0-9a-f])/gm, (_, head, c) => head + (c === '0' ? '1' : '0'));
    writeFileSync(wrong, text);
    const r = phonectl(['capture', 'decrypt', pcapng, '--key-log', wrong]);
    expect(r.status).toBe(1);
    const tx = r.stdout.trim().split('\n').map((l) => JSON.parse(l)).find((l) => l.direction === 'tx');
    expect(tx.decrypted).toBe(0);
    expect(tx.authenticationFailures).toBe(tx.packets);
  });
});
