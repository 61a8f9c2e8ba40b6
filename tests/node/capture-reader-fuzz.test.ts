// Fuzzing the capture reader and the packet decoder (tools/capture): on any bytes, and on valid files
// mutated or cut short, the reader ends (each step moves forward) and throws nothing but CaptureError;
// a file cut inside a record or block says "truncated capture"; an absurd length is refused; the
// decoder never throws and the payload it returns lies inside the frame, as long as the UDP header says.
import fc from 'fast-check';
import { CaptureError } from '../../tools/capture/capture-error.js';
import { decodeUdp } from '../../tools/capture/packet-decoding.js';
import { MAX_BLOCK_LENGTH, readCapture } from '../../tools/capture/pcap-reader.js';
import { writePcap } from '../support/capture-files.js';

/** A little-endian pcapng: SHB, two IDBs (link types 1 and 101), an EPB per frame alternating interfaces. */
function pcapng(frames: readonly Uint8Array[]): Uint8Array {
  const block = (type: number, body: Buffer) => {
    const padded = Buffer.concat([body, Buffer.alloc((4 - (body.length % 4)) % 4)]);
    const b = Buffer.alloc(12 + padded.length);
    b.writeUInt32LE(type, 0);
    b.writeUInt32LE(b.length, 4);
    padded.copy(b, 8);
    b.writeUInt32LE(b.length, b.length - 4);
    return b;
  };
  const shb = Buffer.alloc(16);
  shb.writeUInt32LE(0x1a2b3c4d, 0);
  shb.writeUInt16LE(1, 4);
  shb.writeBigInt64LE(-1n, 8);
  const idb = (linkType: number) => {
    const b = Buffer.alloc(8);
    b.writeUInt16LE(linkType, 0);
    b.writeUInt32LE(262144, 4);
    return b;
  };
  const epb = (f: Uint8Array, i: number) => {
    const head = Buffer.alloc(20);
    head.writeUInt32LE(i % 2, 0);
    head.writeUInt32LE(f.length, 12);
    head.writeUInt32LE(f.length, 16);
    return Buffer.concat([head, f]);
  };
  return Buffer.concat([block(0x0a0d0d0a, shb), block(1, idb(1)), block(1, idb(101)), ...frames.map((f, i) => block(6, epb(f, i)))]);
}

/** Reads every frame; returns how many, or the CaptureError. Anything else thrown fails the property. */
function readAll(bytes: Uint8Array): number | CaptureError {
  let n = 0;
  try {
    for (const f of readCapture(bytes)) {
      n++;
      expect(f.data.length).toBeLessThanOrEqual(bytes.length);
    }
  } catch (e) {
    if (e instanceof CaptureError) return e;
    throw e;
  }
  // Each frame takes at least a 12-byte block or a 16-byte record: the reader cannot go round in place.
  expect(n).toBeLessThanOrEqual(bytes.length / 12);
  return n;
}

const frames = fc.array(fc.uint8Array({ maxLength: 80 }), { maxLength: 8 });
const MAGICS = [[0xa1, 0xb2, 0xc3, 0xd4], [0xd4, 0xc3, 0xb2, 0xa1], [0xa1, 0xb2, 0x3c, 0x4d], [0x4d, 0x3c, 0xb2, 0xa1], [0x0a, 0x0d, 0x0d, 0x0a]];

describe('capture reader fuzzing', () => {
  it('throws only CaptureError on arbitrary bytes behind each magic', () => {
    fc.assert(
      fc.property(fc.constantFrom(...MAGICS), fc.uint8Array({ maxLength: 300 }), (magic, rest) => {
        readAll(Uint8Array.from([...magic, ...rest]));
      }),
      { numRuns: 3000 },
    );
  });

  it('reads valid files whole, and mutated ones end with frames or a CaptureError', () => {
    fc.assert(
      fc.property(frames, fc.boolean(), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), (fs, ng, mutations) => {
        const file = ng ? pcapng(fs) : writePcap(1, fs);
        expect(readAll(file)).toBe(fs.length);
        const mutated = Uint8Array.from(file);
        for (const [at, value] of mutations) mutated[at % mutated.length] = value;
        readAll(mutated);
      }),
      { numRuns: 2000 },
    );
  });

  it('says "truncated capture" for a file cut inside a record or block', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 1, maxLength: 80 }), { minLength: 1, maxLength: 5 }), fc.boolean(), fc.nat(), (fs, ng, cut) => {
        const file = ng ? pcapng(fs) : writePcap(1, fs);
        // Cut inside the last record or block: after its first byte, before its last.
        const lastLength = ng ? 12 + 20 + ((fs[fs.length - 1].length + 3) & ~3) : 16 + fs[fs.length - 1].length;
        const end = file.length - 1 - (cut % (lastLength - 1));
        const result = readAll(file.subarray(0, end));
        expect(result).toBeInstanceOf(CaptureError);
        expect((result as CaptureError).message).toMatch(/^truncated capture: /);
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses an absurd record or block length without reading on', () => {
    const pcap = Buffer.from(writePcap(1, [new Uint8Array(20)]));
    pcap.writeUInt32LE(0xfffffff0, 24 + 8);
    expect(readAll(pcap)).toEqual(new CaptureError(`record 1 at byte 24 claims 4294967280 bytes (more than ${MAX_BLOCK_LENGTH}): not a valid capture`));
    const ng = Buffer.from(pcapng([new Uint8Array(20)]));
    ng.writeUInt32LE(MAX_BLOCK_LENGTH + 4, 28 + 4);
    expect((readAll(ng) as CaptureError).message).toMatch(/^block at byte 28 has length 16777220 /);
  });

  it('decodes any frame of any link type without throwing, the payload inside the frame', () => {
    fc.assert(
      fc.property(fc.constantFrom(0, 1, 101, 113, 228, 276, 147), fc.uint8Array({ maxLength: 120 }), (linkType, frame) => {
        const d = decodeUdp(linkType, frame);
        if (d.kind === 'udp') {
          expect(d.payload.buffer).toBe(frame.buffer);
          expect(d.payload.byteOffset + d.payload.length).toBeLessThanOrEqual(frame.byteOffset + frame.length);
          expect(d.payload.length).toBe(d.udpLength - 8);
        }
      }),
      { numRuns: 5000 },
    );
  });
});
