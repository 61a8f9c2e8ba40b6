// MIKEY DHHMAC (RFC 4650): Diffie-Hellman authenticated by an HMAC under a key derived from a PSK,
// no certificates needed, with perfect forward secrecy:
//
//   I_MESSAGE = HDR(7), T, RAND, IDi, IDr, SP, DHi, KEMAC
//   R_MESSAGE = HDR(8), T, IDr, IDi, DHr, DHi, KEMAC
//   KEMAC     = NULL encryption, no key data, HMAC-SHA-1-160 over the whole message up to the MAC
//   auth_key  = PRF(PSK, 0x2D22AC75 ‖ 0xFF ‖ CSB ID ‖ RAND) (RFC 3830 §4.1.4), RAND of the I_MESSAGE
//
// Screening (HMAC check) is cheap; the responder's two exponentiations are the deferred step.
import type { Crypto } from '../../hal/contracts.js';
import { constantTimeEqual } from '../util/bytes.js';
import { dhGroup, dhKeyPair, type DhGroupId } from '../pki/dh.js';
import { normalizeSipUri } from '../pki/identity.js';
import type { ModExpCounter } from '../pki/modexp.js';
import { PK_ERROR, PkRefusal, type PkEnvironment } from './pk-auth.js';
import { dhTgk, responseDhValues, screenDhValue, type DhOptions, type DhResponderOptions } from './dh.js';
import { checkNotReplayed, guarded, randomCsbId, refusalFrom, type Completed, type Refused, type Screened, type GeneralExtension } from './pk-exchange.js';
import { hmacSha1, srtpKeys, transportKeys, type SrtpKeys } from './pk-keys.js';
import {
  DEFAULT_WINDOW_MS, checkTimestamp, decodeExpected, defaultSessions, find, findAll, idText, ntpTimestamp, ntpToMs, replayId, requirePayload, srtpPolicy,
  uriId, type ReplayGuard,
} from './pk-message.js';
import { DATA_TYPE, decodeMessage, encodeMessage, type Header, type Message, type Payload } from './pk-wire.js';

/** Encodes `payloads` and a KEMAC (NULL encryption, HMAC-SHA-1-160) whose MAC covers everything before it. */
function encodeMacced(crypto: Crypto, header: Header, payloads: readonly Payload[], authKey: Uint8Array): Uint8Array {
  const draft = encodeMessage({ header, payloads: [...payloads, { type: 'KEMAC', encrAlg: 0, encrData: new Uint8Array(0), macAlg: 1, mac: new Uint8Array(20) }] });
  draft.set(hmacSha1(crypto, authKey, [draft.subarray(0, draft.length - 20)]), draft.length - 20);
  return draft;
}

/**
 * Checks the final KEMAC's MAC over the bytes before it as received (constant time). The received
 * bytes, not a re-encoding: bits the decoder ignores (DH's reserved bits, RFC 3830 §6.4) must still
 * be covered, or they could be changed in transit unnoticed.
 */
function checkMac(crypto: Crypto, received: Uint8Array, message: Message, authKey: Uint8Array): void {
  const last = message.payloads[message.payloads.length - 1];
  if (!last || last.type !== 'KEMAC' || last.encrAlg !== 0 || last.encrData.length !== 0 || last.macAlg !== 1) {
    throw new PkRefusal(PK_ERROR.AUTH_FAILURE, 'DHHMAC messages end with a NULL-encrypted HMAC-SHA-1 KEMAC');
  }
  // The canonical length: what follows it is at most the one trailing zero byte decoding tolerates.
  const length = encodeMessage(message).length;
  if (!constantTimeEqual(hmacSha1(crypto, authKey, [received.subarray(0, length - 20)]), last.mac)) {
    throw new PkRefusal(PK_ERROR.AUTH_FAILURE, 'KEMAC MAC does not verify');
  }
}

function authKeyFor(crypto: Crypto, psk: Uint8Array, header: Header, rand: Uint8Array): Uint8Array {
  return transportKeys(crypto, psk, header.csbId, rand).authKey;
}

export interface DhhmacOfferInput extends DhOptions {
  readonly selfUri: string;
  readonly responderUri: string;
  /** The PSK shared with the responder. */
  readonly psk: Uint8Array;
  readonly crypto: Crypto;
  readonly env: PkEnvironment;
  readonly ssrcs: readonly number[];
  /** General Extension payloads to carry under the offer's signature or MAC (e.g. the priority table). */
  readonly extensions?: readonly GeneralExtension[];
  readonly group?: DhGroupId;
}

export interface DhhmacOffer {
  readonly message: Uint8Array;
  finish(response: Uint8Array, counter?: ModExpCounter): readonly SrtpKeys[];
}

