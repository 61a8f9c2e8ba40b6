import fc from 'fast-check';
import { utf8Decode, utf8Encode } from '../../modules/util/bytes.js';
import { SipParseError, SipRequestError } from '../../modules/sip/errors.js';
import { headerValue, headerValues, parseMessage, serializeMessage, splitList, type SipMessage } from '../../modules/sip/message.js';

const crlf = (lines: string[]): Uint8Array => utf8Encode(lines.join('\r\n'));

// The INVITE of RFC 3261 §7 / §24.2 (F1), with compact forms and a folded header added.
const INVITE = [
  'INVITE sip:bob@biloxi.com SIP/2.0',
  'v: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds',
  'Max-Forwards: 70',
  't: Bob <sip:bob@biloxi.com>',
  'f: Alice <sip:alice@atlanta.com>;tag=1928301774',
  'i: a84b4c76e66710@pc33.atlanta.com',
  'CSeq: 314159 INVITE',
  'm: <sip:alice@pc33.atlanta.com>',
  'Subject: I know you\'re there,',
  '         pull up a chair',
  'c: application/sdp',
  'l: 4',
  '',
  'v=0\n',
];

describe('SIP message parser', () => {
  it('parses the RFC 3261 INVITE with compact names and a folded line', () => {
    const m = parseMessage(crlf(INVITE));
    expect(m.kind).toBe('request');
    if (m.kind !== 'request') return;
    expect(m.method).toBe('INVITE');
    expect(m.uri).toBe('sip:bob@biloxi.com');
    expect(headerValue(m, 'Via')).toBe('SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds');
    expect(headerValue(m, 'call-id')).toBe('a84b4c76e66710@pc33.atlanta.com');
    expect(headerValue(m, 'i')).toBe('a84b4c76e66710@pc33.atlanta.com');
    expect(headerValue(m, 'Contact')).toBe('<sip:alice@pc33.atlanta.com>');
    expect(headerValue(m, 'Subject')).toBe("I know you're there, pull up a chair");
    expect(headerValue(m, 'Content-Type')).toBe('application/sdp');
    expect(m.body).toBe('v=0\n');
  });

  it('parses a response and splits comma-separated Via values in order (§7.3.1)', () => {
    const m = parseMessage(crlf([
      'SIP/2.0 180 Ringing',
      'Via: SIP/2.0/UDP server10.biloxi.com;branch=z9hG4bK4b43c2ff8.1, SIP/2.0/UDP bigbox3.site3.atlanta.com;branch=z9hG4bK77ef4c2312983.1',
      'Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds;received=192.0.2.1',
      'To: Bob <sip:bob@biloxi.com>;tag=a6c85cf',
      'From: Alice <sip:alice@atlanta.com>;tag=1928301774',
      'Call-ID: a84b4c76e66710',
      'Contact: "Bob, at work" <sip:bob@192.0.2.4>, <sip:bob@192.0.2.5>;q=0.5',
      'CSeq: 314159 INVITE',
      'Content-Length: 0',
      '', '',
    ]));
    expect(m).toMatchObject({ kind: 'response', status: 180, reason: 'Ringing' });
    expect(headerValues(m, 'Via')).toHaveLength(3);
    expect(headerValues(m, 'v')[2]).toBe('SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds;received=192.0.2.1');
    expect(headerValues(m, 'Contact')).toEqual(['"Bob, at work" <sip:bob@192.0.2.4>', '<sip:bob@192.0.2.5>;q=0.5']);
  });

  it('keeps digest challenges whole (their parameters contain commas)', () => {
    const m = parseMessage(crlf([
      'SIP/2.0 401 Unauthorized', 'Via: SIP/2.0/UDP h;branch=z9hG4bKx', 'To: <sip:a@b>;tag=1', 'From: <sip:a@b>;tag=2', 'Call-ID: c', 'CSeq: 1 REGISTER',
      'WWW-Authenticate: Digest realm="b", nonce="n1", qop="auth,auth-int"', 'Content-Length: 0', '', '',
    ]));
    expect(headerValues(m, 'WWW-Authenticate')).toEqual(['Digest realm="b", nonce="n1", qop="auth,auth-int"']);
  });

  it('applies Content-Length strictly: short bodies fail, extra bytes are dropped, absent means the rest (§18.3)', () => {
    const head = INVITE.slice(0, 11);
    expect(() => parseMessage(crlf([...head, 'l: 10', '', 'v=0']))).toThrow(SipParseError);
    expect(parseMessage(crlf([...head, 'l: 2', '', 'v=0'])).body).toBe('v=');
    expect(parseMessage(crlf([...head, '', 'v=0 and more'])).body).toBe('v=0 and more');
    expect(() => parseMessage(crlf([...head, 'l: -1', '', '']))).toThrow(SipParseError);
    expect(() => parseMessage(crlf([...head, 'l: 1', 'Content-Length: 1', '', 'x']))).toThrow(SipParseError);
  });

  it.each([
    ['no blank line', 'INVITE sip:a@b SIP/2.0\r\nVia: x'],
    ['bad version', 'INVITE sip:a@b SIP/3.0\r\n\r\n'],
    ['bad status', 'SIP/2.0 99 Low\r\n\r\n'],
    ['missing headers', 'OPTIONS sip:a@b SIP/2.0\r\nCall-ID: x\r\n\r\n'],
    ['continuation first', 'OPTIONS sip:a@b SIP/2.0\r\n folded\r\n\r\n'],
    ['header without colon', 'OPTIONS sip:a@b SIP/2.0\r\nVia\r\n\r\n'],
  ])('rejects a message with %s', (_name, text) => {
    expect(() => parseMessage(utf8Encode(text as string))).toThrow(SipParseError);
  });

  it('rejects a CSeq method that differs from the request method (§8.1.1.5)', () => {
    const lines = INVITE.map((l) => (l.startsWith('CSeq') ? 'CSeq: 1 BYE' : l));
    expect(() => parseMessage(crlf(lines))).toThrow(SipParseError);
  });

  const refused = (lines: string[]): unknown => {
    try {
      parseMessage(crlf(lines));
    } catch (e) {
      return e;
    }
    return undefined;
  };
  const OPTIONS = ['OPTIONS sip:b@example.com SIP/2.0', 'Via: SIP/2.0/UDP h;branch=z9hG4bKo', 'From: <sip:a@x>;tag=1', 'To: <sip:b@example.com>', 'Call-ID: o1', 'CSeq: 1 OPTIONS'];

  it('refuses a framed request that breaks a rule with what an answer needs: status, method, header fields', () => {
    const e = refused([...OPTIONS, 'To: <sip:other@example.com>', '', '']);
    expect(e).toBeInstanceOf(SipRequestError);
    expect(e).toMatchObject({ status: 400, method: 'OPTIONS', message: 'more than one To header' });
    expect((e as SipRequestError).headers.map((h) => h.name)).toEqual(['Via', 'From', 'To', 'Call-ID', 'CSeq', 'To']);
    // Another SIP version is 505 (§21.5.6), before anything else is looked at: its Via says SIP/3.0 too.
    const other = ['OPTIONS sip:b@example.com SIP/3.0', 'Via: SIP/3.0/UDP h;branch=z9hG4bKo', ...OPTIONS.slice(2), '', ''];
    expect(refused(other)).toMatchObject({ status: 505, method: 'OPTIONS' });
    // A Request-Line that does not parse is still a request with header fields to answer (RFC 4475 §3.1.2.7-10).
    expect(refused(['OPTIONS  sip:b@example.com SIP/2.0', ...OPTIONS.slice(1), '', ''])).toMatchObject({ status: 400, method: 'OPTIONS' });
  });

  it.each([
    ['an ACK', ['ACK sip:b@example.com SIP/2.0', ...OPTIONS.slice(1, 5), 'CSeq: 1 INVITE', '', '']],
    ['a response', ['SIP/2.0 200 OK', ...OPTIONS.slice(1), 'CSeq: 1 OPTIONS', '', '']],
    ['a request without a Call-ID', [...OPTIONS.filter((l) => !l.startsWith('Call-ID')), 'Content-Length: x', '', '']],
  ])('only drops (plain SipParseError) %s that breaks a rule: nothing to answer', (_name, lines) => {
    const e = refused(lines as string[]);
    expect(e).toBeInstanceOf(SipParseError);
    expect(e).not.toBeInstanceOf(SipRequestError);
  });

  it('takes a NUL in a header value only as a quoted-pair inside a quoted string (§25.1)', () => {
    const to = (value: string): string[] => OPTIONS.map((l) => (l.startsWith('To:') ? `To: ${value}` : l)).concat('', '');
    expect(headerValue(parseMessage(crlf(to('"a\\\0b" <sip:b@example.com>'))), 'To')).toBe('"a\\\0b" <sip:b@example.com>');
    expect(refused(to('"a\0b" <sip:b@example.com>'))).toBeInstanceOf(SipParseError);
    expect(refused(to('<sip:b@example.com>\0'))).toBeInstanceOf(SipParseError);
    expect(refused(to('<sip:b@example.com>;x="\\\n"'))).toBeInstanceOf(SipParseError);
  });

  it('refuses a SIP Request-URI that does not parse or carries headers (§19.1.1 Table 1), leaves other schemes to the UA', () => {
    const uri = (u: string): string[] => [`OPTIONS ${u} SIP/2.0`, ...OPTIONS.slice(1), '', ''];
    expect(refused(uri('sip:b@example.com?Route=%3Csip:x%3E'))).toMatchObject({ status: 400 });
    expect(refused(uri('sip:b@'))).toMatchObject({ status: 400 });
    expect(parseMessage(crlf(uri('urn:x-unknown:thing')))).toMatchObject({ uri: 'urn:x-unknown:thing' });
    expect(parseMessage(crlf(uri('sip:a;b?c@example.com')))).toMatchObject({ uri: 'sip:a;b?c@example.com' });
  });

  it('skips leading CRLF keep-alives', () => {
    const bytes = utf8Encode('\r\n\r\n' + INVITE.join('\r\n'));
    expect(parseMessage(bytes).kind).toBe('request');
  });

  it('splits lists only at top-level commas', () => {
    expect(splitList('a, "b, c" <sip:x>, <sip:y,z>;p=1')).toEqual(['a', '"b, c" <sip:x>', '<sip:y,z>;p=1']);
  });
});

