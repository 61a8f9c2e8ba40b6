// MIKEY public-key mode, "PKE" (RFC 3830 §3.2, §5):
//
//   I_MESSAGE = HDR(2), T, RAND, CERTi, IDr, SP, KEMAC, CHASH, PKE, SIGNi
//     PKE   = E(PKr, env_key)                       RSAES-PKCS1-v1_5 (as minisip)
//     KEMAC = E(encr_key, IDi ‖ TGK) ‖ MAC          keys from env_key (§4.1.4), MAC over KEMAC only
//     CHASH = SHA-1 of the responder certificate the initiator encrypted to (§6.8)
//   R_MESSAGE = HDR(3), T, IDr, V                   only when the initiator set V
//
// The responder screens with public-key work only (certificate chain, SIGNi); decrypting the
// envelope key is the deferred step.
import { sha1 } from '@noble/hashes/legacy.js';
import type { Crypto } from '../../hal/contracts.js';
import { constantTimeEqual, equalBytes, utf8Encode } from '../util/bytes.js';
import { identityMatches } from '../pki/identity.js';
import { rsaDecryptPkcs1, rsaEncryptPkcs1, RsaError } from '../pki/rsa.js';
import { KEY_USAGE } from '../pki/x509.js';
import { PK_ERROR, PkRefusal, authenticatePeer, verifyMessageSignature, type PkCredentials, type PkEnvironment } from './pk-auth.js';
import { checkAddressedToSelf, guarded, randomCsbId, screenOfferStart, refusalFrom, type Completed, type Refused, type ResponderContext, type Screened, type GeneralExtension } from './pk-exchange.js';
import { decodeKeyDataOrRefuse, openKemac, sealKemac } from './pk-kemac.js';
import { hmacSha1, srtpKeys, transportKeys, type SrtpKeys } from './pk-keys.js';
import {
  certChain, certPayloads, defaultSessions, encodeSigned, encodeVerified, find, idText, ntpTimestamp,
  requirePayload, signedPart, srtpPolicy, uriId, verifiedPart, findAll } from './pk-message.js';
import { DATA_TYPE, decodeMessage, encodeKeyData, type Header, type Payload } from './pk-wire.js';

const TGK_BYTES = 16;
const ENV_KEY_BYTES = 16;

export interface PkeOfferInput {
  readonly self: PkCredentials;
  readonly crypto: Crypto;
  readonly env: PkEnvironment;
  /** The responder's SIP URI and certificate (RFC 3830 §3.2: the initiator must know PKr). */
  readonly responderUri: string;
  readonly responderCertificate: Uint8Array;
  /** One SSRC per crypto session (0 where not yet known, RFC 3830 §6.1.1). */
  readonly ssrcs: readonly number[];
  /** General Extension payloads to carry under the offer's signature or MAC (e.g. the priority table). */
  readonly extensions?: readonly GeneralExtension[];
  /** Ask for the R_MESSAGE (the V flag); default true. */
  readonly verify?: boolean;
  /** Send CHASH naming the responder certificate used (RFC 3830 §6.8); default true. */
  readonly chash?: boolean;
}

export interface PkeOffer {
  readonly message: Uint8Array;
  /** The initiator knows its keys at once. */
  readonly keys: readonly SrtpKeys[];
  /** Checks the responder's verification message or Error message; throws PkRefusal on failure. */
  confirm(response: Uint8Array): void;
}

