// Structured SIP header values (RFC 3261 §20, §25.1): Via, name-addr headers (From, To, Contact,
// Route, Record-Route), CSeq, and the digest challenge/credentials syntax (§25.1 challenge,
// credentials; RFC 7616 §3.3-3.4). Each parser throws SipParseError on malformed input.

import { codeUnits, indexOfWsp, isAbsoluteUri, isDigits, isToken, isTokenChar, scanHost, skipWsp, trimWsp } from './chars.js';
import { SipParseError } from './errors.js';

type Params = Record<string, string>;

/**
 * Splits ";a=b;c" generic parameters (§25.1 generic-param) into a map; names lower-cased. Every
 * SEMI is followed by a parameter: ";;" or a trailing ";" is malformed (RFC 4475 §3.1.2.1).
 */
function parseParams(text: string): Params {
  const params: Params = {};
  const parts = text.split(';');
  for (let i = 1; i < parts.length; i++) {
    const p = parts[i].trim();
    if (p.length === 0) throw new SipParseError('empty parameter');
    const eq = p.indexOf('=');
    const name = (eq < 0 ? p : p.slice(0, eq)).trim().toLowerCase();
    if (!isToken(name)) throw new SipParseError(`invalid parameter name: ${name.slice(0, 30)}`);
    params[name] = eq < 0 ? '' : unquote(p.slice(eq + 1).trim());
  }
  return params;
}

function formatParams(params: Readonly<Params>): string {
  let s = '';
  for (const [k, v] of Object.entries(params)) s += v === '' ? `;${k}` : `;${k}=${v}`;
  return s;
}

function unquote(v: string): string {
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) return v.slice(1, -1).replace(/\\(.)/g, '$1');
  return v;
}

export interface Via {
  /** Transport in upper case: UDP, TCP, TLS... */
  readonly transport: string;
  readonly host: string;
  readonly port?: number;
  /** branch, received, rport, ...; names lower-cased. */
  readonly params: Readonly<Params>;
}

/** via-parm = sent-protocol LWS sent-by *( SEMI via-params ) (§20.42, §25.1). */
export function parseVia(value: string): Via {
  const v = trimWsp(value);
  const fail = (): never => {
    throw new SipParseError(`malformed Via: ${value.slice(0, 60)}`);
  };
  const u = codeUnits(v);
  // sent-protocol = "SIP" SLASH "2.0" SLASH transport, LWS allowed around each slash
  let i = 0;
  for (const part of ['SIP', '/', '2.0', '/']) {
    i = skipWsp(u, i);
    if (!v.startsWith(part, i)) fail();
    i += part.length;
  }
  i = skipWsp(u, i);
  let j = i;
  while (j < u.length && isTokenChar(u[j])) j++;
  const transport = v.slice(i, j);
  if (transport.length === 0 || skipWsp(u, j) === j) fail();
  i = skipWsp(u, j);
  const hostEnd = scanHost(u, i);
  if (hostEnd < 0) fail();
  const host = v.slice(i, hostEnd);
  i = skipWsp(u, hostEnd);
  let port: number | undefined;
  if (u[i] === 58 /* : */) {
    const from = skipWsp(u, i + 1);
    let to = from;
    while (to < u.length && u[to] >= 48 && u[to] <= 57) to++;
    if (!isDigits(v.slice(from, to), 5)) fail();
    port = Number(v.slice(from, to));
    if (port > 65535) throw new SipParseError('Via port out of range');
    i = skipWsp(u, to);
  }
  if (i < u.length && u[i] !== 59 /* ; */) fail();
  return { transport: transport.toUpperCase(), host, ...(port === undefined ? {} : { port }), params: parseParams(v.slice(i)) };
}

export function formatVia(via: Via): string {
  return `SIP/2.0/${via.transport} ${via.host}${via.port === undefined ? '' : `:${via.port}`}${formatParams(via.params)}`;
}

export interface NameAddr {
  readonly displayName?: string;
  /** The URI text (without angle brackets). */
  readonly uri: string;
  /** Header parameters after the address (tag, expires, lr is a URI param): names lower-cased. */
  readonly params: Readonly<Params>;
}

/**
 * ( name-addr / addr-spec ) *( SEMI params ) (§20.10, §20.20, §20.39). Without angle brackets the
 * parameters after the URI belong to the header, not the URI (§20.10).
 */
