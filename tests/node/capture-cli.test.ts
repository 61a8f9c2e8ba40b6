// `phonectl capture decrypt` on captures made here: an SRTP stream whose sequence number wraps (ROC 0
// to 1) and that is re-keyed after the wrap, with one packet lost and one forged, written as raw IPv4
// pcap. The report counts what was put in (packets, the lost one, the forged one, the ROC reached,
// both keys), and the WAV holds each packet's samples at its timestamp with silence for the lost one.
// Bad input: a truncated capture, a bad key log line or profile, a missing --key-log, give one line and
// exit 2 or 1.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeG711 } from '../../audio/g711.js';
import { serializeRtp } from '../../audio/rtp.js';
import { nobleCrypto } from '../../hal/noble-crypto.js';
import { formatKeyLogEntry } from '../../modules/phone/key-log.js';
import { SrtpContext } from '../../modules/srtp/context.js';
import { protectRtp } from '../../modules/srtp/srtp.js';
import { readWav } from '../../sim/wav.js';
import { writePcap } from '../support/capture-files.js';
import { phonectl } from '../support/phonectl.js';

/** An IPv4/UDP packet (RFC 791, RFC 768; checksums left 0, which UDP allows). */
function ipUdp(src: number[], sport: number, dst: number[], dport: number, payload: Uint8Array): Uint8Array {
  const b = Buffer.alloc(28 + payload.length);
  b[0] = 0x45;
  b.writeUInt16BE(b.length, 2);
  b[8] = 64;
  b[9] = 17;
  b.set(src, 12);
  b.set(dst, 16);
  b.writeUInt16BE(sport, 20);
  b.writeUInt16BE(dport, 22);
  b.writeUInt16BE(8 + payload.length, 24);
  b.set(payload, 28);
  return b;
}

const KEYS = [1, 2].map((k) => ({ masterKey: new Uint8Array(16).fill(k), masterSalt: new Uint8Array(14).fill(0x10 + k) }));
const SSRC = 0x1234abcd;
/** Packet k carries 160 samples of the constant k + 1 (so each packet's place in the WAV shows). */
const level = (k: number) => 1000 + 37 * k;

