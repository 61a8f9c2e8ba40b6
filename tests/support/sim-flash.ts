// An in-memory NOR flash for tests, with power cuts: after a chosen number of operations the
// power fails in the middle of the next one, leaving it partly done, as real flash does.
import type { Flash } from '../../hal/contracts.js';

export class PowerCut extends Error {
  override name = 'PowerCut';
}

/** How the interrupted operation is left: not started, or torn after `fraction` of its bytes. */
export interface CutPlan {
  /** Operations that complete before the cut. */
  readonly after: number;
  /** 0 = the interrupted operation does nothing; (0, 1) = that share of its bytes is done. */
  readonly fraction: number;
  /** For a torn write: the first unwritten byte gets only some of its bits cleared (mask ANDed in). */
  readonly partialBits?: number;
}

export class SimFlash implements Flash {
  readonly image: Uint8Array;
  operations = 0;
  erases: number[];
  private cut: CutPlan | undefined;

  constructor(
    readonly sectorSize = 4096,
    readonly sectorCount = 16,
  ) {
    this.image = new Uint8Array(sectorSize * sectorCount).fill(0xff);
    this.erases = new Array(sectorCount).fill(0);
  }

  /** Arms a power cut; `undefined` disarms. */
  planCut(plan: CutPlan | undefined): void {
    this.cut = plan;
    this.operations = 0;
  }

  read(offset: number, length: number): Uint8Array {
    if (offset < 0 || length < 0 || offset + length > this.image.length) throw new RangeError('flash read out of range');
    return this.image.slice(offset, offset + length);
  }

  eraseSector(sector: number): void {
    if (sector < 0 || sector >= this.sectorCount) throw new RangeError('no such sector');
    const start = sector * this.sectorSize;
    const done = this.step(this.sectorSize);
    this.image.fill(0xff, start, start + done);
    this.erases[sector]++;
    if (done < this.sectorSize) throw new PowerCut(`power cut erasing sector ${sector}`);
  }

  write(offset: number, data: Uint8Array): void {
    if (offset < 0 || offset + data.length > this.image.length) throw new RangeError('flash write out of range');
    const done = this.step(data.length);
    for (let i = 0; i < done; i++) this.image[offset + i] &= data[i];
    if (done < data.length) {
      if (this.cut?.partialBits !== undefined) this.image[offset + done] &= data[done] | this.cut.partialBits;
      throw new PowerCut(`power cut writing ${data.length} bytes at ${offset}`);
    }
  }

  /** How many bytes of an operation of `length` bytes get done. */
  private step(length: number): number {
    const cut = this.cut;
    const index = this.operations++;
    if (!cut || index < cut.after) return length;
    if (index > cut.after) throw new PowerCut('the power is off');
    return Math.floor(length * cut.fraction);
  }
}
