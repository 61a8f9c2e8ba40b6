// MIKEY signed Diffie-Hellman mode (RFC 3830 §3.3, §5):
//
//   I_MESSAGE = HDR(4), T, RAND, CERTi, IDr, SP, DHi, SIGNi
//   R_MESSAGE = HDR(5), T, CERTr, IDi, DHr, DHi, SIGNr      (always sent; the V flag is ignored)
//   TGK = g^(xi·xr) mod p over OAKLEY 5, 1 or 2 (DH-Group 0, 1, 2)
//
// The responder screens with public-key work only (chain and SIGNi); its own exponentiations and
// SIGNr are the deferred step.
import type { Crypto } from '../../hal/contracts.js';
import { equalBytes, utf8Encode } from '../util/bytes.js';
import { DhError, dhGroup, dhKeyPair, dhSharedSecret, type DhGroupId, type DhKeyPair } from '../pki/dh.js';
import { normalizeSipUri } from '../pki/identity.js';
import { OS2IP, type ModExpCounter } from '../pki/modexp.js';
import { PK_ERROR, PkRefusal, authenticatePeer, verifyMessageSignature, type PkCredentials, type PkEnvironment } from './pk-auth.js';
import { checkAddressedToSelf, guarded, randomCsbId, screenOfferStart, refusalFrom, type Completed, type Refused, type ResponderContext, type Screened, type GeneralExtension } from './pk-exchange.js';
import { srtpKeys, type SrtpKeys } from './pk-keys.js';
import {
  DEFAULT_WINDOW_MS, certChain, certPayloads, checkTimestamp, decodeExpected, defaultSessions, encodeSigned, find, findAll, idText, ntpTimestamp, requirePayload, signedPart, srtpPolicy, uriId,
} from './pk-message.js';
import { DATA_TYPE, decodeMessage, type Header, type Message, type Payload } from './pk-wire.js';

/** Options both sides of the DH modes share. */
export interface DhOptions {
  /** Draw a short exponent (RFC 3526 §8) instead of a full-length one. */
  readonly shortExponent?: boolean;
}

/** The responder's DH policy: groups it accepts (default all three) and its exponent length. */
export interface DhResponderOptions extends DhOptions {
  readonly groups?: readonly DhGroupId[];
}

/** DHi's group and value checked cheaply: supported group, value in [2, p−2] (RFC 2631 §2.1.5). */
export function screenDhValue(dh: Extract<Payload, { type: 'DH' }>, groups: readonly DhGroupId[] = [0, 1, 2]): void {
  const group = dhGroup(dh.group);
  if (!group || !groups.includes(group.id)) throw new PkRefusal(PK_ERROR.DH_GROUP_NOT_SUPPORTED, `DH group ${dh.group} is not supported`);
  const y = OS2IP(dh.value);
  if (y < 2n || y > group.p - 2n) throw new PkRefusal(PK_ERROR.AUTH_FAILURE, 'DH value out of range');
}

/** The shared secret as the TGK; a degenerate peer value is an authentication failure. */
export function dhTgk(pair: DhKeyPair, peer: Uint8Array, counter?: ModExpCounter): Uint8Array {
  try {
    return dhSharedSecret(pair, peer, counter);
  } catch (e) {
    if (e instanceof DhError) throw new PkRefusal(PK_ERROR.AUTH_FAILURE, e.message);
    throw e;
  }
}

/** The two DH payloads of a response: the first is DHr, the second must repeat our DHi. */
export function responseDhValues(reply: Message, ours: Uint8Array, group: number): Uint8Array {
  const [dhr, dhi] = findAll(reply, 'DH');
  if (!dhr || !dhi || dhr.group !== group || dhi.group !== group) throw new PkRefusal(PK_ERROR.UNSPECIFIED, 'the response must carry DHr and DHi of the offered group');
  if (!equalBytes(dhi.value, ours)) throw new PkRefusal(PK_ERROR.AUTH_FAILURE, 'the response does not echo our DHi');
  return dhr.value;
}

export interface DhOfferInput extends DhOptions {
  readonly self: PkCredentials;
  readonly crypto: Crypto;
  readonly env: PkEnvironment;
  readonly responderUri: string;
  readonly ssrcs: readonly number[];
  /** General Extension payloads to carry under the offer's signature or MAC (e.g. the priority table). */
  readonly extensions?: readonly GeneralExtension[];
  /** DH-Group: 0 = OAKLEY 5 (default, RFC 3830's mandatory one), 1 = OAKLEY 1, 2 = OAKLEY 2. */
  readonly group?: DhGroupId;
}

export interface DhOffer {
  readonly message: Uint8Array;
  /** Checks the R_MESSAGE (or Error message) and returns the SRTP keys; throws PkRefusal. */
  finish(response: Uint8Array, counter?: ModExpCounter): readonly SrtpKeys[];
}

