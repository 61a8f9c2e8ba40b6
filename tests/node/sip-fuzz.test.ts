// Large fuzz runs (Node only) of the SIP parsers and the user agent's receive path: every malformed
// input must end in a SipParseError (parser) or a silent drop (UA), never another exception or a hang.

import fc from 'fast-check';
import { SipParseError } from '../../modules/sip/errors.js';
import { parseAuth, parseNameAddr, parseVia } from '../../modules/sip/headers.js';
import { MAX_SIP_MESSAGE, parseMessage } from '../../modules/sip/message.js';
import { UserAgent } from '../../modules/sip/user-agent.js';
import { utf8Encode } from '../../modules/util/bytes.js';

const VALID = utf8Encode([
  'INVITE sip:bob@127.0.0.1:5062 SIP/2.0', 'Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKfuzz;rport', 'Max-Forwards: 70',
  'To: Bob <sip:bob@127.0.0.1:5062>', 'From: "Alice" <sip:alice@example.test>;tag=1928301774', 'Call-ID: fuzz@127.0.0.1', 'CSeq: 1 INVITE',
  'Contact: <sip:alice@127.0.0.1:5060>', 'Record-Route: <sip:127.0.0.1:5070;lr>', 'Proxy-Authorization: Digest username="a", realm="r", nonce="n", uri="sip:x", response="0"',
  'Content-Type: application/sdp', 'Content-Length: 4', '', 'v=0\n',
].join('\r\n'));

function onlyParseErrors(run: () => unknown): boolean {
  try {
    run();
  } catch (e) {
    return e instanceof SipParseError;
  }
  return true;
}

const mutated = fc.array(fc.tuple(fc.nat(VALID.length - 1), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'insert', 'delete')), { minLength: 1, maxLength: 12 }).map((edits) => {
  const bytes = Array.from(VALID);
  for (const [at, value, op] of edits) {
    const i = at % Math.max(1, bytes.length);
    if (op === 'set') bytes[i] = value;
    else if (op === 'insert') bytes.splice(i, 0, value);
    else bytes.splice(i, 1);
  }
  return Uint8Array.from(bytes);
});

describe('SIP parsers under heavy fuzzing', () => {
  it('100,000 random datagrams', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (b) => onlyParseErrors(() => parseMessage(b))), { numRuns: 100_000 });
  });

  it('100,000 mutations of a valid INVITE', () => {
    fc.assert(fc.property(mutated, (b) => onlyParseErrors(() => parseMessage(b))), { numRuns: 100_000 });
  });

  it('100,000 header values for the Via, name-addr and auth parsers', () => {
    const parsers = [parseVia, parseNameAddr, parseAuth];
    fc.assert(fc.property(fc.string({ maxLength: 120 }), fc.nat(2), (s, i) => onlyParseErrors(() => parsers[i](s))), { numRuns: 100_000 });
  });

  it('20,000 mutated requests into a user agent: dropped or answered, never thrown', () => {
    const ua = new UserAgent({ account: { user: 'bob', domain: 'example.test', password: 'x' }, local: { address: '127.0.0.1', port: 5062 }, random: { bytes: (n) => new Uint8Array(n).fill(7) } });
    fc.assert(fc.property(mutated, (b) => {
      const actions = ua.receive(b, { address: '127.0.0.1', port: 5060 });
      return Array.isArray(actions);
    }), { numRuns: 20_000 });
  });

  it('2,000 mutated INVITEs padded up to 64 KiB into a user agent and the parser: answered, dropped or SipParseError', () => {
    const ua = new UserAgent({ account: { user: 'bob', domain: 'example.test', password: 'x' }, local: { address: '127.0.0.1', port: 5062 }, random: { bytes: (n) => new Uint8Array(n).fill(9) } });
    const head = new TextDecoder().decode(VALID).replace(/Content-Length: 4\r\n\r\nv=0\n$/, '');
    const large = fc.tuple(fc.integer({ min: 1, max: MAX_SIP_MESSAGE + 64 }), fc.array(fc.tuple(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.integer({ min: 0, max: 255 })), { maxLength: 6 })).map(([size, edits]) => {
      const body = 'v=0\r\n' + 'a=x:'.padEnd(Math.max(4, size - head.length - 30), 'y') + '\r\n';
      const bytes = utf8Encode(`${head}Content-Length: ${body.length}\r\n\r\n${body}`);
      for (const [where, value] of edits) bytes[Math.floor(where * bytes.length)] = value;
      return bytes;
    });
    fc.assert(fc.property(large, (b) => onlyParseErrors(() => parseMessage(b)) && Array.isArray(ua.receive(b, { address: '127.0.0.1', port: 5060 }))), { numRuns: 2000 });
  });
});
