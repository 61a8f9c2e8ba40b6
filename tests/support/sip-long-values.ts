// SIP requests with one very long element (a header name, a Via parameter, a display name, a
// Require list, a key-mgmt line...) for checking that the cost of handling a datagram grows in
// proportion to its size on XS, where indexing a long string seeks from its start (issue 13).
import { parseSdp } from '../../modules/sdp/session-description.js';
import { UserAgent } from '../../modules/sip/user-agent.js';
import { fromBase64, toBase64, utf8Decode, utf8Encode } from '../../modules/util/bytes.js';

const BASE: Record<string, string> = {
  via: 'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKbig',
  from: 'From: <sip:alice@example.com>;tag=88',
  to: 'To: <sip:bob@example.com>',
  callId: 'Call-ID: big@192.0.2.1',
  cseq: 'CSeq: 1 INVITE',
  contact: 'Contact: <sip:alice@192.0.2.1>',
  extra: 'Subject: hi',
};

/** Each case: the headers it replaces, for a padding of `n` characters; `status` is the answer it gets. */
export const LONG_CASES: Record<string, (n: number) => Record<string, string>> = {
  headerName: (n) => ({ extra: `${'x'.repeat(n)}: v` }),
  spacesBeforeColon: (n) => ({ extra: `Subject${' '.repeat(n)}: v` }),
  viaParam: (n) => ({ via: `${BASE.via};x=${'x'.repeat(n)}` }),
  viaList: (n) => ({ via: `Via: ${'SIP/2.0/UDP h:1;branch=z9hG4bKa,'.repeat(Math.ceil(n / 34))}SIP/2.0/UDP h:1;branch=z9hG4bKa` }),
  displayName: (n) => ({ from: `From: "${'x'.repeat(n)}" <sip:alice@example.com>;tag=88` }),
  toUriParam: (n) => ({ to: `To: <sip:bob@example.com;x=${'x'.repeat(n)}>` }),
  contactUriParam: (n) => ({ contact: `Contact: <sip:alice@192.0.2.1;x=${'x'.repeat(n)}>` }),
  requireList: (n) => ({ extra: `Require: ${'a,'.repeat(Math.ceil(n / 2))}a` }),
  acceptList: (n) => ({ extra: `Accept: ${'a/b,'.repeat(Math.ceil(n / 4))}a/b` }),
  authParams: (n) => ({ extra: `Authorization: Digest ${'a="b",'.repeat(Math.ceil(n / 6))}username="u"` }),
};

/** The INVITE of a case, `n` characters of padding in its long element. */
export function longRequest(name: string, n: number): Uint8Array {
  const h = { ...BASE, ...LONG_CASES[name](n) };
  return utf8Encode(['INVITE sip:bob@192.0.2.4 SIP/2.0', h.via, h.from, h.to, h.callId, h.cseq, h.contact, h.extra, 'Content-Length: 0', '', ''].join('\r\n'));
}

/** The status of each response a fresh user agent sends for the datagram, e.g. "100". */
export function receiveLong(bytes: Uint8Array): string {
  const ua = new UserAgent({ account: { user: 'bob', domain: 'example.test', password: 'x' }, local: { address: '127.0.0.1', port: 5062 }, random: { bytes: (k) => new Uint8Array(k).fill(9) } });
  const statuses: string[] = [];
  // The status code of "SIP/2.0 NNN ..." (a 420 echoing a long Require is itself over 64 KiB).
  for (const a of ua.receive(bytes, { address: '127.0.0.1', port: 5060 })) if (a.type === 'send') statuses.push(utf8Decode(a.data.subarray(8, 11)));
  return statuses.join(',');
}

/** Base64 text of `n` bytes (a key-mgmt attribute's size), decoded. */
export function decodeLongBase64(n: number): number {
  return fromBase64(toBase64(new Uint8Array(n).fill(7))).length;
}

/** An SDP offer with one `n`-character attribute, parsed: its media's attribute count. */
export function parseLongSdp(n: number): number {
  const sdp = ['v=0', 'o=a 1 1 IN IP4 192.0.2.1', 's=-', 'c=IN IP4 192.0.2.1', 't=0 0', 'm=audio 4000 RTP/AVP 0', `a=x-pad:${'x'.repeat(n)}`, ''].join('\r\n');
  return parseSdp(sdp).media[0].attributes.length;
}
