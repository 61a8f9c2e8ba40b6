import fc from 'fast-check';
import { SipParseError } from '../../modules/sip/errors.js';
import { contactsOf, fieldsOf, withTopVia } from '../../modules/sip/fields.js';
import { headerValues, parseMessage, type SipRequest } from '../../modules/sip/message.js';
import { utf8Encode } from '../../modules/util/bytes.js';

const token = fc.stringMatching(/^[a-zA-Z0-9]{1,10}$/);
const port = fc.integer({ min: 1, max: 65535 });

describe('typed header fields, parsed once when a message arrives (RFC 3261 §8.1.1, §20)', () => {
  it('reads Via, From/To tags, Call-ID, CSeq, Contact and Content-Type as written, in any header order', () => {
    fc.assert(
      fc.property(token, token, token, token, port, fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.boolean(), fc.boolean(), (user, fromTag, toTag, callId, viaPort, seq, compact, withToTag) => {
        const headers = [
          `${compact ? 'v' : 'Via'}: SIP/2.0/TCP 192.0.2.1:${viaPort};branch=z9hG4bK${fromTag}`,
          `${compact ? 'f' : 'From'}: "${user}" <sip:${user}@a.example>;tag=${fromTag}`,
          `${compact ? 't' : 'To'}: <sip:bob@b.example>${withToTag ? `;tag=${toTag}` : ''}`,
          `${compact ? 'i' : 'Call-ID'}: ${callId}@host`,
          `CSeq: ${seq} INVITE`,
          `${compact ? 'm' : 'Contact'}: <sip:${user}@192.0.2.1:${viaPort};transport=tcp>`,
          `${compact ? 'c' : 'Content-Type'}: application/sdp`,
        ];
        const text = ['INVITE sip:bob@b.example SIP/2.0', ...headers.reverse(), '', ''].join('\r\n');
        const f = fieldsOf(parseMessage(utf8Encode(text)));
        expect(f.vias).toEqual([{ transport: 'TCP', host: '192.0.2.1', port: viaPort, params: { branch: `z9hG4bK${fromTag}` } }]);
        expect(f.from).toEqual({ displayName: user, uri: `sip:${user}@a.example`, params: { tag: fromTag } });
        expect(f.to.params.tag).toBe(withToTag ? toTag : undefined);
        expect(f.callId).toBe(`${callId}@host`);
        expect(f.cseq).toEqual({ seq, method: 'INVITE' });
        expect(f.contacts).toEqual([{ uri: `sip:${user}@192.0.2.1:${viaPort};transport=tcp`, params: {} }]);
        expect(f.contentType).toBe('application/sdp');
      }),
    );
  });

  const invite = (contact: string): SipRequest => parseMessage(utf8Encode([
    'INVITE sip:bob@b SIP/2.0', 'Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1', 'From: <sip:a@a>;tag=1', 'To: <sip:b@b>',
    'Call-ID: c1', 'CSeq: 7 INVITE', `Contact: ${contact}`, '', '',
  ].join('\r\n'))) as SipRequest;

  it('gives the fields parsed on arrival, not a new parse per use', () => {
    const m = invite('<sip:a@192.0.2.1>');
    expect(fieldsOf(m)).toBe(fieldsOf(m));
    expect(fieldsOf({ ...m, method: 'ACK' })).toBe(fieldsOf(m));
  });

  it('parses a copy with other headers on its own', () => {
    const m = invite('<sip:a@192.0.2.1>');
    const copy = { ...m, headers: m.headers.map((h) => (h.name === 'CSeq' ? { name: 'CSeq', value: '8 INVITE' } : h)) };
    expect(fieldsOf(copy).cseq.seq).toBe(8);
    expect(fieldsOf(m).cseq.seq).toBe(7);
  });

  it('keeps a malformed Contact as its error, thrown only where a Contact is read', () => {
    const m = invite('<sip:a@192.0.2.1');
    expect(fieldsOf(m).callId).toBe('c1');
    expect(() => contactsOf(m)).toThrow(SipParseError);
  });

  it('carries the fields over to a copy whose top Via the transport stamped (§18.2.1), the other Vias as they were', () => {
    const m = parseMessage(utf8Encode([
      'OPTIONS sip:b@b SIP/2.0', 'Via: SIP/2.0/UDP a.example;branch=z9hG4bK1;rport, SIP/2.0/TCP p.example;branch=z9hG4bK2', 'Via: SIP/2.0/UDP q.example;branch=z9hG4bK3',
      'From: <sip:a@a>;tag=1', 'To: <sip:b@b>', 'Call-ID: c2', 'CSeq: 1 OPTIONS', '', '',
    ].join('\r\n')));
    const top = { ...fieldsOf(m).vias[0], params: { branch: 'z9hG4bK1', rport: '5999', received: '192.0.2.8' } };
    const stamped = withTopVia(m, top);
    expect(fieldsOf(stamped).vias[0]).toBe(top);
    expect(fieldsOf(stamped).vias.slice(1)).toEqual(fieldsOf(m).vias.slice(1));
    expect(headerValues(stamped, 'Via')).toEqual(['SIP/2.0/UDP a.example;branch=z9hG4bK1;rport=5999;received=192.0.2.8', 'SIP/2.0/TCP p.example;branch=z9hG4bK2', 'SIP/2.0/UDP q.example;branch=z9hG4bK3']);
  });
});
