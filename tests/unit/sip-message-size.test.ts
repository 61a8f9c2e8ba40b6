// SIP messages up to the 64 KiB limit (issue 13): an offer with a certificate chain easily passes
// 4 KB, and parsing one must not use the call stack in proportion to its size (this file also runs
// on the XS engine, whose stack a 3,760-byte datagram once overflowed). Above the limit, a datagram
// is refused before any parsing.
import fc from 'fast-check';
import { SipParseError } from '../../modules/sip/errors.js';
import { MAX_SIP_MESSAGE, headerValue, parseMessage, serializeMessage, type SipMessage } from '../../modules/sip/message.js';
import { utf8Decode, utf8Encode } from '../../modules/util/bytes.js';

const HEAD = [
  'OPTIONS sip:bob@192.0.2.4 SIP/2.0',
  'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKbig',
  'From: <sip:alice@example.com>;tag=88',
  'To: <sip:bob@example.com>',
  'Call-ID: big@192.0.2.1',
  'CSeq: 1 OPTIONS',
  'Content-Type: text/plain',
];

/** A valid OPTIONS of exactly `size` bytes whose body repeats `unit`; also returns that body. */
function sized(size: number, unit = 'abcdefghijklmnopqrstuvwxyz0123456789\r\n'): { bytes: Uint8Array; body: string } {
  for (let digits = 1; digits <= 6; digits++) {
    const head = [...HEAD, `Content-Length: ${'0'.repeat(digits)}`, '', ''].join('\r\n');
    const length = size - head.length;
    if (String(length).length !== digits) continue;
    const body = unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
    const text = [...HEAD, `Content-Length: ${length}`, '', body].join('\r\n');
    return { bytes: utf8Encode(text), body };
  }
  throw new Error(`no message of ${size} bytes`);
}

function parseErrorsOnly(bytes: Uint8Array): boolean {
  try {
    parseMessage(bytes);
  } catch (e) {
    return e instanceof SipParseError;
  }
  return true;
}

describe('SIP messages up to 64 KiB', () => {
  it('the limit is 64 KiB', () => {
    expect(MAX_SIP_MESSAGE).toBe(64 * 1024);
  });

  it.each([3760, 4096, 16 * 1024, 64 * 1024])('parses a valid %d-byte message whole', (size) => {
    const { bytes, body } = sized(size);
    expect(bytes.length).toBe(size);
    const m = parseMessage(bytes);
    expect(m.kind).toBe('request');
    expect(m.body).toBe(body);
    expect(headerValue(m, 'Call-ID')).toBe('big@192.0.2.1');
  });

  it('parses a 60 KB header section (one long header) and a UTF-8 body', () => {
    const subject = 'x'.repeat(60_000);
    const message: SipMessage = { kind: 'request', method: 'OPTIONS', uri: 'sip:bob@192.0.2.4', headers: [
      { name: 'Via', value: 'SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKbig' }, { name: 'From', value: '<sip:a@example.com>;tag=1' },
      { name: 'To', value: '<sip:b@example.com>' }, { name: 'Call-ID', value: 'long@192.0.2.1' }, { name: 'CSeq', value: '2 OPTIONS' },
      { name: 'Subject', value: subject },
    ], body: 'é€'.repeat(500) };
    const bytes = serializeMessage(message);
    expect(bytes.length).toBeLessThan(MAX_SIP_MESSAGE);
    const parsed = parseMessage(bytes);
    expect(headerValue(parsed, 'Subject')).toBe(subject);
    expect(parsed.body).toBe(utf8Decode(utf8Encode('é€'.repeat(500))));
  });

  it('refuses a datagram one byte over the limit, valid or not, with a SipParseError', () => {
    expect(() => parseMessage(sized(MAX_SIP_MESSAGE + 1).bytes)).toThrow('message too large');
    expect(() => parseMessage(new Uint8Array(MAX_SIP_MESSAGE + 1))).toThrow(SipParseError);
  });
});

describe('SIP parser fuzzing up to 64 KiB', () => {
  const size = fc.integer({ min: 300, max: MAX_SIP_MESSAGE });
  const unit = fc.string({ minLength: 1, maxLength: 40 });

  it('valid messages of any size up to the limit parse with their body intact', () => {
    fc.assert(fc.property(size, unit, (n, u) => {
      const { bytes, body } = sized(n, u);
      return bytes.length === n && parseMessage(bytes).body === body;
    }), { numRuns: 25 });
  });

  it('large messages with a few bytes changed throw only SipParseError', () => {
    const edits = fc.array(fc.tuple(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 });
    fc.assert(fc.property(size, edits, (n, changes) => {
      const bytes = sized(n).bytes;
      for (const [where, value] of changes) bytes[Math.floor(where * bytes.length)] = value;
      return parseErrorsOnly(bytes);
    }), { numRuns: 25 });
  });

  it('large datagrams of repeated random bytes throw only SipParseError', () => {
    fc.assert(fc.property(size, fc.uint8Array({ minLength: 1, maxLength: 64 }), (n, pattern) => {
      const bytes = new Uint8Array(n);
      for (let i = 0; i < n; i++) bytes[i] = pattern[i % pattern.length];
      return parseErrorsOnly(bytes);
    }), { numRuns: 25 });
  });
});
