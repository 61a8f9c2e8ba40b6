// `phonectl mikey decode | encode | offer` as a field engineer runs it: JSON for public messages in
// all three input forms, the SRTP keys of a MIKEY-NULL message and of a PSK message opened with
// its key, encode(decode(x)) = x, and a one-line reason with a non-zero exit for bad input.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nobleCrypto as crypto } from '../../hal/noble-crypto.js';
import { pskOffer } from '../../modules/mikey/psk.js';
import { suitePolicy } from '../../modules/mikey/srtp-policy.js';
import { fromHex, toBase64, toHex } from '../../modules/util/bytes.js';
import vectors from '../fixtures/mikey-vectors.json';
import { seededRandom } from '../support/pki-random.js';

const ROOT = join(__dirname, '..', '..');
const vec = vectors as unknown as Record<string, { hex: string; base64?: string }>;

function phonectl(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'phonectl.js'), 'mikey', ...args], { cwd: ROOT, encoding: 'utf8', input, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('phonectl mikey', () => {
  it('decodes base64, hex and an a=key-mgmt line to the same JSON, with MIKEY-NULL keys', () => {
    const v = vec.mikey_null_one_cs;
    const outs = [v.base64!, v.hex, `a=key-mgmt:mikey ${v.base64}`].map((input) => phonectl(['decode', input]));
    for (const o of outs) expect(o.status).toBe(0);
    expect(outs[1].stdout).toBe(outs[0].stdout);
    expect(outs[2].stdout).toBe(outs[0].stdout);
    const json = JSON.parse(outs[0].stdout);
    expect(json.header).toMatchObject({ version: 1, dataType: 0, v: false, csbId: 'e69d51f8' });
    expect(json.map).toEqual({ type: 'srtp-id', sessions: [{ csId: 1, policy: 0, ssrc: '30685760', roc: 0 }] });
    expect(json.payloads.map((p: { type: string }) => p.type)).toEqual(['T', 'RAND', 'SP', 'KEMAC']);
    expect(json.payloads[2].srtp).toMatchObject({ tagLength: 10, gstreamerTagQuirk: true });
    // The TEK of the message hex (after 0020001e) split into key ‖ salt.
    expect(json.srtp).toEqual([{ csId: 1, masterKey: '9091783dfce8ddcd443a53508b64509f', masterSalt: '35bd8a86bc4d8b7637a502493daf' }]);
  });

  it('opens a PSK I_MESSAGE with --psk and prints its SRTP keys; a wrong key is refused', () => {
    const psk = fromHex('00112233445566778899aabbccddeeff');
    const offer = pskOffer(
      { psk, sessions: [{ policy: 0, ssrc: 1, roc: 0 }, { policy: 0, ssrc: 2, roc: 0 }], policies: [suitePolicy(0, 'AES_CM_128_HMAC_SHA1_80')], v: true },
      { crypto, random: seededRandom('cli'), nowMs: Date.UTC(2026, 0, 1) },
    );
    const ok = phonectl(['decode', toBase64(offer.bytes), '--psk', toHex(psk)]);
    expect(ok.status).toBe(0);
    const json = JSON.parse(ok.stdout);
    expect(json.srtp).toEqual(offer.keys.map((k) => ({ csId: k.csId, masterKey: toHex(k.masterKey), masterSalt: toHex(k.masterSalt) })));
    expect(json.keyData[0]).toMatchObject({ type: 'KEY_DATA', keyType: 0 });
    const bad = phonectl(['decode', toBase64(offer.bytes), '--psk', 'ff'.repeat(16)]);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('MAC does not verify');
  });

  it('encode(decode(x)) gives x back for public messages', () => {
    for (const name of ['mikey_null_two_cs', 'live555_axis_tek_mki', 'onvif_example', 'gstreamer_header_two_cs']) {
      const decoded = phonectl(['decode', vec[name].hex]);
      const encoded = phonectl(['encode', '-', '--hex'], decoded.stdout);
      expect([name, encoded.status, encoded.stdout.trim()]).toEqual([name, 0, vec[name].hex]);
    }
  });

  it('encode builds a MIKEY-NULL KEMAC from keyData', () => {
    const description = {
      header: { dataType: 0, csbId: '01020304' },
      map: { type: 'srtp-id', sessions: [{ policy: 0, ssrc: '0000abcd', roc: 0 }] },
      payloads: [{ type: 'KEMAC', encrAlg: 0, macAlg: 0, mac: '', keyData: [{ type: 'KEY_DATA', keyType: 2, key: '11'.repeat(30), kv: { type: 'spi', spi: '00000001' } }] }],
    };
    const out = phonectl(['encode', JSON.stringify(description), '--hex']);
    expect(out.status).toBe(0);
    // HDR(0, next KEMAC), CSB, 1 CS; KEMAC: next 0, NULL, len 0x27, key data (TEK|SPI = 0x21), MAC alg 0.
    expect(out.stdout.trim()).toBe('01000100010203040100' + '000000abcd00000000' + '00000027' + '0021001e' + '11'.repeat(30) + '0400000001' + '00');
  });

  it('bad input: non-zero exit and one line on stderr', () => {
    const cases = [
      ['decode', 'not base64!'],
      ['decode', vec.live555_axis_tek_mki.hex.slice(0, 60)],
      ['decode', 'a=key-mgmt:kerberos AAAA'],
      ['decode', vec.mikey_null_one_cs.hex, '--psk', 'xyz'],
      ['encode', '{"header": {}}'],
      ['encode', 'not json'],
      ['frobnicate'],
    ];
    for (const args of cases) {
      const r = phonectl(args);
      expect([args[0], r.status !== 0, r.stdout, r.stderr.trim().split('\n').length]).toEqual([args[0], true, '', 1]);
    }
    expect(phonectl(['decode', vec.live555_axis_tek_mki.hex.slice(0, 60)]).stderr).toMatch(/MIKEY \S+ at offset \d+/);
  });

  it('dispatches `offer` to mikey-offer.ts', () => {
    const keys = mkdtempSync(join(tmpdir(), 'mikey-cli-'));
    const out = execFileSync(process.execPath, [join(ROOT, 'bin', 'phonectl.js'), 'mikey', 'offer', '--mode', 'psk', '--from', 'sip:alice@127.0.0.1', '--to', 'sip:bob@127.0.0.1', '--keys', keys], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    const line = /a=key-mgmt:mikey (\S+)/.exec(out);
    expect(line).not.toBe(null);
    const decoded = JSON.parse(phonectl(['decode', line![0]]).stdout);
    expect(decoded.header.dataTypeName).toBe('PSK_INIT');
  });
});
