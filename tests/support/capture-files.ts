// Capture files made for the reader's tests from what tshark and dumpcap wrote, each then read back by
// tshark as the reference: a pcap written for a given link type, pcap and pcapng byte-swapped to big
// endian (as a big-endian host writes them), and pcapng Enhanced Packet Blocks turned into Simple
// Packet Blocks (draft-ietf-opsawg-pcapng §4.3, §4.4).

/** A little-endian microsecond pcap of `frames` with link type `linkType`. */
export function writePcap(linkType: number, frames: readonly Uint8Array[]): Uint8Array {
  const out = Buffer.alloc(24 + frames.reduce((n, f) => n + 16 + f.length, 0));
  out.writeUInt32LE(0xa1b2c3d4, 0);
  out.writeUInt16LE(2, 4);
  out.writeUInt16LE(4, 6);
  out.writeUInt32LE(262144, 16);
  out.writeUInt32LE(linkType, 20);
  let at = 24;
  frames.forEach((f, i) => {
    out.writeUInt32LE(1700000000 + i, at);
    out.writeUInt32LE(f.length, at + 8);
    out.writeUInt32LE(f.length, at + 12);
    out.set(f, at + 16);
    at += 16 + f.length;
  });
  return out;
}

function swap(b: Buffer, at: number, size: 2 | 4 | 8): void {
  b.subarray(at, at + size).reverse();
}

/** A little-endian pcap rewritten big endian: file header and record headers. */
export function swapPcap(le: Uint8Array): Uint8Array {
  const b = Buffer.from(le);
  for (const [at, size] of [[0, 4], [4, 2], [6, 2], [8, 4], [12, 4], [16, 4], [20, 4]] as const) swap(b, at, size);
  let at = 24;
  while (at < b.length) {
    const captured = b.readUInt32LE(at + 8);
    for (let f = 0; f < 16; f += 4) swap(b, at + f, 4);
    at += 16 + captured;
  }
  return b;
}

/** The option list from `at` to `end` of a little-endian pcapng block, its code and length swapped. */
function swapOptions(b: Buffer, at: number, end: number): void {
  while (at + 4 <= end) {
    const length = b.readUInt16LE(at + 2);
    swap(b, at, 2);
    swap(b, at + 2, 2);
    at += 4 + ((length + 3) & ~3);
  }
}

/** A little-endian pcapng rewritten big endian (SHB, IDB, EPB and their option headers; other blocks dropped). */
export function swapPcapng(le: Uint8Array): Uint8Array {
  const src = Buffer.from(le);
  const blocks: Buffer[] = [];
  for (let at = 0; at < src.length; ) {
    const type = src.readUInt32LE(at);
    const length = src.readUInt32LE(at + 4);
    const b = Buffer.from(src.subarray(at, at + length));
    at += length;
    if (type === 0x0a0d0d0a) {
      for (const [f, size] of [[8, 4], [12, 2], [14, 2], [16, 8]] as const) swap(b, f, size);
      swapOptions(b, 24, length - 4);
    } else if (type === 1) {
      for (const [f, size] of [[8, 2], [10, 2], [12, 4]] as const) swap(b, f, size);
      swapOptions(b, 16, length - 4);
    } else if (type === 6) {
      const captured = b.readUInt32LE(20);
      for (let f = 8; f < 28; f += 4) swap(b, f, 4);
      swapOptions(b, 28 + ((captured + 3) & ~3), length - 4);
    } else {
      continue;
    }
    swap(b, 0, 4);
    swap(b, 4, 4);
    swap(b, length - 4, 4);
    blocks.push(b);
  }
  return Buffer.concat(blocks);
}

/** A little-endian single-interface pcapng with each Enhanced Packet Block made a Simple Packet Block. */
export function simplePacketBlocks(le: Uint8Array): Uint8Array {
  const src = Buffer.from(le);
  const blocks: Buffer[] = [];
  for (let at = 0; at < src.length; ) {
    const type = src.readUInt32LE(at);
    const length = src.readUInt32LE(at + 4);
    if (type === 6) {
      const captured = src.readUInt32LE(at + 20);
      const original = src.readUInt32LE(at + 24);
      const padded = (captured + 3) & ~3;
      const b = Buffer.alloc(16 + padded);
      b.writeUInt32LE(3, 0);
      b.writeUInt32LE(b.length, 4);
      b.writeUInt32LE(original, 8);
      src.copy(b, 12, at + 28, at + 28 + captured);
      b.writeUInt32LE(b.length, b.length - 4);
      blocks.push(b);
    } else {
      blocks.push(src.subarray(at, at + length));
    }
    at += length;
  }
  return Buffer.concat(blocks);
}
