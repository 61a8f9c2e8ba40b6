// The HMAC-SHA1 authentication tag in a packet (RFC 3711 §4.2: the leftmost bits of the MAC),
// written and checked at an offset so that the hot path makes no array views.

/** Copies mac[0..length) to packet[at..at+length). */
export function writeTag(mac: Uint8Array, packet: Uint8Array, at: number, length: number): void {
  for (let i = 0; i < length; i++) packet[at + i] = mac[i];
}

/** True when packet[at..at+length) equals mac[0..length), in time independent of where they differ. */
export function tagMatches(mac: Uint8Array, packet: Uint8Array, at: number, length: number): boolean {
  let diff = 0;
  for (let i = 0; i < length; i++) diff |= mac[i] ^ packet[at + i];
  return diff === 0;
}
