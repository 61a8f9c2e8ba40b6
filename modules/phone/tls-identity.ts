// The phone's TLS identity (RFC 3261 §26.2) is its PKI identity: the certificate chain, private key
// and trust anchors of MIKEY's public-key modes (settings.credentials), so a peer or proxy that
// trusts the phone's CA for MIKEY trusts its TLS certificate too, and the phone checks TLS servers
// against the same anchors.
import type { TlsCredentials } from '../../hal/contracts.js';
import { pkcs8RsaPrivateKey } from '../pki/rsa-keys.js';
import type { Credentials } from '../settings/model.js';
import { fromBase64 } from '../util/bytes.js';

/** The TLS credentials of stored key material; the key as PKCS#8, as TLS stacks take it. */
export function tlsIdentity(c: Credentials): TlsCredentials {
  return { chain: c.ownChain.map(fromBase64), privateKey: pkcs8RsaPrivateKey(fromBase64(c.ownKey)), trustAnchors: c.trustAnchors.map(fromBase64) };
}
