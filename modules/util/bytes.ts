// Byte helpers shared by every protocol module: hex, base64 (RFC 4648 §4), UTF-8, concatenation
// and comparison. Pure: XS, Node and the device all lack or differ in their built-ins for these.

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Compares in time that depends only on the lengths, never on where the bytes differ. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

const HEX = '0123456789abcdef';

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i] >> 4] + HEX[bytes[i] & 15];
  return s;
}

export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, '');
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) {
    throw new SyntaxError('hex string must have an even number of hex digits');
  }
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.substr(i * 2, 2), 16);
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = (() => {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < B64.length; i++) t[B64.charCodeAt(i)] = i;
  return t;
})();

export function toBase64(bytes: Uint8Array): string {
  // Short pieces joined once: appending to one long string copies it each time on XS.
  const pieces: string[] = [];
  let s = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    s += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + B64[n & 63];
    if (s.length >= 64) {
      pieces.push(s);
      s = '';
    }
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i] << 16;
    s += B64[n >> 18] + B64[(n >> 12) & 63] + '==';
  } else if (rest === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    s += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + '=';
  }
  pieces.push(s);
  return pieces.join('');
}

/**
 * Strict RFC 4648 base64: padding required, no whitespace, no other alphabet. The text is walked
 * with its iterator: XS keeps strings in UTF-8, so charCodeAt(i) seeks from the start (quadratic on
 * a key-mgmt attribute of a few kilobytes).
 */
export function fromBase64(text: string): Uint8Array {
  if (text.length % 4 !== 0) throw new SyntaxError('base64 length must be a multiple of 4');
  let pad = 0;
  if (text.endsWith('==')) pad = 2;
  else if (text.endsWith('=')) pad = 1;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  let n = 0;
  let at = 0;
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    if (c === 61 /* = */ && at >= text.length - pad) n <<= 6;
    else {
      const v = c < 128 ? B64_INDEX[c] : -1;
      if (v < 0 || ch.length !== 1) throw new SyntaxError(`invalid base64 character at ${at}`);
      n = (n << 6) | v;
    }
    at++;
    if (at % 4 === 0) {
      if (o < out.length) out[o++] = (n >> 16) & 255;
      if (o < out.length) out[o++] = (n >> 8) & 255;
      if (o < out.length) out[o++] = n & 255;
      n = 0;
    }
  }
  return out;
}

/**
 * Encodes UTF-8 without an intermediate array of numbers (16 bytes a slot per byte on the device,
 * 1 MB for a 64 KB SIP message). ASCII, nearly every SIP and SDP text, is one byte per character and
 * is written in one pass; other text is sized in a first pass. The string is walked with its
 * iterator: XS keeps strings in UTF-8, so charCodeAt(i) seeks from the start (quadratic).
 */
export function utf8Encode(text: string): Uint8Array {
  const ascii = new Uint8Array(text.length);
  let i = 0;
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    if (c >= 0x80) return utf8EncodeAny(text);
    ascii[i++] = c;
  }
  return ascii;
}

/** A lone surrogate is encoded as its own three bytes, as codePointAt gives it. */
function utf8EncodeAny(text: string): Uint8Array {
  let length = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    length += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  const out = new Uint8Array(length);
  let o = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out[o++] = c;
    else if (c < 0x800) {
      out[o++] = 0xc0 | (c >> 6);
      out[o++] = 0x80 | (c & 63);
    } else if (c < 0x10000) {
      out[o++] = 0xe0 | (c >> 12);
      out[o++] = 0x80 | ((c >> 6) & 63);
      out[o++] = 0x80 | (c & 63);
    } else {
      out[o++] = 0xf0 | (c >> 18);
      out[o++] = 0x80 | ((c >> 12) & 63);
      out[o++] = 0x80 | ((c >> 6) & 63);
      out[o++] = 0x80 | (c & 63);
    }
  }
  return out;
}

/**
 * Decodes UTF-8; malformed sequences become U+FFFD rather than throwing. Characters gather in short
 * pieces joined once at the end: appending each to one long string copies it every time on XS.
 */
export function utf8Decode(bytes: Uint8Array): string {
  const pieces: string[] = [];
  let s = '';
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    let c = 0xfffd;
    let n = 1;
    if (b < 0x80) c = b;
    else if (b >= 0xc2 && b < 0xe0 && i + 1 < bytes.length && (bytes[i + 1] & 0xc0) === 0x80) {
      c = ((b & 0x1f) << 6) | (bytes[i + 1] & 63);
      n = 2;
    } else if (b >= 0xe0 && b < 0xf0 && i + 2 < bytes.length && (bytes[i + 1] & 0xc0) === 0x80 && (bytes[i + 2] & 0xc0) === 0x80) {
      const v = ((b & 0x0f) << 12) | ((bytes[i + 1] & 63) << 6) | (bytes[i + 2] & 63);
      if (v >= 0x800 && (v < 0xd800 || v > 0xdfff)) c = v;
      n = 3;
    } else if (b >= 0xf0 && b < 0xf5 && i + 3 < bytes.length && (bytes[i + 1] & 0xc0) === 0x80 && (bytes[i + 2] & 0xc0) === 0x80 && (bytes[i + 3] & 0xc0) === 0x80) {
      const v = ((b & 0x07) << 18) | ((bytes[i + 1] & 63) << 12) | ((bytes[i + 2] & 63) << 6) | (bytes[i + 3] & 63);
      if (v >= 0x10000 && v <= 0x10ffff) c = v;
      n = 4;
    }
    s += String.fromCodePoint(c);
    if (s.length >= 64) {
      pieces.push(s);
      s = '';
    }
    i += n;
  }
  pieces.push(s);
  return pieces.join('');
}
