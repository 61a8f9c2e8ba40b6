// MIKEY-RSA-R, the reverse RSA mode (RFC 4738): the initiator need not know the responder's key
// beforehand; the responder picks the TGK and sends it under the initiator's public key.
//
//   I_MESSAGE = HDR(9), T, RAND, CERTi, IDr, SP, SIGNi
//   R_MESSAGE = HDR(10), T, CERTr, KEMAC, PKE, SIGNr
//     PKE   = E(PKi, env_key)                       RSAES-PKCS1-v1_5
//     KEMAC = E(encr_key, IDr ‖ TGK) ‖ MAC          keys from env_key, CSB ID and the I_MESSAGE RAND
//
// The responder screens with public-key work only (chain, SIGNi); choosing and encrypting the TGK
// and signing the answer are the deferred step.
import type { Crypto } from '../../hal/contracts.js';
import { utf8Encode } from '../util/bytes.js';
import { identityMatches } from '../pki/identity.js';
import type { ModExpCounter } from '../pki/modexp.js';
import { RsaError, rsaDecryptPkcs1, rsaEncryptPkcs1 } from '../pki/rsa.js';
import { KEY_USAGE } from '../pki/x509.js';
import { PK_ERROR, PkRefusal, authenticatePeer, verifyMessageSignature, type PkCredentials, type PkEnvironment } from './pk-auth.js';
import { checkAddressedToSelf, guarded, randomCsbId, screenOfferStart, refusalFrom, type Completed, type Refused, type ResponderContext, type Screened, type GeneralExtension } from './pk-exchange.js';
import { srtpKeys, transportKeys, type SrtpKeys } from './pk-keys.js';
import {
  DEFAULT_WINDOW_MS, certChain, certPayloads, checkTimestamp, decodeExpected, defaultSessions, encodeSigned, find, idText, ntpTimestamp,
  requirePayload, signedPart, srtpPolicy, uriId, findAll } from './pk-message.js';
import { DATA_TYPE, decodeMessage, encodeKeyData, type Header, type Payload } from './pk-wire.js';
import { decodeKeyDataOrRefuse, openKemac, sealKemac } from './pk-kemac.js';

const TGK_BYTES = 16;
const ENV_KEY_BYTES = 16;

export interface RsaROfferInput {
  readonly self: PkCredentials;
  readonly crypto: Crypto;
  readonly env: PkEnvironment;
  readonly responderUri: string;
  readonly ssrcs: readonly number[];
  /** General Extension payloads to carry under the offer's signature or MAC (e.g. the priority table). */
  readonly extensions?: readonly GeneralExtension[];
}

export interface RsaROffer {
  readonly message: Uint8Array;
  /** Checks the R_MESSAGE (or Error message), decrypts the TGK and returns the SRTP keys; throws PkRefusal. */
  finish(response: Uint8Array, counter?: ModExpCounter): readonly SrtpKeys[];
}

