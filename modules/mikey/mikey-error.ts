// The one error the MIKEY codec (RFC 3830 §6) throws for malformed input: it names the payload and
// the byte offset where decoding stopped, so a capture reader can point at the bad byte.

export class MikeyError extends Error {
  // Defined, not assigned: XS on the device freezes Error.prototype, so `this.name = ...` throws.
  override name = 'MikeyError';
  constructor(
    readonly payload: string,
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`MIKEY ${payload} at offset ${offset}: ${reason}`);
  }
}