const isParseErrorOnly = (bytes: Uint8Array): boolean => {
  try {
    parseMessage(bytes);
    return true;
  } catch (e) {
    return e instanceof SipParseError;
  }
};

describe('SIP message parser under fuzzing', () => {
  it('throws only SipParseError on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), isParseErrorOnly), { numRuns: 300 });
  });

  it('throws only SipParseError on mutations of a valid message', () => {
    const base = crlf(INVITE);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'insert', 'delete')), { minLength: 1, maxLength: 8 }), (edits) => {
        let bytes = Array.from(base);
        for (const [at, value, op] of edits) {
          const i = at % Math.max(1, bytes.length);
          if (op === 'set') bytes[i] = value;
          else if (op === 'insert') bytes.splice(i, 0, value);
          else bytes.splice(i, 1);
        }
        return isParseErrorOnly(Uint8Array.from(bytes));
      }),
      { numRuns: 300 },
    );
  });

  it('throws only SipParseError on messages made of SIP-like tokens', () => {
    const piece = fc.constantFrom('INVITE', ' ', 'sip:a@b', 'SIP/2.0', '\r\n', ':', ';', ',', '"', '<', '>', 'Via', 'v', 'CSeq', '1', 'Content-Length', 'l', '\t', 'tag=', 'z9hG4bK', 'SIP/2.0/UDP', '200', 'OK', '\r\n\r\n', '=', '@');
    fc.assert(fc.property(fc.array(piece, { maxLength: 60 }), (parts) => isParseErrorOnly(utf8Encode(parts.join('')))), { numRuns: 300 });
  });
});

