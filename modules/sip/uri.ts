// SIP URIs (RFC 3261 §19.1): sip:user@host:port;params?headers, enough to route and compare.
// Hosts are kept as written (IPv4, [IPv6] or a name); name resolution belongs to the host layer.

import { SipParseError } from './errors.js';

export interface SipUri {
  readonly scheme: 'sip' | 'sips';
  readonly user?: string;
  readonly host: string;
  readonly port?: number;
  /** uri-parameters (§19.1.1), names lower-cased; a parameter without a value maps to ''. */
  readonly params: Readonly<Record<string, string>>;
}

export function parseUri(text: string): SipUri {
  const m = /^(sips?):(?:([^@;?\s]+)@)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.\-_]+)(?::([0-9]{1,5}))?((?:;[^;?\s]*)*)(?:\?.*)?$/.exec(text.trim());
  if (m === null) throw new SipParseError(`malformed SIP URI: ${text.slice(0, 60)}`);
  const port = m[4] === undefined ? undefined : Number(m[4]);
  if (port !== undefined && port > 65535) throw new SipParseError('port out of range');
  const params: Record<string, string> = {};
  for (const p of m[5].split(';')) {
    if (p.length === 0) continue;
    const eq = p.indexOf('=');
    if (eq < 0) params[p.toLowerCase()] = '';
    else params[p.slice(0, eq).toLowerCase()] = p.slice(eq + 1);
  }
  const user = m[2];
  return { scheme: m[1] as 'sip' | 'sips', ...(user === undefined ? {} : { user }), host: m[3].toLowerCase(), ...(port === undefined ? {} : { port }), params };
}

export function formatUri(uri: SipUri): string {
  let s = `${uri.scheme}:`;
  if (uri.user !== undefined) s += `${uri.user}@`;
  s += uri.host;
  if (uri.port !== undefined) s += `:${uri.port}`;
  for (const [k, v] of Object.entries(uri.params)) s += v === '' ? `;${k}` : `;${k}=${v}`;
  return s;
}
