// SIP URIs (RFC 3261 §19.1): sip:user@host:port;params?headers, enough to route and compare.
// Hosts are kept as written (IPv4, [IPv6] or a name); name resolution belongs to the host layer.

import { hasSpaceOrControl, isDigits, scanHost, trimWsp } from './chars.js';
import { SipParseError } from './errors.js';

export interface SipUri {
  readonly scheme: 'sip' | 'sips';
  readonly user?: string;
  readonly host: string;
  readonly port?: number;
  /** uri-parameters (§19.1.1), names lower-cased; a parameter without a value maps to ''. */
  readonly params: Readonly<Record<string, string>>;
  /** The headers after "?" as written (not used for routing or comparison here). */
  readonly headers?: string;
}

export function parseUri(text: string): SipUri {
  const t = trimWsp(text);
  const fail = (): never => {
    throw new SipParseError(`malformed SIP URI: ${text.slice(0, 60)}`);
  };
  const scheme = t.startsWith('sip:') ? 'sip' : t.startsWith('sips:') ? 'sips' : fail();
  const rest = t.slice(scheme.length + 1);
  if (hasSpaceOrControl(rest)) fail();
  // userinfo ends at the "@": the user part may hold ";", "?" and "/" (user-unreserved), but "@"
  // appears nowhere else unescaped (§19.1.1, §25.1; RFC 4475 §3.1.1.2 and §3.1.1.9).
  const at = rest.indexOf('@');
  const user = at < 0 ? undefined : rest.slice(0, at);
  if (user !== undefined && user.length === 0) fail();
  let tail = rest.slice(at + 1);
  const q = tail.indexOf('?');
  const headers = q < 0 ? undefined : tail.slice(q + 1);
  if (q >= 0) tail = tail.slice(0, q);
  const semi = tail.indexOf(';');
  const hostport = semi < 0 ? tail : tail.slice(0, semi);
  const paramText = semi < 0 ? '' : tail.slice(semi);
  const hostEnd = scanHost(hostport, 0);
  if (hostEnd < 0) fail();
  let port: number | undefined;
  if (hostEnd < hostport.length) {
    const digits = hostport.slice(hostEnd + 1);
    if (hostport[hostEnd] !== ':' || !isDigits(digits, 5)) fail();
    port = Number(digits);
    if (port > 65535) throw new SipParseError('port out of range');
  }
  const params: Record<string, string> = {};
  for (const p of paramText.split(';')) {
    if (p.length === 0) continue;
    const eq = p.indexOf('=');
    if (eq < 0) params[p.toLowerCase()] = '';
    else params[p.slice(0, eq).toLowerCase()] = p.slice(eq + 1);
  }
  return {
    scheme, ...(user === undefined ? {} : { user }), host: hostport.slice(0, hostEnd).toLowerCase(), ...(port === undefined ? {} : { port }), params,
    ...(headers === undefined ? {} : { headers }),
  };
}

export function formatUri(uri: SipUri): string {
  let s = `${uri.scheme}:`;
  if (uri.user !== undefined) s += `${uri.user}@`;
  s += uri.host;
  if (uri.port !== undefined) s += `:${uri.port}`;
  for (const [k, v] of Object.entries(uri.params)) s += v === '' ? `;${k}` : `;${k}=${v}`;
  return s;
}