export function rsaROffer(input: RsaROfferInput): RsaROffer {
  const { self, crypto, env } = input;
  const header: Header = { dataType: DATA_TYPE.RSA_R_INIT, v: false, csbId: randomCsbId(env), sessions: defaultSessions(input.ssrcs) };
  const rand = env.random.bytes(16);
  const payloads: Payload[] = [
    { type: 'T', tsType: 0, value: ntpTimestamp(env.nowMs) },
    { type: 'RAND', value: rand },
    ...certPayloads(self.chain),
    uriId(input.responderUri),
    srtpPolicy(),
    ...(input.extensions ?? []),
  ];
  const message = encodeSigned(self, header, payloads, env);
  return {
    message,
    finish(response: Uint8Array, counter?: ModExpCounter): readonly SrtpKeys[] {
      const probe = decodeMessage(response);
      if (probe.header.dataType === DATA_TYPE.ERROR) throw refusalFrom(find(probe, 'ERR')?.errorNo);
      const reply = decodeExpected(response, DATA_TYPE.RSA_R_RESP);
      if (reply.header.csbId !== header.csbId) throw new PkRefusal(PK_ERROR.AUTH_FAILURE, 'the response is for another CSB');
      const tr = checkTimestamp(reply, env.nowMs, DEFAULT_WINDOW_MS);
      const responder = authenticatePeer(certChain(reply), self, [input.responderUri], { ...env, counter });
      const { signed, signType, signature } = signedPart(response, reply);
      if (!verifyMessageSignature(responder.publicKey, signType, signed, signature, counter)) throw new PkRefusal(PK_ERROR.AUTH_FAILURE, 'SIGNr does not verify');
      let envKey: Uint8Array;
      try {
        envKey = rsaDecryptPkcs1(self.privateKey, requirePayload(reply, 'PKE').data, counter);
      } catch (e) {
        if (e instanceof RsaError) throw new PkRefusal(PK_ERROR.AUTH_FAILURE, 'the envelope key does not decrypt');
        throw e;
      }
      const keys = transportKeys(crypto, envKey, header.csbId, rand);
      const items = decodeKeyDataOrRefuse(openKemac(crypto, keys, header.csbId, tr, requirePayload(reply, 'KEMAC')));
      const idr = items.find((i) => i.type === 'ID');
      const tgk = items.find((i) => i.type === 'TGK');
      if (!idr || idr.type !== 'ID' || !tgk || tgk.type !== 'TGK') throw new PkRefusal(PK_ERROR.UNSPECIFIED, 'KEMAC must hold IDr and a TGK');
      if (!identityMatches(responder, idText(idr))) throw new PkRefusal(PK_ERROR.AUTH_FAILURE, `IDr ${idText(idr)} is not the certificate's identity`);
      return srtpKeys(crypto, tgk.key, header.csbId, rand, header.sessions.length);
    },
  };
}

/** Screens an RSA-R I_MESSAGE (cheap checks only); `complete` makes the TGK, encrypts and signs the answer. */
export function rsaRScreen(bytes: Uint8Array, ctx: ResponderContext): Screened | Refused {
  const { self, crypto, env } = ctx;
  let header: Header | undefined;
  return guarded(crypto, env.nowMs, () => header, (): Screened => {
    const { offer, ts, rand, id } = screenOfferStart(bytes, DATA_TYPE.RSA_R_INIT, ctx, (h) => (header = h));
    checkAddressedToSelf(offer, self);
    const initiator = authenticatePeer(certChain(offer), self, [ctx.fromUri], env, KEY_USAGE.digitalSignature | KEY_USAGE.keyEncipherment);
    const { signed, signType, signature } = signedPart(bytes, offer);
    if (!verifyMessageSignature(initiator.publicKey, signType, signed, signature, env.counter)) throw new PkRefusal(PK_ERROR.AUTH_FAILURE, 'SIGNi does not verify');
    ctx.replay.remember(id, ts);
    return {
      ok: true,
      peerUri: ctx.fromUri,
      extensions: findAll(offer, 'GENEXT'),
      complete: (counter, extensions = []) =>
        guarded(crypto, env.nowMs, () => header, (): Completed => {
          const tgk = env.random.bytes(TGK_BYTES);
          const envKey = env.random.bytes(ENV_KEY_BYTES);
          const tr = ntpTimestamp(env.nowMs);
          const keys = transportKeys(crypto, envKey, offer.header.csbId, rand);
          const plaintext = encodeKeyData([{ type: 'ID', idType: 1, value: utf8Encode(self.uri) }, { type: 'TGK', key: tgk }]);
          const response = encodeSigned(
            self,
            { ...offer.header, dataType: DATA_TYPE.RSA_R_RESP, v: false },
            [
              { type: 'T', tsType: 0, value: tr },
              ...certPayloads(self.chain),
              sealKemac(crypto, keys, offer.header.csbId, tr, plaintext),
              { type: 'PKE', cache: 0, data: rsaEncryptPkcs1(initiator.publicKey, envKey, env.random, counter) },
              ...extensions,
            ],
            { ...env, counter },
          );
          return { ok: true, keys: srtpKeys(crypto, tgk, offer.header.csbId, rand, offer.header.sessions.length), response };
        }),
    };
  });
}
