// The transport layer as the user agent core sees it (RFC 3261 §18), pure: which transport a request
// goes over, chosen as RFC 3263 §4.1 does without DNS (a sips: URI means TLS, a ;transport= parameter
// names one, else the account's setting), the §18.1.1 switch from UDP to TCP for a large request,
// what the top Via and the Contact say for each transport, and where a response goes (§18.2.2). The
// host carries the bytes: UDP on the SIP socket, TCP and TLS on connections it keeps.

import type { Via } from './headers.js';
import { parseUri } from './uri.js';

export type SipTransport = 'udp' | 'tcp' | 'tls';
/** The account's setting: 'auto' is UDP with the §18.1.1 switch to TCP for a request over 1,300 bytes. */
export type TransportSetting = 'auto' | 'udp' | 'tcp' | 'tls';

/** Where a message came from; `connection` is the host's id of the stream it came on. */
export interface SipSource {
  readonly address: string;
  readonly port: number;
  /** 'udp' when absent. */
  readonly transport?: SipTransport;
  readonly connection?: number;
}

/** Where a message goes: the fields of the UA's 'send' action besides the bytes. */
export interface Destination {
  readonly address: string;
  readonly port: number;
  readonly transport: SipTransport;
  /** The stream to use while it is open (a response goes back on its request's, §18.2.2). */
  readonly connection?: number;
  /** For TLS: the host part of the URI the request is sent to, the name the certificate must carry. */
  readonly serverName?: string;
}

/** The next hop of a request before its size is known: 'auto' is decided by size (resolve). */
export interface Hop {
  readonly address: string;
  readonly port: number;
  readonly transport: SipTransport | 'auto';
  /** A sips: URI: TLS on this hop, and a SIPS Contact (§8.1.1.8, §26.2). */
  readonly secure: boolean;
  /** The host part of the URI the request is sent to. */
  readonly host: string;
}

/** §18.1.1: with the path MTU unknown, a request over this many bytes goes over TCP. */
export const UDP_REQUEST_LIMIT = 1300;

/** The port a transport uses when a URI gives none (RFC 3263 §4.2). */
export function defaultPort(transport: SipTransport): number {
  return transport === 'tls' ? 5061 : 5060;
}

/**
 * The hop for a request to `uri` (RFC 3263 §4.1 without DNS): the URI's host and port, or `via`
 * (the configured outbound proxy or registrar) when given; over TLS for a sips: URI, else the
 * transport its ;transport= parameter names (for the URI's own host), else the account's setting.
 */
export function hopTo(uri: string, setting: TransportSetting, via?: { readonly address: string; readonly port: number }): Hop {
  const u = parseUri(uri);
  const secure = u.scheme === 'sips';
  const param = via === undefined ? u.params.transport?.toLowerCase() : undefined;
  const named = param === 'udp' || param === 'tcp' || param === 'tls' ? param : undefined;
  const transport = secure ? 'tls' : (named ?? setting);
  const host = u.host.startsWith('[') ? u.host.slice(1, -1) : u.host;
  if (via !== undefined) return { address: via.address, port: via.port, transport, secure, host };
  return { address: host, port: u.port ?? defaultPort(transport === 'auto' ? 'udp' : transport), transport, secure, host };
}

/** The transport a request is built for on `hop` before its size is known: 'auto' starts as UDP. */
export function builtTransport(hop: Hop): SipTransport {
  return hop.transport === 'auto' ? 'udp' : hop.transport;
}

/** Where a request of `size` bytes goes on `hop`: in 'auto' over TCP when larger than UDP_REQUEST_LIMIT (§18.1.1). */
export function resolve(hop: Hop, size: number): Destination {
  const transport = hop.transport === 'auto' ? (size > UDP_REQUEST_LIMIT ? 'tcp' : 'udp') : hop.transport;
  return { address: hop.address, port: hop.port, transport, ...(transport === 'tls' ? { serverName: hop.host } : {}) };
}

/** This UA's address and ports: SIP (UDP and TCP, one number, §18) and TLS. */
export interface LocalPorts {
  readonly address: string;
  readonly port: number;
  /** The TLS port; 5061 when absent. */
  readonly tlsPort?: number;
}

/** The port this UA receives `transport` on. */
export function localPort(local: LocalPorts, transport: SipTransport): number {
  return transport === 'tls' ? (local.tlsPort ?? 5061) : local.port;
}

/** sent-protocol and sent-by of our Via (§18.1.1, §20.42): SIP/2.0/UDP|TCP|TLS address:port. */
export function viaSentBy(local: LocalPorts, transport: SipTransport): string {
  return `SIP/2.0/${transport.toUpperCase()} ${local.address}:${localPort(local, transport)}`;
}

/**
 * Our Contact URI for requests and responses over `transport` (§8.1.1.8): a SIPS URI when the
 * request's URI is one, else ;transport=tcp or ;transport=tls when not UDP, on the port of that transport.
 */
export function contactUri(user: string, local: LocalPorts, transport: SipTransport, secure = false): string {
  const at = `${user}@${local.address}:${localPort(local, transport)}`;
  if (secure) return `sips:${at}`;
  return transport === 'udp' ? `sip:${at}` : `sip:${at};transport=${transport}`;
}

/**
 * Where the responses to a request go (§18.2.2): back on the stream it came on, whatever its Via
 * says (a mismatch is accepted); if that stream has closed, a new one to the source address at the
 * Via's sent-by port, for TLS checked against the sent-by host. Over UDP to the source address and
 * port (RFC 3581 symmetric response).
 */
export function responseDestination(source: SipSource, topVia: Via): Destination {
  const transport = source.transport ?? 'udp';
  if (transport === 'udp' || source.connection === undefined) return { address: source.address, port: source.port, transport };
  const dest = { address: source.address, port: topVia.port ?? defaultPort(transport), transport, connection: source.connection };
  return transport === 'tls' ? { ...dest, serverName: topVia.host } : dest;
}

/**
 * The top Via of a received request as the server transport records it (§18.2.1): `received` with
 * the source address when the sent-by host is another (a name, or another address), and for a bare
 * `rport` (RFC 3581 §4) the source port, with `received` then always. Undefined when it stays as is.
 */
export function receivedVia(via: Via, source: SipSource): Via | undefined {
  const host = via.host.startsWith('[') ? via.host.slice(1, -1) : via.host;
  const rport = via.params.rport === '';
  if (!rport && host === source.address) return undefined;
  const params: Record<string, string> = { ...via.params, received: source.address };
  if (rport) params.rport = String(source.port);
  return { ...via, params };
}
