// `phonectl srtp` end to end: libsrtp's srtp_validate packets through the real command, refused
// lines reported in place while the tool goes on, --roc and --rtcp, and usage errors (exit 2).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vectors from '../fixtures/srtp-vectors.json';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'phonectl.js');
const v = vectors.libsrtp_packets;
const KEY = v.master_key + v.master_salt;

function phonectl(args: string[], input = '') {
  const r = spawnSync(process.execPath, [BIN, 'srtp', ...args], { input, encoding: 'utf8' });
  return { status: r.status, lines: r.stdout.split('\n').slice(0, -1), stderr: r.stderr };
}

describe('phonectl srtp', () => {
  it('protects libsrtp\'s RTP packet and unprotects it, one line each', () => {
    const p = phonectl(['protect', '--suite', 'AES_CM_128_HMAC_SHA1_80', '--key', KEY], `${v.rtp}\n`);
    expect(p).toMatchObject({ status: 0, lines: [v.srtp_AES_CM_128_HMAC_SHA1_80] });
    const u = phonectl(['unprotect', '--suite', 'AES_CM_128_HMAC_SHA1_80', '--key', KEY], `${v.srtp_AES_CM_128_HMAC_SHA1_80}\n`);
    expect(u).toMatchObject({ status: 0, lines: [v.rtp] });
  });

  it('reports refused packets in place and goes on', () => {
    const tampered = v.srtp_AES_CM_128_HMAC_SHA1_80.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    const input = [tampered, 'not hex', '80', v.srtp_AES_CM_128_HMAC_SHA1_80, v.srtp_AES_CM_128_HMAC_SHA1_80].join('\n') + '\n';
    const u = phonectl(['unprotect', '--suite', 'AES_CM_128_HMAC_SHA1_80', '--key', KEY], input);
    expect(u.status).toBe(0);
    expect(u.lines).toHaveLength(5);
    expect(u.lines[0]).toMatch(/^error: authentication/);
    expect(u.lines[1]).toMatch(/^error: malformed/);
    expect(u.lines[2]).toMatch(/^error: malformed/);
    expect(u.lines[3]).toBe(v.rtp);
    expect(u.lines[4]).toMatch(/^error: replay/);
  });

  it('unprotects SRTCP with --rtcp', () => {
    const u = phonectl(['unprotect', '--rtcp', '--suite', 'AES_CM_128_HMAC_SHA1_80', '--key', KEY], `${v.srtcp_AES_CM_128_HMAC_SHA1_80}\n`);
    expect(u).toMatchObject({ status: 0, lines: [v.rtcp] });
  });

  it('takes the ROC with --roc: a packet protected at ROC 5 needs it to unprotect', () => {
    const p = phonectl(['protect', '--suite', 'AEAD_AES_128_GCM', '--key', vectors.gcm_packets.master_key + vectors.gcm_packets.master_salt, '--roc', '5'], `${v.rtp}\n`);
    const srtp = p.lines[0];
    expect(srtp).not.toBe(vectors.gcm_packets.srtp_AEAD_AES_128_GCM);
    const gcmKey = vectors.gcm_packets.master_key + vectors.gcm_packets.master_salt;
    expect(phonectl(['unprotect', '--suite', 'AEAD_AES_128_GCM', '--key', gcmKey, '--roc', '5'], `${srtp}\n`).lines).toEqual([v.rtp]);
    expect(phonectl(['unprotect', '--suite', 'AEAD_AES_128_GCM', '--key', gcmKey], `${srtp}\n`).lines[0]).toMatch(/^error: authentication/);
  });

  it.each([
    [['frobnicate']],
    [['protect', '--key', KEY]],
    [['protect', '--suite', 'AES_CM_128_HMAC_SHA1_80']],
    [['protect', '--suite', 'AES_CM_128_HMAC_SHA1_80', '--key', 'abcd']],
    [['protect', '--suite', 'AES_CM_128_HMAC_SHA1_80', '--key', KEY, '--roc', '-1']],
    [['protect', '--suite', 'AES_CM_128_HMAC_SHA1_80', '--key', KEY, '--bogus']],
  ])('exits 2 with one line of usage for %j', (args) => {
    const r = phonectl(args);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
