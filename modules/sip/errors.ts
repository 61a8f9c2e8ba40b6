// The errors the SIP parsers throw: malformed input from the network is always a SipParseError,
// so the layers above can drop (or answer 400 to) a bad message without catching anything else.

export class SipParseError extends Error {
  // Defined, not assigned: XS on the device freezes Error.prototype, so `this.name = ...` throws.
  override name = 'SipParseError';
}

/**
 * A request whose start line and header fields could be split, but that breaks RFC 3261: unlike a
 * datagram that is not SIP at all, it carries what a response copies (Via, From, To, Call-ID,
 * CSeq; §8.2.6.2), so it can be answered instead of dropped: 505 for a SIP-Version other than 2.0
 * (§21.5.6), 400 for the rest (§21.4.1). The header fields are those split from the datagram, so
 * the answer is built without parsing it again. Never thrown for ACK, which gets no response (§17).
 */
export class SipRequestError extends SipParseError {
  constructor(
    message: string,
    readonly status: 400 | 505,
    /** The Request-Line's method token, '' when the start line has none. */
    readonly method: string,
    readonly headers: readonly { readonly name: string; readonly value: string }[],
  ) {
    super(message);
    this.name = 'SipRequestError';
  }
}
