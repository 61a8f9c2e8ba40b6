// The NULL cipher (RFC 3711 §4.1.3): the payload stays in the clear. For tests only.
import type { KeystreamCipher } from './transform.js';

export class NullCipher implements KeystreamCipher {
  rtpXor(): void {}
  rtcpXor(): void {}
}
