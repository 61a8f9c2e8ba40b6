// The desktop XS host's crypto provider: AES and HMAC-SHA1 in plain JavaScript tuned for the XS
// interpreter (hal/host/xs-crypto/), several times faster there than the default @noble provider
// (hal/noble-crypto.ts) that Node code and the tests use. The ESP32 host uses Moddable's native
// crypt instead (hal/esp32/crypto.ts).
import type { Crypto } from '../contracts.js';
import { XsAesKey } from './xs-crypto/aes.js';
import { XsHmacSha1Key } from './xs-crypto/hmac-sha1.js';

export const xsTunedCrypto: Crypto = {
  aesKey: (key) => new XsAesKey(key),
  hmacSha1Key: (key) => new XsHmacSha1Key(key),
};
