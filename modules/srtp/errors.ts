// The one error type SRTP and SRTCP processing throws: a refused packet (RFC 3711 §3.3, §3.4).

/** Why a packet was refused. */
export type SrtpErrorReason =
  | 'malformed' // too short, not RTP/RTCP version 2, or a header that overruns the packet
  | 'authentication' // the tag does not verify (RFC 3711 §3.3 step 5)
  | 'replay' // the index is already in, or behind, the replay window (RFC 3711 §3.3.2)
  | 'mki' // the MKI names no master key of this context (RFC 3711 §3.1)
  | 'key-lifetime'; // the master key protected 2^48 SRTP or 2^31 SRTCP packets (RFC 3711 §9.2)

export class SrtpError extends Error {
  // Defined, not assigned: XS on the device freezes Error.prototype, so `this.name = ...` throws.
  override name = 'SrtpError';
  readonly reason: SrtpErrorReason;
  constructor(reason: SrtpErrorReason, detail: string) {
    super(`${reason}: ${detail}`);
    this.reason = reason;
  }
}
