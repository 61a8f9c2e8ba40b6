// The one error the SIP parsers throw: malformed input from the network is always a SipParseError,
// so the layers above can drop (or answer 400 to) a bad message without catching anything else.

export class SipParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SipParseError';
  }
}