export function dhhmacOffer(input: DhhmacOfferInput): DhhmacOffer {
  const { crypto, env } = input;
  const group = dhGroup(input.group ?? 0)!;
  const pair = dhKeyPair(group, env.random, input.shortExponent ?? false, env.counter);
  const header: Header = { dataType: DATA_TYPE.DHHMAC_INIT, v: false, csbId: randomCsbId(env), sessions: defaultSessions(input.ssrcs) };
  const t = ntpTimestamp(env.nowMs);
  const rand = env.random.bytes(16);
  const authKey = authKeyFor(crypto, input.psk, header, rand);
  const message = encodeMacced(
    crypto,
    header,
    [
      { type: 'T', tsType: 0, value: t },
      { type: 'RAND', value: rand },
      uriId(input.selfUri),
      uriId(input.responderUri),
      srtpPolicy(),
      ...(input.extensions ?? []),
      { type: 'DH', group: group.id, value: pair.publicValue },
    ],
    authKey,
  );
  return {
    message,
    finish(response: Uint8Array, counter?: ModExpCounter): readonly SrtpKeys[] {
      const probe = decodeMessage(response);
      if (probe.header.dataType === DATA_TYPE.ERROR) throw refusalFrom(find(probe, 'ERR')?.errorNo);
      const reply = decodeExpected(response, DATA_TYPE.DHHMAC_RESP);
      if (reply.header.csbId !== header.csbId) throw new PkRefusal(PK_ERROR.AUTH_FAILURE, 'the response is for another CSB');
      checkMac(crypto, response, reply, authKey);
      checkTimestamp(reply, env.nowMs, DEFAULT_WINDOW_MS);
      const [idr, idi] = findAll(reply, 'ID');
      if (!idr || !idi || normalizeSipUri(idText(idr)) !== normalizeSipUri(input.responderUri) || normalizeSipUri(idText(idi)) !== normalizeSipUri(input.selfUri)) {
        throw new PkRefusal(PK_ERROR.AUTH_FAILURE, 'the response names other parties');
      }
      const dhr = responseDhValues(reply, pair.publicValue, group.id);
      return srtpKeys(crypto, dhTgk(pair, dhr, counter), header.csbId, rand, header.sessions.length);
    },
  };
}

export interface DhhmacResponderContext {
  readonly selfUri: string;
  /** The PSK shared with a peer, by its SIP URI (settings store); undefined when there is none. */
  readonly pskFor: (peerUri: string) => Uint8Array | undefined;
  readonly crypto: Crypto;
  readonly env: PkEnvironment;
  readonly replay: ReplayGuard;
  readonly fromUri: string;
  readonly windowMs?: number;
}

/** Screens a DHHMAC I_MESSAGE (identities, PSK, HMAC: all cheap); `complete` does the DH work. */
export function dhhmacScreen(bytes: Uint8Array, ctx: DhhmacResponderContext, options: DhResponderOptions = {}): Screened | Refused {
  const { crypto, env } = ctx;
  let header: Header | undefined;
  let auth: { key: Uint8Array; offerT: Uint8Array } | undefined;
  return guarded(
    crypto,
    env.nowMs,
    () => header,
    (): Screened => {
      const offer = decodeExpected(bytes, DATA_TYPE.DHHMAC_INIT, (h) => (header = h));
      const t = checkTimestamp(offer, env.nowMs, ctx.windowMs ?? DEFAULT_WINDOW_MS);
      const rand = requirePayload(offer, 'RAND').value;
      const id = replayId(offer, t, rand);
      const ts = ntpToMs(t);
      checkNotReplayed(ctx.replay, id, ts, env.nowMs);
      const [idi, idr] = findAll(offer, 'ID');
      if (!idi || !idr) throw new PkRefusal(PK_ERROR.ID_NOT_SUPPORTED, 'DHHMAC offers name both IDi and IDr');
      const peer = normalizeSipUri(idText(idi));
      if (!peer || peer !== normalizeSipUri(ctx.fromUri)) throw new PkRefusal(PK_ERROR.AUTH_FAILURE, `IDi ${idText(idi)} is not the SIP From identity`);
      if (normalizeSipUri(idText(idr)) !== normalizeSipUri(ctx.selfUri)) throw new PkRefusal(PK_ERROR.AUTH_FAILURE, `the offer is addressed to ${idText(idr)}`);
      const psk = ctx.pskFor(peer);
      if (!psk) throw new PkRefusal(PK_ERROR.AUTH_FAILURE, `no PSK is shared with ${peer}`);
      const authKey = authKeyFor(crypto, psk, offer.header, rand);
      auth = { key: authKey, offerT: t };
      checkMac(crypto, bytes, offer, authKey);
      const dhi = requirePayload(offer, 'DH');
      screenDhValue(dhi, options.groups);
      ctx.replay.remember(id, ts);
      return {
        ok: true,
        peerUri: peer,
        extensions: findAll(offer, 'GENEXT'),
      complete: (counter, extensions = []) =>
          guarded(crypto, env.nowMs, () => header, (): Completed => {
            const pair = dhKeyPair(dhGroup(dhi.group)!, env.random, options.shortExponent ?? false, counter);
            const tgk = dhTgk(pair, dhi.value, counter);
            const response = encodeMacced(
              crypto,
              { ...offer.header, dataType: DATA_TYPE.DHHMAC_RESP, v: false },
              [
                { type: 'T', tsType: 0, value: ntpTimestamp(env.nowMs) },
                uriId(normalizeSipUri(ctx.selfUri) ?? ctx.selfUri),
                uriId(peer),
                { type: 'DH', group: dhi.group, value: pair.publicValue },
                { type: 'DH', group: dhi.group, value: dhi.value },
                ...extensions,
              ],
              authKey,
            );
            return { ok: true, keys: srtpKeys(crypto, tgk, offer.header.csbId, rand, offer.header.sessions.length), response };
          }, () => auth),
      };
    },
    () => auth,
  );
}
