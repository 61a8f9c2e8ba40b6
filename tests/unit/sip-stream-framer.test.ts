// Stream framing (RFC 3261 §18.3): messages cut at any chunk boundaries come back whole, keep-alive
// CRLFs between them are skipped or counted as pings (RFC 5626 §3.5.1), and a stream that breaks a
// rule or a bound gets an error and never makes the framer hold more than its bound.
import fc from 'fast-check';
import { DEFAULT_FRAMER_LIMITS, StreamFramer, type Framed } from '../../modules/sip/stream-framer.js';
import { parseMessage } from '../../modules/sip/message.js';
import { utf8Encode } from '../../modules/util/bytes.js';

const text = (bytes: Uint8Array): string => Array.from(bytes, (b) => String.fromCharCode(b)).join('');

/** RFC 3261 §24.2 F1 over TCP (its printed Content-Length, 142, is not its body's length, so it is counted). */
const SDP = 'v=0\r\no=alice 2890844526 2890844526 IN IP4 pc33.atlanta.com\r\ns=Session SDP\r\nc=IN IP4 pc33.atlanta.com\r\nt=0 0\r\nm=audio 49172 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n';
const F1 = utf8Encode([
  'INVITE sip:bob@biloxi.com SIP/2.0',
  'Via: SIP/2.0/TCP pc33.atlanta.com;branch=z9hG4bKnashds8',
  'Max-Forwards: 70',
  'To: Bob <sip:bob@biloxi.com>',
  'From: Alice <sip:alice@atlanta.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710',
  'CSeq: 314159 INVITE',
  'Contact: <sip:alice@pc33.atlanta.com>',
  'Content-Type: application/sdp',
  `Content-Length: ${SDP.length}`,
  '',
  SDP,
].join('\r\n'));

/** Feeds the chunks in order and joins what comes out. */
function feed(framer: StreamFramer, chunks: readonly Uint8Array[]): { messages: string[]; pings: number; error?: string } {
  const messages: string[] = [];
  let pings = 0;
  let error: string | undefined;
  for (const chunk of chunks) {
    const out: Framed = framer.push(chunk);
    messages.push(...out.messages.map(text));
    pings += out.pings;
    error ??= out.error;
  }
  return error === undefined ? { messages, pings } : { messages, pings, error };
}

/** Cuts `bytes` at the given offsets (any order, repeats allowed). */
function cut(bytes: Uint8Array, at: readonly number[]): Uint8Array[] {
  const points = [0, ...at.map((p) => p % (bytes.length + 1)).sort((a, b) => a - b), bytes.length];
  return points.slice(1).map((end, i) => bytes.slice(points[i], end));
}

