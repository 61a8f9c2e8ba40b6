// The one error the media parsers throw (RTP headers, telephone-event payloads): packets from the
// network that do not parse are a MediaParseError, which the receive path drops.

export class MediaParseError extends Error {
  // Defined, not assigned: XS on the device freezes Error.prototype, so `this.name = ...` throws.
  override name = 'MediaParseError';
}
