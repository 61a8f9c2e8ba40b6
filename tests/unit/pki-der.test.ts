// The DER reader against hand-written X.690 encodings, and fuzzed: any input yields a node or a
// DerError, never another exception.
import fc from 'fast-check';
import {
  DerError, children, decodeDer, readBitFlags, readBoolean, readInteger, readOid, readString, readTime,
} from '../../modules/pki/der.js';
import { parseCertificate } from '../../modules/pki/x509.js';
import { parseRsaPrivateKey } from '../../modules/pki/rsa-keys.js';
import { fromBase64, fromHex } from '../../modules/util/bytes.js';
import fixtures from '../fixtures/pki/fixtures.json';

const der = (hex: string) => decodeDer(fromHex(hex));

describe('DER reader', () => {
  it('reads INTEGERs in minimal two\'s complement (X.690 §8.3)', () => {
    expect(readInteger(der('020100'))).toBe(0n);
    expect(readInteger(der('02017f'))).toBe(127n);
    expect(readInteger(der('02020080'))).toBe(128n);
    expect(readInteger(der('0201ff'))).toBe(-1n);
    expect(readInteger(der('02028000'))).toBe(-32768n);
    expect(() => readInteger(der('0202007f'))).toThrow(DerError);
    expect(() => readInteger(der('0202ff80'))).toThrow(DerError);
    expect(() => readInteger(der('0200'))).toThrow(DerError);
  });

  it('reads OBJECT IDENTIFIERs (X.690 §8.19)', () => {
    expect(readOid(der('06092a864886f70d01010b'))).toBe('1.2.840.113549.1.1.11');
    expect(readOid(der('0603551d11'))).toBe('2.5.29.17');
    expect(readOid(der('06032a8101'))).toBe('1.2.129');
    expect(() => readOid(der('0603808001'))).toThrow('non-minimal');
    expect(() => readOid(der('06022a86'))).toThrow('truncated');
  });

  it('enforces definite, minimal lengths (X.690 §10.1)', () => {
    expect(() => der('3080')).toThrow('indefinite');
    expect(() => der('04810100')).toThrow('non-minimal');
    expect(() => der('0482000100')).toThrow('non-minimal');
    expect(() => der('0403aabb')).toThrow('exceeds');
    expect(() => der('0401aabb')).toThrow('trailing');
    expect(() => der('1f0100')).toThrow('high tag');
    expect(der('0481800' + '0'.repeat(255)).value).toHaveLength(128);
  });

  it('reads BOOLEAN, BIT STRING flags, strings and times', () => {
    expect(readBoolean(der('0101ff'))).toBe(true);
    expect(() => readBoolean(der('010101'))).toThrow(DerError);
    // keyUsage digitalSignature + keyEncipherment: 0b101 in the first bits, 5 unused bits.
    expect(readBitFlags(der('030205a0'))).toBe(0b101);
    expect(() => readBitFlags(der('030205a1'))).toThrow('unused bits');
    expect(readString(der('0c03e282ac'))).toBe('€');
    expect(() => readString(der('0c01ff'))).toThrow(DerError);
    expect(readString(der('130441424344'))).toBe('ABCD');
    expect(readTime(der('170d3439313233313233353935395a'))).toBe(Date.UTC(2049, 11, 31, 23, 59, 59));
    expect(readTime(der('170d3530303130313030303030305a'))).toBe(Date.UTC(1950, 0, 1));
    expect(readTime(der('180f32303530303130313030303030305a'))).toBe(Date.UTC(2050, 0, 1));
    expect(() => readTime(der('170d3439303233303030303030305a'))).toThrow('invalid date');
    expect(() => readTime(der('170b343931323331323335395a'))).toThrow(DerError);
  });

  it('walks constructed values exactly', () => {
    const seq = der('3006020101020102');
    expect(children(seq).map(readInteger)).toEqual([1n, 2n]);
    expect(() => children(der('3003020201'))).toThrow(DerError);
    expect(() => children(der('3004020201'))).toThrow(DerError);
  });

  it('never throws anything but DerError on random input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          const node = decodeDer(bytes);
          if (node.constructed) children(node);
        } catch (e) {
          if (!(e instanceof DerError)) throw e;
        }
      }),
      { numRuns: 300 },
    );
  });

  it('rejects every single-byte corruption of a certificate with a DerError or parses it', () => {
    const cert = fromBase64((fixtures as Record<string, string>).alice);
    fc.assert(
      fc.property(fc.nat(cert.length - 1), fc.integer({ min: 1, max: 255 }), (at, flip) => {
        const bad = cert.slice();
        bad[at] ^= flip;
        try {
          parseCertificate(bad);
        } catch (e) {
          if (!(e instanceof DerError)) throw e;
        }
      }),
      { numRuns: 200 },
    );
  });

  it('rejects truncations of keys and certificates with a DerError', () => {
    const key = fromBase64((fixtures as Record<string, string>)['alice.key']);
    const cert = fromBase64((fixtures as Record<string, string>).ca);
    fc.assert(
      fc.property(fc.nat(key.length - 1), fc.nat(cert.length - 1), (k, c) => {
        expect(() => parseRsaPrivateKey(key.subarray(0, k))).toThrow(DerError);
        expect(() => parseCertificate(cert.subarray(0, c))).toThrow(DerError);
      }),
      { numRuns: 100 },
    );
  });
});
