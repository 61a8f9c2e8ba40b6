// Digest authentication of our requests (RFC 3261 §22.2, §22.3; RFC 7616): picking a challenge
// from a 401 or 407 we can answer, and the request sent again with its credentials.

import { authorize } from './digest.js';
import { fieldsOf } from './fields.js';
import { parseAuth } from './headers.js';
import { headerValues, type SipRequest, type SipResponse } from './message.js';
import type { UaContext } from './ua-context.js';

export interface Challenge {
  readonly header: 'Authorization' | 'Proxy-Authorization';
  readonly value: string;
  nonceCount: number;
}

/** Picks a Digest challenge we can answer from a 401 (WWW-Authenticate) or 407 (Proxy-Authenticate). */
export function takeChallenge(response: SipResponse): Challenge | undefined {
  const proxy = response.status === 407;
  for (const value of headerValues(response, proxy ? 'Proxy-Authenticate' : 'WWW-Authenticate')) {
    const c = parseAuth(value);
    const alg = (c.params.algorithm ?? 'MD5').toUpperCase();
    if (c.scheme.toLowerCase() === 'digest' && (alg === 'MD5' || alg === 'SHA-256') && c.params.nonce !== undefined && c.params.realm !== undefined) {
      return { header: proxy ? 'Proxy-Authorization' : 'Authorization', value, nonceCount: 0 };
    }
  }
  return undefined;
}

/** The credentials for `method` on `uri`, with the next nonce count (§22.4, RFC 7616 §3.4). */
export function answerChallenge(ctx: UaContext, challenge: Challenge, method: string, uri: string): string {
  const { user, authUser, password } = ctx.config.account;
  challenge.nonceCount++;
  return authorize(parseAuth(challenge.value), { username: authUser ?? user, password }, method, uri, challenge.nonceCount, ctx.hex(8));
}

/**
 * The same request again with credentials and the next CSeq (§22.2), without Via: the caller adds
 * one with a new branch for the transport it goes over.
 */
export function reissue(ctx: UaContext, request: SipRequest, challenge: Challenge, seq?: number): SipRequest {
  const cseq = fieldsOf(request).cseq;
  const headers = request.headers.filter((h) => h.name !== 'Via' && h.name !== 'CSeq' && h.name !== challenge.header);
  headers.push({ name: 'CSeq', value: `${seq ?? cseq.seq + 1} ${cseq.method}` });
  headers.push({ name: challenge.header, value: answerChallenge(ctx, challenge, request.method, request.uri) });
  return { ...request, headers };
}