describe('phonectl capture decrypt on a made capture', () => {
  const dir = mkdtempSync(join(tmpdir(), 'capture-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const keyLog = join(dir, 'keys');
  const capture = join(dir, 'made.pcap');
  const LOST = 30;
  const FORGED = 50;

  beforeAll(() => {
    const line = (k: number) => formatKeyLogEntry({ callId: 'made@127.0.0.1', direction: 'tx', ssrc: SSRC, profile: 'AES_CM_128_HMAC_SHA1_80', ...KEYS[k], local: '127.0.0.1:41000', remote: '127.0.0.1:41002' });
    writeFileSync(keyLog, `# made here\n${line(0)}\n${line(1)}\n`);
    // 80 packets from sequence number 65500: the wrap after 36; the re-key at packet 60 (ROC 1).
    const contexts = KEYS.map((k) => new SrtpContext({ profile: 'AES_CM_128_HMAC_SHA1_80', ...k, crypto: nobleCrypto }));
    contexts[1].outboundRtpState(SSRC).update(65500 + 59 - 65536, 1);
    const frames: Uint8Array[] = [];
    for (let k = 0; k < 80; k++) {
      const rtp = serializeRtp({ marker: false, payloadType: 0, sequenceNumber: (65500 + k) & 0xffff, timestamp: 4000 + 160 * k, ssrc: SSRC, csrcs: [], payload: encodeG711('PCMU', new Int16Array(160).fill(level(k))) });
      const srtp = protectRtp(contexts[k < 60 ? 0 : 1], rtp);
      if (k === FORGED) srtp[20] ^= 1;
      if (k !== LOST) frames.push(ipUdp([127, 0, 0, 1], 41000, [127, 0, 0, 1], 41002, srtp));
    }
    writeFileSync(capture, writePcap(101, frames));
  });

  it('reports the wrap, the re-key, the loss and the forged packet, and the WAV has each packet at its timestamp', () => {
    const r = phonectl(['capture', 'decrypt', capture, '--key-log', keyLog, '--wav-dir', join(dir, 'wav')]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1); // the forged packet
    const [stream, summary] = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(stream).toEqual({
      callId: 'made@127.0.0.1', direction: 'tx', ssrc: '1234abcd', profile: 'AES_CM_128_HMAC_SHA1_80',
      packets: 79, decrypted: 78, authenticationFailures: 1, otherFailures: 0, losses: 2,
      firstSequence: 65500, lastSequence: (65500 + 79) & 0xffff, roc: 1, keysUsed: 2,
      wav: join(dir, 'wav', 'made_127.0.0.1-tx-1234abcd.wav'),
    });
    expect(summary).toEqual({ capture: { frames: 79, udp: 79, srtp: 79, notSrtp: 0, skipped: {} } });
    const samples = readWav(stream.wav);
    expect(samples.length).toBe(80 * 160);
    for (let k = 0; k < 80; k++) {
      const frame = samples.subarray(160 * k, 160 * (k + 1));
      const heard = new Set(frame);
      if (k === LOST || k === FORGED) expect(heard).toEqual(new Set([0]));
      else expect(Math.abs([...heard][0] - level(k)) / level(k)).toBeLessThan(0.04); // G.711's step
    }
  });

  it('names a truncated capture in one line, exit 1', () => {
    const cut = join(dir, 'cut.pcap');
    writeFileSync(cut, readFileSync(capture).subarray(0, 24 + 16 + 100));
    const r = phonectl(['capture', 'decrypt', cut, '--key-log', keyLog]);
    expect(r).toEqual({ status: 1, stdout: '', stderr: expect.stringMatching(/^phonectl capture: truncated capture: record 1 at byte 40 needs \d+ bytes, the file has 100 left\n$/) });
  });

  it('names a bad key log line, a missing --key-log and an unknown option, exit 2', () => {
    const bad = join(dir, 'bad.keys');
    writeFileSync(bad, 'SRTP_MASTER c tx - AES_CM_128_HMAC_SHA1_80 zz 00 127.0.0.1:1 127.0.0.1:2\n');
    expect(phonectl(['capture', 'decrypt', capture, '--key-log', bad])).toEqual({ status: 2, stdout: '', stderr: `phonectl capture: ${bad} line 1: master key and salt must be lowercase hex\n` });
    writeFileSync(bad, `# a comment\n${readFileSync(keyLog, 'utf8').split('\n')[1].replace('AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_81')}\n`);
    expect(phonectl(['capture', 'decrypt', capture, '--key-log', bad])).toEqual({ status: 2, stdout: '', stderr: `phonectl capture: ${bad} line 2: unknown SRTP profile AES_CM_128_HMAC_SHA1_81\n` });
    expect(phonectl(['capture', 'decrypt', capture]).stderr).toMatch(/^phonectl capture: --key-log is required /);
    expect(phonectl(['capture', 'decrypt', capture, '--key-file', keyLog])).toEqual({ status: 2, stdout: '', stderr: 'phonectl capture: unknown option --key-file (options: --key-log, --wav-dir)\n' });
  });

  it('lists a stream of the key log that the capture does not hold, exit 1', () => {
    const other = join(dir, 'other.keys');
    writeFileSync(other, readFileSync(keyLog, 'utf8').replace(/41002/g, '41004'));
    const r = phonectl(['capture', 'decrypt', capture, '--key-log', other]);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout.split('\n')[0])).toEqual({ callId: 'made@127.0.0.1', direction: 'tx', ssrc: '1234abcd', profile: 'AES_CM_128_HMAC_SHA1_80', packets: 0 });
  });
});
