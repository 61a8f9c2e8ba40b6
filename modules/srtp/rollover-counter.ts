// The SRTP packet index i = 2^16 · ROC + SEQ and the receiver's estimate of it from a 16-bit
// sequence number (RFC 3711 §3.3.1 and Appendix A).

/**
 * The ROC guess v for sequence number `seq` given the highest sequence number s_l seen and the
 * current ROC (RFC 3711 Appendix A). May be roc - 1 (a late packet from before a wrap) or roc + 1
 * (the first packets after a wrap).
 */
export function estimateRoc(seq: number, highestSeq: number, roc: number): number {
  if (highestSeq < 32768) {
    return seq - highestSeq > 32768 ? roc - 1 : roc;
  }
  return highestSeq - 32768 > seq ? roc + 1 : roc;
}

/** The rollover state of one SSRC: the ROC and s_l, updated only by authenticated packets. */
export class RolloverCounter {
  roc: number;
  highestSeq = 0;
  private started = false;

  constructor(initialRoc: number) {
    this.roc = initialRoc >>> 0;
  }

  /** The ROC to use for `seq`: the initial ROC for the very first packet, else the estimate. */
  guess(seq: number): number {
    return this.started ? estimateRoc(seq, this.highestSeq, this.roc) : this.roc;
  }

  /** Records an authenticated (or sent) packet: s_l and ROC move forward only (RFC 3711 §3.3.1). */
  update(seq: number, v: number): void {
    if (!this.started) {
      this.started = true;
      this.highestSeq = seq;
      this.roc = v >>> 0;
    } else if (v === this.roc + 1 || (v === this.roc && seq > this.highestSeq)) {
      this.roc = v >>> 0;
      this.highestSeq = seq;
    }
  }
}
