// G.711 against an independent implementation: CPython's audioop module (Debian's /usr/bin/python3),
// whose lin2ulaw/ulaw2lin/lin2alaw/alaw2lin are the ITU reference algorithms in C. Every code word
// is decoded and every 16-bit sample encoded by both, and the results must agree exactly.

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { aLawToLinear, encodeG711, muLawToLinear } from '../../audio/g711.js';

const PYTHON = '/usr/bin/python3';

const SCRIPT = `
import sys, warnings
warnings.simplefilter('ignore')
import audioop
codes = bytes(range(256))
samples = b''.join(int(x).to_bytes(2, 'little', signed=True) for x in range(-32768, 32768))
sys.stdout.write(audioop.ulaw2lin(codes, 2).hex() + '\\n')
sys.stdout.write(audioop.alaw2lin(codes, 2).hex() + '\\n')
sys.stdout.write(audioop.lin2ulaw(samples, 2).hex() + '\\n')
sys.stdout.write(audioop.lin2alaw(samples, 2).hex() + '\\n')
`;

describe('G.711 against CPython audioop', () => {
  it('decodes all 256 code words and encodes all 65,536 samples identically', () => {
    if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: install Debian's python3`);
    const [ulawDec, alawDec, ulawEnc, alawEnc] = execFileSync(PYTHON, ['-c', SCRIPT], { maxBuffer: 1 << 20 }).toString().trim().split('\n');
    const le16 = (hex: string) => {
      const b = Buffer.from(hex, 'hex');
      return Array.from({ length: b.length / 2 }, (_, i) => b.readInt16LE(2 * i));
    };
    expect(Array.from({ length: 256 }, (_, c) => muLawToLinear(c))).toEqual(le16(ulawDec));
    expect(Array.from({ length: 256 }, (_, c) => aLawToLinear(c))).toEqual(le16(alawDec));
    const all = new Int16Array(65536);
    for (let i = 0; i < all.length; i++) all[i] = i - 32768;
    expect(Buffer.from(encodeG711('PCMU', all)).toString('hex')).toBe(ulawEnc);
    expect(Buffer.from(encodeG711('PCMA', all)).toString('hex')).toBe(alawEnc);
  });
});