const token = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{1,10}$/);
const value = fc.stringMatching(/^[!-~]([ -~]{0,30}[!-~])?$/);
const messageArb: fc.Arbitrary<SipMessage> = fc.record({
  request: fc.boolean(),
  method: fc.constantFrom('INVITE', 'BYE', 'OPTIONS', 'REGISTER', 'CANCEL'),
  status: fc.integer({ min: 100, max: 699 }),
  reason: fc.stringMatching(/^[A-Za-z][A-Za-z ]{0,20}$/),
  extra: fc.array(fc.record({ name: token.map((t) => `X-${t}`), value }), { maxLength: 6 }),
  body: fc.string({ unit: 'grapheme', maxLength: 80 }),
}).map(({ request, method, status, reason, extra, body }) => {
  const headers = [
    { name: 'Via', value: 'SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKabc' },
    { name: 'From', value: '<sip:a@example.com>;tag=1' },
    { name: 'To', value: '<sip:b@example.com>' },
    { name: 'Call-ID', value: 'id@192.0.2.1' },
    { name: 'CSeq', value: `7 ${method}` },
    ...extra,
  ];
  return request
    ? { kind: 'request' as const, method, uri: 'sip:b@example.com', headers, body }
    : { kind: 'response' as const, status, reason, headers, body };
});

describe('SIP message serializer', () => {
  it('round-trips: parse(serialize(m)) is m plus its Content-Length', () => {
    fc.assert(
      fc.property(messageArb, (m) => {
        const parsed = parseMessage(serializeMessage(m));
        const length = String(utf8Encode(m.body).length);
        expect(parsed).toEqual({ ...m, headers: [...m.headers, { name: 'Content-Length', value: length }] });
        expect(serializeMessage(parsed)).toEqual(serializeMessage(m));
      }),
      { numRuns: 200 },
    );
  });

  it('writes the start line, headers and the byte length of a UTF-8 body', () => {
    const text = utf8Decode(serializeMessage({ kind: 'response', status: 200, reason: 'OK', headers: [{ name: 'Call-ID', value: 'x' }], body: 'é' }));
    expect(text).toBe('SIP/2.0 200 OK\r\nCall-ID: x\r\nContent-Length: 2\r\n\r\né');
  });
});
