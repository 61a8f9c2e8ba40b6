// A re-key on the wire, seen by tshark on loopback: in each direction the media packets are SRTP
// under the first logged send key up to a point and under the re-keyed one after it, never a
// mix, with the packet index going on (RFC 3711 §3.3.1); decrypted with `phonectl srtp unprotect`
// under the key they belong to, every one is the sender's microphone tone after G.711.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeG711 } from '../../audio/g711.js';
import { parseRtp } from '../../audio/rtp.js';
import { fromHex } from '../../modules/util/bytes.js';
import type { DesktopHost } from '../../sim/host.js';
import { callRekeyHangUp, startPair } from '../support/desktop-phones.js';
import { startLoopbackCapture } from '../support/loopback-capture.js';
import { loggedKeys } from '../support/key-log.js';
import { rolloversIn, srtpUnprotect } from '../support/phonectl.js';

/** The host's microphone when no WAV is given: a 440 Hz tone, amplitude 8000 (sim/host.ts). */
const TONE = Int16Array.from({ length: 200 + 160 }, (_, n) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * n) / 8000)));
const TONE_FRAMES = new Set(Array.from({ length: 200 }, (_, k) => Buffer.from(encodeG711('PCMU', TONE.subarray(k, k + 160))).toString('hex')));

function sendKeys(host: DesktopHost): { suite: string; key: string }[] {
  return loggedKeys(host.log).filter((k) => k.direction === 'send').map(({ suite, key }) => ({ suite, key }));
}

describe('a re-key on the wire', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rekey-capture-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('switches each direction from the old key to the new one at one packet, both decrypting to the tone', async () => {
    const pcap = join(dir, 'rekey.pcap');
    const capture = await startLoopbackCapture(pcap);
    const { alice, bob } = await startPair(dir, ['4101', '4102'], { keyLog: true });
    try {
      await callRekeyHangUp(alice, bob, '4102', 800, () => sendKeys(alice).length === 2 && sendKeys(bob).length === 2, 'both phones to send under new keys');
    } finally {
      await alice.stop();
      await bob.stop();
      await capture.stop();
    }

    const connected = alice.log.find((l) => l.includes(' connected with '))!;
    const [, alicePort, bobPort] = /media 127\.0\.0\.1:(\d+) <-> 127\.0\.0\.1:(\d+)/.exec(connected)!;
    for (const [sender, from, to] of [[alice, alicePort, bobPort], [bob, bobPort, alicePort]] as const) {
      const fields = spawnSync('tshark', ['-r', pcap, '-Y', `udp.srcport == ${from} && udp.dstport == ${to}`, '-T', 'fields', '-e', 'udp.payload'], { encoding: 'utf8' });
      expect(fields.status).toBe(0);
      const packets = fields.stdout.split('\n').map((l) => l.replace(/:/g, '').trim()).filter(Boolean);
      const [first, second] = sendKeys(sender);
      expect(second.key).not.toBe(first.key);
      // Under the first key: a prefix of the stream; every packet after it fails that key.
      const underFirst = srtpUnprotect(first.suite, first.key, packets);
      const split = underFirst.findIndex((l) => l.startsWith('error'));
      expect(split).toBeGreaterThan(20);
      expect(underFirst.slice(split).every((l) => l.startsWith('error'))).toBe(true);
      // The rest: all under the second key, the index going on from where the first key left it.
      const rest = packets.slice(split);
      expect(rest.length).toBeGreaterThan(20);
      const underSecond = srtpUnprotect(second.suite, second.key, rest, rolloversIn(packets.slice(0, split + 1)));
      for (const line of [...underFirst.slice(0, split), ...underSecond]) {
        expect(line.startsWith('error')).toBe(false);
        expect(TONE_FRAMES.has(Buffer.from(parseRtp(fromHex(line)).payload).toString('hex'))).toBe(true);
      }
    }
  });
});
