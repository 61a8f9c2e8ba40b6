// HTTP Digest access authentication as SIP uses it (RFC 3261 §22.4): the client side of RFC 2617 §3.2.2
// and RFC 7616 §3.4, with qop=auth (or no qop, RFC 2069 compatibility) and the MD5 or SHA-256
// algorithms. The cnonce comes from the caller, so the module stays pure.

import { md5 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { toHex, utf8Encode } from '../util/bytes.js';
import type { AuthParams } from './headers.js';

export interface DigestCredentials {
  readonly username: string;
  readonly password: string;
}

export interface DigestInput {
  readonly username: string;
  readonly password: string;
  readonly realm: string;
  readonly nonce: string;
  readonly method: string;
  readonly uri: string;
  /** 'MD5' (the default) or 'SHA-256'. */
  readonly algorithm?: string;
  /** 'auth', or undefined for the RFC 2069 form without qop. */
  readonly qop?: 'auth';
  /** The nonce count as 8 hex digits, e.g. '00000001'. */
  readonly nc?: string;
  readonly cnonce?: string;
}

export class DigestError extends Error {
  // Defined, not assigned: XS on the device freezes Error.prototype, so `this.name = ...` throws.
  override name = 'DigestError';
}

function hashHex(algorithm: string, text: string): string {
  const bytes = utf8Encode(text);
  return toHex(algorithm === 'SHA-256' ? sha256(bytes) : md5(bytes));
}

/** request-digest (RFC 2617 §3.2.2.1, RFC 7616 §3.4.1): KD(H(A1), nonce:nc:cnonce:qop:H(A2)). */
export function digestResponse(input: DigestInput): string {
  const algorithm = (input.algorithm ?? 'MD5').toUpperCase();
  if (algorithm !== 'MD5' && algorithm !== 'SHA-256') throw new DigestError(`unsupported digest algorithm ${input.algorithm}`);
  const ha1 = hashHex(algorithm, `${input.username}:${input.realm}:${input.password}`);
  const ha2 = hashHex(algorithm, `${input.method}:${input.uri}`);
  if (input.qop === undefined) return hashHex(algorithm, `${ha1}:${input.nonce}:${ha2}`);
  if (input.nc === undefined || input.cnonce === undefined) throw new DigestError('qop=auth needs nc and cnonce');
  return hashHex(algorithm, `${ha1}:${input.nonce}:${input.nc}:${input.cnonce}:${input.qop}:${ha2}`);
}

/** Formats a nonce count as the 8 hex digits the nc parameter carries. */
export function formatNonceCount(count: number): string {
  return count.toString(16).padStart(8, '0');
}

/**
 * The Authorization / Proxy-Authorization value answering `challenge` (a parsed WWW-Authenticate or
 * Proxy-Authenticate, §22.2-22.3). Chooses qop=auth when offered; refuses a challenge that offers
 * only qop=auth-int or an unknown algorithm.
 */
export function authorize(challenge: AuthParams, credentials: DigestCredentials, method: string, uri: string, nonceCount: number, cnonce: string): string {
  if (challenge.scheme.toLowerCase() !== 'digest') throw new DigestError(`unsupported auth scheme ${challenge.scheme}`);
  const p = challenge.params;
  if (p.realm === undefined || p.nonce === undefined) throw new DigestError('challenge without realm or nonce');
  const qops = p.qop === undefined ? undefined : p.qop.split(',').map((q) => q.trim());
  if (qops !== undefined && !qops.includes('auth')) throw new DigestError('challenge offers no qop=auth');
  const algorithm = p.algorithm ?? 'MD5';
  const nc = formatNonceCount(nonceCount);
  const qop = qops === undefined ? undefined : ('auth' as const);
  const response = digestResponse({ username: credentials.username, password: credentials.password, realm: p.realm, nonce: p.nonce, method, uri, algorithm, qop, nc, cnonce });
  let header = `Digest username="${credentials.username}", realm="${p.realm}", nonce="${p.nonce}", uri="${uri}", response="${response}", algorithm=${algorithm}`;
  if (qop !== undefined) header += `, qop=${qop}, nc=${nc}, cnonce="${cnonce}"`;
  if (p.opaque !== undefined) header += `, opaque="${p.opaque}"`;
  return header;
}
