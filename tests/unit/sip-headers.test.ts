import fc from 'fast-check';
import { SipParseError } from '../../modules/sip/errors.js';
import { formatNameAddr, formatVia, parseAuth, parseCSeq, parseNameAddr, parseVia } from '../../modules/sip/headers.js';
import { formatUri, parseUri } from '../../modules/sip/uri.js';

describe('structured SIP header values', () => {
  it('parses Via with port, branch, received and a bare rport (§20.42, RFC 3581)', () => {
    expect(parseVia('SIP/2.0/UDP 192.0.2.1:5062;branch=z9hG4bK776;received=10.0.0.1;rport')).toEqual({
      transport: 'UDP', host: '192.0.2.1', port: 5062, params: { branch: 'z9hG4bK776', received: '10.0.0.1', rport: '' },
    });
    expect(parseVia('SIP / 2.0 / udp first.example.com ; branch=z9hG4bKx')).toMatchObject({ transport: 'UDP', host: 'first.example.com', params: { branch: 'z9hG4bKx' } });
    expect(parseVia('SIP/2.0/UDP [2001:db8::9:1]:5070;branch=z9hG4bKy')).toMatchObject({ host: '[2001:db8::9:1]', port: 5070 });
    expect(() => parseVia('SIP/2.0 host')).toThrow(SipParseError);
    expect(() => parseVia('SIP/2.0/UDP host:99999')).toThrow(SipParseError);
  });

  it('parses name-addr and addr-spec forms; parameters after a bare URI belong to the header (§20.10)', () => {
    expect(parseNameAddr('"Alice \\"A\\"" <sip:alice@atlanta.com;transport=udp>;tag=1928301774')).toEqual({
      displayName: 'Alice "A"', uri: 'sip:alice@atlanta.com;transport=udp', params: { tag: '1928301774' },
    });
    expect(parseNameAddr('Bob <sip:bob@biloxi.com>')).toEqual({ displayName: 'Bob', uri: 'sip:bob@biloxi.com', params: {} });
    expect(parseNameAddr('sip:carol@chicago.com;tag=887s')).toEqual({ uri: 'sip:carol@chicago.com', params: { tag: '887s' } });
    for (const bad of ['"unterminated <sip:a@b>', '<sip:a@b', 'Alice', '<sip:a@b> junk']) expect(() => parseNameAddr(bad)).toThrow(SipParseError);
  });

  it('takes an unquoted display name of tokens only, and no empty parameter (§25.1; RFC 4475 §3.1.2.1, §3.1.2.15)', () => {
    expect(parseNameAddr("token1~` token2'+_ <sip:a@b>").displayName).toBe("token1~` token2'+_");
    expect(parseNameAddr('caller<sip:a@b>').displayName).toBe('caller');
    for (const bad of ['Bell, Alexander <sip:a@b>', 'A "B" <sip:a@b>', '<sip:a@b>;;', '<sip:a@b>;tag=1;', 'sip:a@b;;tag=1']) expect(() => parseNameAddr(bad)).toThrow(SipParseError);
    expect(() => parseVia('SIP/2.0/UDP 192.0.2.15;;')).toThrow(SipParseError);
  });

  it('formats name-addr and Via so that they parse back', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }).filter((s) => !/[\r\n]/.test(s)), fc.stringMatching(/^[a-z0-9]{1,12}$/), (display, tag) => {
        const a = { displayName: display, uri: 'sip:x@example.com', params: { tag } };
        expect(parseNameAddr(formatNameAddr(a))).toEqual(a);
      }),
      { numRuns: 200 },
    );
    const via = { transport: 'UDP', host: '127.0.0.1', port: 5060, params: { branch: 'z9hG4bK1', rport: '' } };
    expect(parseVia(formatVia(via))).toEqual(via);
  });

  it('parses CSeq and refuses numbers of 2**31 and more (§8.1.1.5)', () => {
    expect(parseCSeq('314159 INVITE')).toEqual({ seq: 314159, method: 'INVITE' });
    expect(() => parseCSeq('2147483648 INVITE')).toThrow(SipParseError);
    expect(() => parseCSeq('INVITE 1')).toThrow(SipParseError);
  });

  it('parses the RFC 2617 §3.5 challenge and credentials', () => {
    const c = parseAuth('Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"');
    expect(c).toEqual({ scheme: 'Digest', params: { realm: 'testrealm@host.com', qop: 'auth,auth-int', nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093', opaque: '5ccc069c403ebaf9f0171e9517f40e41' } });
    expect(parseAuth('Digest algorithm=MD5,stale=TRUE , realm="r"').params).toEqual({ algorithm: 'MD5', stale: 'TRUE', realm: 'r' });
    for (const bad of ['Digest', 'Digest realm="x', 'Digest realm="a" nonce="b"', 'Digest =x']) expect(() => parseAuth(bad)).toThrow(SipParseError);
  });

  it('parses and formats SIP URIs (§19.1)', () => {
    expect(parseUri('sip:alice@192.0.2.4:5070;transport=udp;lr')).toEqual({ scheme: 'sip', user: 'alice', host: '192.0.2.4', port: 5070, params: { transport: 'udp', lr: '' } });
    expect(parseUri('sips:example.com')).toEqual({ scheme: 'sips', host: 'example.com', params: {} });
    expect(formatUri(parseUri('sip:bob@h:1;lr'))).toBe('sip:bob@h:1;lr');
    for (const bad of ['tel:+1234', 'sip:', 'sip:a@b:70000', 'sip:a b@c']) expect(() => parseUri(bad)).toThrow(SipParseError);
    // The user part ends at "@", whatever ";" or "?" it holds (user-unreserved, §25.1; RFC 4475 §3.1.1.9).
    expect(parseUri('sip:user;par=u%40example.net@example.com')).toEqual({ scheme: 'sip', user: 'user;par=u%40example.net', host: 'example.com', params: {} });
    expect(parseUri('sip:a?b@example.com;lr?Route=%3Csip:x%3E')).toEqual({ scheme: 'sip', user: 'a?b', host: 'example.com', params: { lr: '' }, headers: 'Route=%3Csip:x%3E' });
  });

  it('throws only SipParseError on arbitrary header text', () => {
    const parsers = [parseVia, parseNameAddr, parseCSeq, parseAuth, parseUri];
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.nat(parsers.length - 1), (text, i) => {
        try {
          parsers[i](text);
        } catch (e) {
          return e instanceof SipParseError;
        }
        return true;
      }),
      { numRuns: 500 },
    );
  });
});
