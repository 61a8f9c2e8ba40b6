// The key log file (`npm start -- --key-log FILE`, DesktopHost's keyLogPath) of two phones in a call
// with a re-key: the streams found in a tshark capture by what each line names (the RTP addresses,
// the SSRC) decrypt with `phonectl srtp unprotect` under the line's key, to the G.711 of the tone
// the sending phone captured; the re-key appended the lines of the new keys.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeG711 } from '../../audio/g711.js';
import { parseRtp } from '../../audio/rtp.js';
import { fromHex } from '../../modules/util/bytes.js';
import { callRekeyHangUp, startPair } from '../support/desktop-phones.js';
import { keyLogFileKeys } from '../support/key-log.js';
import { startLoopbackCapture } from '../support/loopback-capture.js';
import { rolloversIn, srtpUnprotect } from '../support/phonectl.js';

/** The host's microphone when no WAV is given: a 440 Hz tone, amplitude 8000 (sim/host.ts). */
const TONE = Int16Array.from({ length: 200 + 160 }, (_, n) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * n) / 8000)));
const TONE_FRAMES = new Set(Array.from({ length: 200 }, (_, k) => Buffer.from(encodeG711('PCMU', TONE.subarray(k, k + 160))).toString('hex')));

/** The UDP payloads tshark saw from `from` to `to` (address:port each). */
function stream(pcap: string, from: string, to: string): string[] {
  const [fromIp, fromPort] = from.split(':');
  const [toIp, toPort] = to.split(':');
  const filter = `ip.src == ${fromIp} && udp.srcport == ${fromPort} && ip.dst == ${toIp} && udp.dstport == ${toPort}`;
  const r = spawnSync('tshark', ['-r', pcap, '-Y', filter, '-T', 'fields', '-e', 'udp.payload'], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  return r.stdout.split('\n').map((l) => l.replace(/:/g, '').trim()).filter(Boolean);
}

describe('the key log file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'key-log-file-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names each stream of a call and its keys, re-keys appended, and they decrypt the capture', async () => {
    const pcap = join(dir, 'call.pcap');
    const files = { alice: join(dir, 'alice.keys'), bob: join(dir, 'bob.keys') };
    const capture = await startLoopbackCapture(pcap);
    const { alice, bob } = await startPair(dir, ['4201', '4202'], { alice: { keyLogPath: files.alice }, bob: { keyLogPath: files.bob } });
    const lines = (file: string) => keyLogFileKeys(readFileSync(file, 'utf8'));
    try {
      for (const host of [alice, bob]) expect(host.log.some((l) => /^WARNING: key log on: .*defeats the encryption/.test(l))).toBe(true);
      await callRekeyHangUp(alice, bob, '4202', 800, () => lines(files.alice).length === 4 && lines(files.bob).length === 4, 'both phones to log the new keys');
    } finally {
      await alice.stop();
      await bob.stop();
      await capture.stop();
    }

    for (const file of [files.alice, files.bob]) {
      const text = readFileSync(file, 'utf8');
      expect(text.trim().split('\n').every((l) => l.startsWith('SRTP_MASTER '))).toBe(true);
      const keys = lines(file);
      for (const direction of ['send', 'receive'] as const) {
        const [first, second] = keys.filter((k) => k.direction === direction);
        expect(second.key).not.toBe(first.key);
        const { local, remote } = first.entry;
        expect(second.entry).toMatchObject({ local, remote, callId: first.entry.callId });
        const packets = direction === 'send' ? stream(pcap, local, remote) : stream(pcap, remote, local);
        expect(packets.length).toBeGreaterThan(40);
        // The SSRC the line names, when it names one, is the stream's.
        const ssrcs = new Set(packets.map((p) => parseRtp(fromHex(p)).ssrc));
        expect(ssrcs.size).toBe(1);
        if (direction === 'send') expect(first.entry.ssrc).toBe([...ssrcs][0]);
        expect(second.entry.ssrc).toBe([...ssrcs][0]);
        // The first key opens a prefix of the stream, the re-key's key the rest, to the sent tone.
        const underFirst = srtpUnprotect(first.suite, first.key, packets);
        const split = underFirst.findIndex((l) => l.startsWith('error'));
        expect(split).toBeGreaterThan(20);
        expect(underFirst.slice(split).every((l) => l.startsWith('error'))).toBe(true);
        const underSecond = srtpUnprotect(second.suite, second.key, packets.slice(split), rolloversIn(packets.slice(0, split + 1)));
        for (const line of [...underFirst.slice(0, split), ...underSecond]) {
          expect(line.startsWith('error')).toBe(false);
          expect(TONE_FRAMES.has(Buffer.from(parseRtp(fromHex(line)).payload).toString('hex'))).toBe(true);
        }
      }
    }
  });
});
