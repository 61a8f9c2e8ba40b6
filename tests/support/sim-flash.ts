// An in-memory NOR flash for tests, with power cuts. NOR semantics: an erase sets a whole sector to
// 0xFF, a write can only clear bits (the stored byte becomes old AND new). After a chosen number of
// operations the power fails in the middle of the next one and leaves it partly done, the ways
// real flash does:
//   - not started;
//   - torn: a prefix of the bytes done, the rest untouched, optionally one byte with only some of
//     its bits programmed;
//   - scattered: a prefix done and, in the rest, an arbitrary subset of the bits the operation
//     would change (an erase interrupted mid-pulse leaves some cells set and others not; a page
//     program interrupted leaves some cells cleared and others not).
// Pure (no Node APIs): runs under jest and on XS.
import type { Flash } from '../../hal/contracts.js';

export class PowerCut extends Error {
  override name = 'PowerCut';
  constructor(
    /** The operation the power failed in; 'off' for one tried after the cut. */
    readonly operation: 'erase' | 'write' | 'off',
    message: string,
  ) {
    super(message);
  }
}

/** How the interrupted operation is left. */
export interface CutPlan {
  /** Operations that complete before the cut. */
  readonly after: number;
  /** Share of the interrupted operation's bytes that get fully done: 0 = none, (0, 1) = a prefix. */
  readonly fraction: number;
  /** For a torn write: the first byte not done gets only some of its bits cleared (mask ANDed in). */
  readonly partialBits?: number;
  /** When set: the bytes after the done prefix get a pseudo-random subset of the change, from this seed. */
  readonly scatter?: number;
}

/** The ways one operation can be interrupted, used by the fault-injection tests. */
export const CUT_WAYS: readonly Omit<CutPlan, 'after'>[] = [
  { fraction: 0 },
  { fraction: 0.5 },
  { fraction: 0.999, partialBits: 0xf0 },
  { fraction: 0, scatter: 0x9e3779b9 },
  { fraction: 0.25, scatter: 0x2545f491 },
];

/** xorshift32: a small deterministic bit source for scattered cuts. */
function bitSource(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x & 0xff;
  };
}

export class SimFlash implements Flash {
  readonly image: Uint8Array;
  /** Operations (erases and writes) since the flash was made or a cut was planned. */
  operations = 0;
  /** Erase count of every sector, for wear figures. */
  readonly erases: number[];
  private cut: CutPlan | undefined;

  constructor(
    readonly sectorSize = 4096,
    readonly sectorCount = 16,
  ) {
    this.image = new Uint8Array(sectorSize * sectorCount).fill(0xff);
    this.erases = new Array<number>(sectorCount).fill(0);
  }

  /** A flash with the same geometry and contents (no cut planned). */
  copy(): SimFlash {
    const twin = new SimFlash(this.sectorSize, this.sectorCount);
    twin.image.set(this.image);
    return twin;
  }

  /** Arms a power cut, counting operations from now; `undefined` disarms. */
  planCut(plan: CutPlan | undefined): void {
    this.cut = plan;
    this.operations = 0;
  }

  read(offset: number, length: number): Uint8Array {
    if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > this.image.length) {
      throw new RangeError('flash read out of range');
    }
    return this.image.slice(offset, offset + length);
  }

  eraseSector(sector: number): void {
    if (!Number.isInteger(sector) || sector < 0 || sector >= this.sectorCount) throw new RangeError('no such sector');
    const start = sector * this.sectorSize;
    const done = this.step(this.sectorSize);
    this.image.fill(0xff, start, start + done);
    this.erases[sector]++;
    if (done < this.sectorSize) {
      // Erasing sets bits: the interrupted part gets some of its bits set.
      const scatter = this.cut?.scatter;
      if (scatter !== undefined) {
        const bits = bitSource(scatter);
        for (let i = start + done; i < start + this.sectorSize; i++) this.image[i] |= bits();
      }
      throw new PowerCut('erase', `power cut erasing sector ${sector}`);
    }
  }

  write(offset: number, data: Uint8Array): void {
    if (!Number.isInteger(offset) || offset < 0 || offset + data.length > this.image.length) throw new RangeError('flash write out of range');
    const done = this.step(data.length);
    for (let i = 0; i < done; i++) this.image[offset + i] &= data[i];
    if (done < data.length) {
      const cut = this.cut!;
      if (cut.scatter !== undefined) {
        // Programming clears bits: the interrupted part gets only some of its zeros.
        const bits = bitSource(cut.scatter);
        for (let i = done; i < data.length; i++) this.image[offset + i] &= data[i] | bits();
      } else if (cut.partialBits !== undefined) {
        this.image[offset + done] &= data[done] | cut.partialBits;
      }
      throw new PowerCut('write', `power cut writing ${data.length} bytes at ${offset}`);
    }
  }

  /** How many bytes of an operation of `length` bytes get done. */
  private step(length: number): number {
    const cut = this.cut;
    const index = this.operations++;
    if (!cut || index < cut.after) return length;
    if (index > cut.after) throw new PowerCut('off', 'the power is off');
    return Math.floor(length * cut.fraction);
  }
}
