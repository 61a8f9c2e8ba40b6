// Types for the Moddable SDK's PKCS#8 parser ("pkcs8": modules/crypt/etc/pkcs8.js), which the SDK
// ships no typings for; mapped as ssl-session.d.ts is.

/** An RSA PrivateKeyInfo (RFC 5208) parsed into the SDK's key object. */
declare const PKCS8: { parse(der: Uint8Array): object };
export default PKCS8;
