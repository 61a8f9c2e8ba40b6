// A SIP 200 OK (RFC 3261 §7.2) whose SDP answer carries a MIKEY response at session level, for the
// capture tests: tshark dissects a=key-mgmt only at session level.
import { toBase64 } from '../../modules/util/bytes.js';

export function okText(from: string, to: string, mikey: Uint8Array): string {
  const sdp = ['v=0', 'o=bob 2 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', `a=key-mgmt:mikey ${toBase64(mikey)}`, 'm=audio 40002 RTP/SAVP 0', 'a=rtpmap:0 PCMU/8000', ''].join('\r\n');
  return [
    'SIP/2.0 200 OK',
    'Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKcapture;rport=5060',
    `From: <${from}>;tag=a1`,
    `To: <${to}>;tag=b2`,
    'Call-ID: capture@127.0.0.1',
    'CSeq: 1 INVITE',
    'Contact: <sip:bob@127.0.0.1:5062>',
    'Content-Type: application/sdp',
    `Content-Length: ${sdp.length}`,
    '',
    sdp,
  ].join('\r\n');
}