export function parseNameAddr(value: string): NameAddr {
  const v = value.trim();
  let displayName: string | undefined;
  let rest = v;
  if (rest.startsWith('"')) {
    const u = codeUnits(rest);
    let i = 1;
    for (; i < u.length; i++) {
      if (u[i] === 92 /* \\ */) i++;
      else if (u[i] === 34 /* " */) break;
    }
    if (i >= u.length) throw new SipParseError('unterminated display name');
    displayName = unquote(rest.slice(0, i + 1));
    rest = rest.slice(i + 1).trim();
    if (!rest.startsWith('<')) throw new SipParseError('display name without <address>');
  }
  const lt = rest.indexOf('<');
  if (lt >= 0) {
    const gt = rest.indexOf('>', lt);
    if (gt < 0) throw new SipParseError('unterminated <address>');
    const name = rest.slice(0, lt).trim();
    if (displayName === undefined && name.length > 0) {
      // An unquoted display name is *(token LWS) (§25.1): "Bell, Alexander" needs quotes (RFC 4475 §3.1.2.15).
      if (!isTokenList(name)) throw new SipParseError('display name neither quoted nor tokens');
      displayName = name;
    }
    const uri = rest.slice(lt + 1, gt).trim();
    if (!isAbsoluteUri(uri)) throw new SipParseError('malformed address URI');
    const after = rest.slice(gt + 1).trim();
    if (after.length > 0 && !after.startsWith(';')) throw new SipParseError('text after <address>');
    return { ...(displayName === undefined ? {} : { displayName }), uri, params: parseParams(after) };
  }
  const semi = rest.indexOf(';');
  const uri = (semi < 0 ? rest : rest.slice(0, semi)).trim();
  if (!isAbsoluteUri(uri) || uri.indexOf('<') >= 0 || uri.indexOf('>') >= 0 || uri.indexOf('"') >= 0) throw new SipParseError('malformed address');
  return { uri, params: parseParams(semi < 0 ? '' : rest.slice(semi)) };
}

/** 1*(token LWS): tokens separated by spaces or tabs. */
function isTokenList(text: string): boolean {
  const u = codeUnits(text);
  let from = 0;
  while (from < u.length) {
    const end = indexOfWsp(u, from);
    const to = end < 0 ? u.length : end;
    if (to === from) return false;
    for (let k = from; k < to; k++) if (!isTokenChar(u[k])) return false;
    from = skipWsp(u, to);
  }
  return true;
}

export function formatNameAddr(addr: NameAddr): string {
  const name = addr.displayName === undefined ? '' : `"${addr.displayName.replace(/(["\\])/g, '\\$1')}" `;
  return `${name}<${addr.uri}>${formatParams(addr.params)}`;
}

export interface CSeq {
  readonly seq: number;
  readonly method: string;
}

/** CSeq = 1*DIGIT LWS Method, the number below 2**31 (§8.1.1.5, §20.16). */
export function parseCSeq(value: string): CSeq {
  const v = trimWsp(value);
  const sp = indexOfWsp(v);
  const digits = sp < 0 ? '' : v.slice(0, sp);
  const method = sp < 0 ? '' : v.slice(skipWsp(v, sp));
  if (!isDigits(digits, 10) || !isToken(method)) throw new SipParseError(`malformed CSeq: ${value.slice(0, 40)}`);
  const seq = Number(digits);
  if (seq >= 2 ** 31) throw new SipParseError('CSeq number too large');
  return { seq, method };
}

export interface AuthParams {
  /** "Digest" for every scheme this stack answers. */
  readonly scheme: string;
  /** realm, nonce, qop, opaque, algorithm, stale, ... ; names lower-cased, quotes removed. */
  readonly params: Readonly<Params>;
}

/** challenge / credentials = scheme LWS auth-param *(COMMA auth-param) (§25.1, RFC 7616 §3.3). */
export function parseAuth(value: string): AuthParams {
  const v = trimWsp(value);
  const u = codeUnits(v);
  const sp = indexOfWsp(u);
  if (sp <= 0) throw new SipParseError('authentication header without parameters');
  const scheme = v.slice(0, sp);
  if (!isToken(scheme)) throw new SipParseError('invalid auth scheme');
  const params: Params = {};
  let i = sp;
  while (i < u.length) {
    while (i < u.length && (u[i] === 32 || u[i] === 9 || u[i] === 44 /* , */)) i++;
    if (i >= u.length) break;
    let j = i;
    while (j < u.length && isTokenChar(u[j])) j++;
    const name = v.slice(i, j).toLowerCase();
    i = skipWsp(u, j);
    if (name.length === 0 || u[i] !== 61 /* = */) throw new SipParseError('malformed auth-param');
    i = skipWsp(u, i + 1);
    if (u[i] === 34 /* " */) {
      // quoted-string: a backslash takes the next character as is (quoted-pair, §25.1).
      let k = i + 1;
      while (k < u.length && u[k] !== 34) k += u[k] === 92 ? 2 : 1;
      if (k >= u.length) throw new SipParseError('unterminated quoted auth-param');
      params[name] = v.slice(i + 1, k).replace(/\\([\s\S])/g, '$1');
      i = k + 1;
    } else {
      let k = i;
      while (k < u.length && u[k] !== 44 && u[k] !== 32 && u[k] !== 9) k++;
      if (k === i) throw new SipParseError('empty auth-param value');
      params[name] = v.slice(i, k);
      i = k;
    }
    i = skipWsp(u, i);
    if (i < u.length && u[i] !== 44) throw new SipParseError('auth-params not separated by a comma');
  }
  return { scheme, params };
}
