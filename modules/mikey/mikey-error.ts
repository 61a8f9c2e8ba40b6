// The one error the MIKEY codec (RFC 3830 §6) throws for malformed input: it names the payload and
// the byte offset where decoding stopped, so a capture reader can point at the bad byte.

export class MikeyError extends Error {
  constructor(
    readonly payload: string,
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`MIKEY ${payload} at offset ${offset}: ${reason}`);
    this.name = 'MikeyError';
  }
}