export function dhOffer(input: DhOfferInput): DhOffer {
  const { self, crypto, env } = input;
  const group = dhGroup(input.group ?? 0)!;
  const pair = dhKeyPair(group, env.random, input.shortExponent ?? false, env.counter);
  const header: Header = { dataType: DATA_TYPE.DH_INIT, v: false, csbId: randomCsbId(env), sessions: defaultSessions(input.ssrcs) };
  const t = ntpTimestamp(env.nowMs);
  const rand = env.random.bytes(16);
  const payloads: Payload[] = [
    { type: 'T', tsType: 0, value: t },
    { type: 'RAND', value: rand },
    ...certPayloads(self.chain),
    uriId(input.responderUri),
    srtpPolicy(),
    ...(input.extensions ?? []),
    { type: 'DH', group: group.id, value: pair.publicValue },
  ];
  const message = encodeSigned(self, header, payloads, env);
  return {
    message,
    finish(response: Uint8Array, counter?: ModExpCounter): readonly SrtpKeys[] {
      const probe = decodeMessage(response);
      if (probe.header.dataType === DATA_TYPE.ERROR) throw refusalFrom(find(probe, 'ERR')?.errorNo);
      const reply = decodeExpected(response, DATA_TYPE.DH_RESP);
      if (reply.header.csbId !== header.csbId) throw new PkRefusal(PK_ERROR.AUTH_FAILURE, 'the response is for another CSB');
      checkTimestamp(reply, env.nowMs, DEFAULT_WINDOW_MS);
      const idi = requirePayload(reply, 'ID');
      if (normalizeSipUri(idText(idi)) !== normalizeSipUri(self.uri)) throw new PkRefusal(PK_ERROR.AUTH_FAILURE, `the response is addressed to ${idText(idi)}`);
      const dhr = responseDhValues(reply, pair.publicValue, group.id);
      const responder = authenticatePeer(certChain(reply), self, [input.responderUri], { ...env, counter });
      const { signed, signType, signature } = signedPart(response, reply);
      if (!verifyMessageSignature(responder.publicKey, signType, signed, signature, counter)) throw new PkRefusal(PK_ERROR.AUTH_FAILURE, 'SIGNr does not verify');
      return srtpKeys(crypto, dhTgk(pair, dhr, counter), header.csbId, rand, header.sessions.length);
    },
  };
}

/** Screens a signed-DH I_MESSAGE (cheap checks only); `complete` computes DHr, the TGK and SIGNr. */
export function dhScreen(bytes: Uint8Array, ctx: ResponderContext, options: DhResponderOptions = {}): Screened | Refused {
  const { self, crypto, env } = ctx;
  let header: Header | undefined;
  return guarded(crypto, env.nowMs, () => header, (): Screened => {
    const { offer, ts, rand, id } = screenOfferStart(bytes, DATA_TYPE.DH_INIT, ctx, (h) => (header = h));
    checkAddressedToSelf(offer, self);
    const dhi = requirePayload(offer, 'DH');
    screenDhValue(dhi, options.groups);
    const initiator = authenticatePeer(certChain(offer), self, [ctx.fromUri], env);
    const { signed, signType, signature } = signedPart(bytes, offer);
    if (!verifyMessageSignature(initiator.publicKey, signType, signed, signature, env.counter)) throw new PkRefusal(PK_ERROR.AUTH_FAILURE, 'SIGNi does not verify');
    ctx.replay.remember(id, ts);
    return {
      ok: true,
      peerUri: ctx.fromUri,
      extensions: findAll(offer, 'GENEXT'),
      complete: (counter, extensions = []) =>
        guarded(crypto, env.nowMs, () => header, (): Completed => {
          const pair = dhKeyPair(dhGroup(dhi.group)!, env.random, options.shortExponent ?? false, counter);
          const tgk = dhTgk(pair, dhi.value, counter);
          const response = encodeSigned(
            self,
            { ...offer.header, dataType: DATA_TYPE.DH_RESP, v: false },
            [
              { type: 'T', tsType: 0, value: ntpTimestamp(env.nowMs) },
              ...certPayloads(self.chain),
              { type: 'ID', idType: 1, value: utf8Encode(normalizeSipUri(ctx.fromUri) ?? ctx.fromUri) },
              { type: 'DH', group: dhi.group, value: pair.publicValue },
              { type: 'DH', group: dhi.group, value: dhi.value },
              ...extensions,
            ],
            { ...env, counter },
          );
          return { ok: true, keys: srtpKeys(crypto, tgk, offer.header.csbId, rand, offer.header.sessions.length), response };
        }),
    };
  });
}
