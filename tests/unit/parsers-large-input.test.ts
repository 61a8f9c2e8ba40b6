// Issue 13's audit: the binary parsers reachable from a datagram keep their call stack constant
// whatever the input's size or nesting (this file also runs on the XS engine, whose stack is small:
// any recursion on structure or argument spread of an input-sized array would overflow it).
import { decodeMessage, encodeMessage } from '../../modules/mikey/codec.js';
import type { Message, Payload } from '../../modules/mikey/payloads.js';
import { DerError, children, decodeDer } from '../../modules/pki/der.js';
import { parseCertificate } from '../../modules/pki/x509.js';

/** DER length octets of `n`, minimal (X.690 §10.1). */
function lengthOctets(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 255);
  return [0x80 | bytes.length, ...bytes];
}

/** `depth` SEQUENCEs each holding the next, the innermost empty, in minimal DER. */
function nestedDer(depth: number): Uint8Array {
  // Content lengths from the innermost out, then the headers written from the outermost in.
  const content: number[] = new Array(depth);
  content[depth - 1] = 0;
  for (let level = depth - 2; level >= 0; level--) content[level] = content[level + 1] + 1 + lengthOctets(content[level + 1]).length;
  const out = new Uint8Array(content[0] + 1 + lengthOctets(content[0]).length);
  let at = 0;
  for (let level = 0; level < depth; level++) {
    out[at++] = 0x30;
    for (const b of lengthOctets(content[level])) out[at++] = b;
  }
  return out;
}

describe('binary parsers on large inputs', () => {
  it('decodes a MIKEY message with a chain of 5,000 payloads', () => {
    const payloads: Payload[] = [];
    for (let i = 0; i < 5000; i++) payloads.push({ type: 'RAND', value: Uint8Array.of(i & 255, 7) });
    const m: Message = { header: { dataType: 0, v: false, prf: 0, csbId: 1, map: { type: 'srtp-id', sessions: [] } }, payloads };
    const decoded = decodeMessage(encodeMessage(m));
    expect(decoded.payloads).toHaveLength(5000);
    expect(decoded.payloads[4999]).toEqual({ type: 'RAND', value: Uint8Array.of(4999 & 255, 7) });
  });

  it('reads DER nested 10,000 levels deep one level at a time, and refuses it as a certificate with DerError', () => {
    const der = nestedDer(10000);
    let node = decodeDer(der);
    let depth = 1;
    for (let kids = children(node); kids.length > 0; kids = children(node)) {
      node = kids[0];
      depth++;
    }
    expect(depth).toBe(10000);
    expect(() => parseCertificate(der)).toThrow(DerError);
  });
});
