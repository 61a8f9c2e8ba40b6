// What crosses the wire during a call, seen by tshark on loopback: the media ports carry only SRTP
// (RTP headers in clear, payloads that are not the sent G.711), and decrypting the capture with the
// keys the phones log (development key log) with `phonectl srtp unprotect` gives back exactly the
// caller's microphone signal after the G.711 round trip.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeG711 } from '../../audio/g711.js';
import { parseRtp } from '../../audio/rtp.js';
import { fromHex } from '../../modules/util/bytes.js';
import { callAndAnswer, startPair, until } from '../support/desktop-phones.js';
import { startLoopbackCapture } from '../support/loopback-capture.js';
import { loggedKeys } from '../support/key-log.js';
import { phonectl } from '../support/phonectl.js';

/** The host's microphone when no WAV is given: a 440 Hz tone, amplitude 8000 (sim/host.ts). */
const TONE = Int16Array.from({ length: 200 + 160 }, (_, n) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * n) / 8000)));

describe('a call on the wire', () => {
  const dir = mkdtempSync(join(tmpdir(), 'call-capture-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is SRTP on the media ports, and decrypts to the caller’s audio with the logged keys', async () => {
    const pcap = join(dir, 'call.pcap');
    const capture = await startLoopbackCapture(pcap);
    const { alice, bob } = await startPair(dir, ['4001', '4002'], { keyLog: true });
    try {
      await callAndAnswer(alice, bob, '4002');
      await new Promise((r) => setTimeout(r, 800));
      await alice.pressKey('Hangup');
      await until(() => bob.screen[3] === 'Call ended', 'the call to end');
    } finally {
      await alice.stop();
      await bob.stop();
      await capture.stop();
    }

    const connected = alice.log.find((l) => l.includes(' connected with '))!;
    const [, alicePort, bobRtpPort] = /media 127\.0\.0\.1:(\d+) <-> 127\.0\.0\.1:(\d+)/.exec(connected)!;
    const { suite, key: keyHex } = loggedKeys(alice.log).find((k) => k.direction === 'send')!;

    // Every UDP datagram from Alice's media port to Bob's, as tshark saw them.
    const fields = spawnSync('tshark', ['-r', pcap, '-Y', `udp.srcport == ${alicePort} && udp.dstport == ${bobRtpPort}`, '-T', 'fields', '-e', 'udp.payload'], { encoding: 'utf8' });
    expect(fields.status).toBe(0);
    const packets = fields.stdout.split('\n').map((l) => l.replace(/:/g, '').trim()).filter(Boolean);
    expect(packets.length).toBeGreaterThan(20);

    // On the wire: RTP headers in clear, payload + 10-byte tag, never the plain G.711 of the tone.
    const plainFrames = new Set(Array.from({ length: 200 }, (_, k) => Buffer.from(encodeG711('PCMU', TONE.subarray(k, k + 160))).toString('hex')));
    for (const hex of packets) {
      const rtp = parseRtp(fromHex(hex));
      expect(rtp.payload.length).toBe(160 + 10);
      expect(plainFrames.has(Buffer.from(rtp.payload.subarray(0, 160)).toString('hex'))).toBe(false);
    }

    // Decrypted with the caller's logged send key, each packet is a frame of the tone after G.711.
    const clear = phonectl(['srtp', 'unprotect', '--suite', suite, '--key', keyHex], packets.join('\n') + '\n');
    expect(clear.status).toBe(0);
    const lines = clear.stdout.trim().split('\n');
    expect(lines).toHaveLength(packets.length);
    for (const line of lines) {
      expect(line.startsWith('error')).toBe(false);
      const payload = parseRtp(fromHex(line)).payload;
      expect(plainFrames.has(Buffer.from(payload).toString('hex'))).toBe(true);
    }
  });
});