function join(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const bytesOf = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** A message built from parts: its own start line, header fields in varied forms, and a body of any bytes. */
const message = fc
  .record({
    start: fc.constantFrom('OPTIONS sip:bob@192.0.2.4 SIP/2.0', 'SIP/2.0 200 OK', 'ACK sip:x SIP/2.0', 'MESSAGE sip:a@b;transport=tcp SIP/2.0'),
    headers: fc.array(fc.stringMatching(/^[A-Za-z-]{1,12}: [ -~]{0,40}$/).filter((h) => !/^(content-length|l)\s*:/i.test(h)), { maxLength: 6 }),
    lengthName: fc.constantFrom('Content-Length', 'content-length', 'l', 'CONTENT-LENGTH '),
    folded: fc.boolean(),
    body: fc.uint8Array({ maxLength: 300 }),
  })
  .map(({ start, headers, lengthName, folded, body }) => {
    const length = folded ? `${lengthName}:\r\n  ${body.length}` : `${lengthName}: ${body.length}`;
    return join([bytesOf([start, ...headers, length, '', ''].join('\r\n')), body]);
  });

/** What may come between messages: nothing, CRLF pongs, CRLFCRLF pings. */
const gap = fc.constantFrom('', '\r\n', '\r\n\r\n', '\r\n\r\n\r\n');

describe('SIP stream framer', () => {
  it('gives back RFC 3261 F1 cut one byte at a time, and the parser reads it', () => {
    const out = feed(new StreamFramer(), cut(F1, Array.from({ length: F1.length }, (_, i) => i)));
    expect(out).toEqual({ messages: [text(F1)], pings: 0 });
    expect(parseMessage(bytesOf(out.messages[0])).body).toBe(SDP);
  });

  it('gives back every message of a concatenation, however it is split (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(gap, message), { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 12 }), (items, at) => {
        const stream = join(items.flatMap(([g, m]) => [bytesOf(g), m]));
        const out = feed(new StreamFramer(), cut(stream, at));
        expect(out.error).toBeUndefined();
        expect(out.messages).toEqual(items.map(([, m]) => text(m)));
        expect(out.pings).toBe(items.reduce((n, [g]) => n + Math.floor(g.length / 4), 0));
      }),
    );
  });

  it('ends a message at Content-Length even when its body holds an empty line or a start line', () => {
    const body = '\r\n\r\nINVITE sip:x SIP/2.0\r\n\r\n';
    const m = `MESSAGE sip:a@b SIP/2.0\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    const next = 'SIP/2.0 200 OK\r\nl: 0\r\n\r\n';
    expect(feed(new StreamFramer(), [bytesOf(m + next)])).toEqual({ messages: [m, next], pings: 0 });
  });

  it('counts a CRLFCRLF between messages as a ping and a lone CRLF as none (RFC 5626 §3.5.1)', () => {
    const framer = new StreamFramer();
    expect(framer.push(bytesOf('\r\n\r\n'))).toEqual({ messages: [], pings: 1 });
    expect(framer.push(bytesOf('\r\n'))).toEqual({ messages: [], pings: 0 });
    expect(framer.push(bytesOf('\r'))).toEqual({ messages: [], pings: 0 });
    expect(framer.push(bytesOf('\n'))).toEqual({ messages: [], pings: 1 });
    expect(framer.idle).toBe(true);
  });

  it('refuses a message without Content-Length, the rule for streams (§18.3)', () => {
    const out = feed(new StreamFramer(), [bytesOf('SIP/2.0 200 OK\r\nVia: x\r\n\r\nSIP/2.0 200 OK\r\nl: 0\r\n\r\n')]);
    expect(out.messages).toEqual([]);
    expect(out.error).toMatch(/no Content-Length/);
  });

  it('refuses two Content-Lengths and one that is not a number', () => {
    expect(new StreamFramer().push(bytesOf('SIP/2.0 200 OK\r\nl: 0\r\nContent-Length: 0\r\n\r\n')).error).toMatch(/more than one/);
    expect(new StreamFramer().push(bytesOf('SIP/2.0 200 OK\r\nContent-Length: -1\r\n\r\n')).error).toMatch(/not a number/);
    expect(new StreamFramer().push(bytesOf('SIP/2.0 200 OK\r\nContent-Length: 1e3\r\n\r\n')).error).toMatch(/not a number/);
  });

  it('gives the messages before a fault, then stays failed and holds nothing', () => {
    const framer = new StreamFramer();
    const good = 'SIP/2.0 200 OK\r\nl: 0\r\n\r\n';
    const out = framer.push(bytesOf(`${good}SIP/2.0 200 OK\r\n\r\n${good}`));
    expect(out.messages.map(text)).toEqual([good]);
    expect(out.error).toMatch(/no Content-Length/);
    expect(framer.push(bytesOf(good))).toEqual({ messages: [], pings: 0, error: out.error });
    expect(framer.buffered).toBe(0);
  });

  it('cuts an endless header section at its bound, chunk by chunk', () => {
    const framer = new StreamFramer({ maxHeaderBytes: 4096 });
    const line = bytesOf('X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n');
    let out: Framed = framer.push(bytesOf('OPTIONS sip:a@b SIP/2.0\r\n'));
    let sent = 25;
    while (out.error === undefined) {
      out = framer.push(line);
      sent += line.length;
      expect(framer.buffered).toBeLessThanOrEqual(4096);
    }
    expect(out.error).toBe('header section over 4096 bytes');
    expect(sent).toBeGreaterThan(4096);
    expect(sent).toBeLessThanOrEqual(4096 + line.length);
  });

  it('refuses a message whose Content-Length passes the bound as soon as its header section ends', () => {
    const framer = new StreamFramer({ maxMessageBytes: 1000 });
    const out = framer.push(bytesOf('MESSAGE sip:a@b SIP/2.0\r\nContent-Length: 990\r\n\r\n'));
    expect(out.error).toMatch(/over the 1000-byte bound/);
    expect(framer.buffered).toBe(0);
  });

  it('takes a message of exactly the default bound, fed in 1,000-byte chunks', () => {
    const head = 'MESSAGE sip:a@b SIP/2.0\r\nContent-Length: 00000\r\n\r\n';
    const bodyLength = DEFAULT_FRAMER_LIMITS.maxMessageBytes - head.length;
    const m = join([bytesOf(head.replace('00000', String(bodyLength))), new Uint8Array(bodyLength).fill(0x61)]);
    expect(m.length).toBe(DEFAULT_FRAMER_LIMITS.maxMessageBytes);
    const out = feed(new StreamFramer(), cut(m, Array.from({ length: 66 }, (_, i) => i * 1000)));
    expect(out.messages.length).toBe(1);
    expect(out.messages[0].length).toBe(m.length);
    expect(out.error).toBeUndefined();
  });

  it('never throws, never holds more than its bound, and stays failed once failed, on any bytes (fuzz)', () => {
    const crlfHeavy = fc.array(fc.constantFrom(13, 10, 0x41, 0x3a, 0x20, 0x6c, 0x30, 0x35), { maxLength: 400 }).map((a) => Uint8Array.from(a));
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.uint8Array({ maxLength: 400 }), crlfHeavy), { maxLength: 20 }), (chunks) => {
        const framer = new StreamFramer({ maxHeaderBytes: 256, maxMessageBytes: 512 });
        let failed: string | undefined;
        for (const chunk of chunks) {
          const out = framer.push(chunk);
          if (failed !== undefined) expect(out).toEqual({ messages: [], pings: 0, error: failed });
          failed ??= out.error;
          expect(framer.buffered).toBeLessThanOrEqual(512);
          for (const m of out.messages) expect(m.length).toBeLessThanOrEqual(512);
        }
      }),
    );
  });
});