/** Builds a PKE I_MESSAGE to a responder whose certificate chains to our anchors and names responderUri. */
export function pkeOffer(input: PkeOfferInput): PkeOffer {
  const { self, crypto, env } = input;
  const responder = authenticatePeer([input.responderCertificate], self, [input.responderUri], env, KEY_USAGE.keyEncipherment);
  const header: Header = { dataType: DATA_TYPE.PK_INIT, v: input.verify ?? true, csbId: randomCsbId(env), sessions: defaultSessions(input.ssrcs) };
  const t = ntpTimestamp(env.nowMs);
  const rand = env.random.bytes(16);
  const tgk = env.random.bytes(TGK_BYTES);
  const envKey = env.random.bytes(ENV_KEY_BYTES);
  const keys = transportKeys(crypto, envKey, header.csbId, rand);
  const plaintext = encodeKeyData([{ type: 'ID', idType: 1, value: utf8Encode(self.uri) }, { type: 'TGK', key: tgk }]);
  const payloads: Payload[] = [
    { type: 'T', tsType: 0, value: t },
    { type: 'RAND', value: rand },
    ...certPayloads(self.chain),
    uriId(input.responderUri),
    srtpPolicy(),
    ...(input.extensions ?? []),
    sealKemac(crypto, keys, header.csbId, t, plaintext),
    ...(input.chash === false ? [] : [{ type: 'CHASH', hashFunc: 0, value: sha1(input.responderCertificate) } as Payload]),
    { type: 'PKE', cache: 0, data: rsaEncryptPkcs1(responder.publicKey, envKey, env.random, env.counter) },
  ];
  const message = encodeSigned(self, header, payloads, env);
  return {
    message,
    keys: srtpKeys(crypto, tgk, header.csbId, rand, header.sessions.length),
    confirm(response: Uint8Array): void {
      const reply = decodeMessage(response);
      if (reply.header.dataType === DATA_TYPE.ERROR) throw refusalFrom(find(reply, 'ERR')?.errorNo);
      if (reply.header.dataType !== DATA_TYPE.PK_RESP || reply.header.csbId !== header.csbId) {
        throw new PkRefusal(PK_ERROR.AUTH_FAILURE, 'the reply is not the verification message for this offer');
      }
      const { covered, mac } = verifiedPart(response, reply);
      if (!constantTimeEqual(hmacSha1(crypto, keys.authKey, [covered, t]), mac)) throw new PkRefusal(PK_ERROR.AUTH_FAILURE, 'V payload MAC does not verify');
    },
  };
}

/** Screens a PKE I_MESSAGE (cheap checks only) and returns the deferred decryption step. */
export function pkeScreen(bytes: Uint8Array, ctx: ResponderContext): Screened | Refused {
  const { self, crypto, env } = ctx;
  let header: Header | undefined;
  return guarded(crypto, env.nowMs, () => header, (): Screened => {
    const { offer, t, ts, rand, id } = screenOfferStart(bytes, DATA_TYPE.PK_INIT, ctx, (h) => (header = h));
    const chash = find(offer, 'CHASH');
    if (chash && (chash.hashFunc !== 0 || !equalBytes(chash.value, sha1(self.chain[0])))) {
      throw new PkRefusal(PK_ERROR.CERT_NOT_SUPPORTED, 'the envelope key was encrypted to another certificate (CHASH)');
    }
    checkAddressedToSelf(offer, self);
    const pke = requirePayload(offer, 'PKE');
    const kemac = requirePayload(offer, 'KEMAC');
    const initiator = authenticatePeer(certChain(offer), self, [ctx.fromUri], env);
    const { signed, signType, signature } = signedPart(bytes, offer);
    if (!verifyMessageSignature(initiator.publicKey, signType, signed, signature, env.counter)) {
      throw new PkRefusal(PK_ERROR.AUTH_FAILURE, 'SIGNi does not verify');
    }
    ctx.replay.remember(id, ts);
    const peerUri = ctx.fromUri;
    return {
      ok: true,
      peerUri,
      extensions: findAll(offer, 'GENEXT'),
      complete: (counter, extensions = []) =>
        guarded(crypto, env.nowMs, () => header, (): Completed => {
          let envKey: Uint8Array;
          try {
            envKey = rsaDecryptPkcs1(self.privateKey, pke.data, counter);
          } catch (e) {
            if (e instanceof RsaError) throw new PkRefusal(PK_ERROR.AUTH_FAILURE, 'the envelope key does not decrypt');
            throw e;
          }
          const keys = transportKeys(crypto, envKey, offer.header.csbId, rand);
          const items = decodeKeyDataOrRefuse(openKemac(crypto, keys, offer.header.csbId, t, kemac));
          const idi = items.find((i) => i.type === 'ID');
          const tgk = items.find((i) => i.type === 'TGK');
          if (!idi || idi.type !== 'ID' || !tgk || tgk.type !== 'TGK') throw new PkRefusal(PK_ERROR.UNSPECIFIED, 'KEMAC must hold IDi and a TGK');
          if (!identityMatches(initiator, idText(idi))) throw new PkRefusal(PK_ERROR.AUTH_FAILURE, `IDi ${idText(idi)} is not the certificate's identity`);
          const response = offer.header.v
            ? encodeVerified(
                crypto,
                { ...offer.header, dataType: DATA_TYPE.PK_RESP, v: false },
                [{ type: 'T', tsType: 0, value: ntpTimestamp(env.nowMs) }, uriId(self.uri), ...extensions],
                keys.authKey,
                t,
              )
            : undefined;
          return { ok: true, keys: srtpKeys(crypto, tgk.key, offer.header.csbId, rand, offer.header.sessions.length), response };
        }),
    };
  });
}
