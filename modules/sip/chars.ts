// Character classes of the SIP grammar (RFC 3261 §25.1) tested with lookup tables: the parsers use
// these instead of regular expressions, which cost milliseconds per match on the XS engine.

const TOKEN = new Uint8Array(128);
for (const c of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~") TOKEN[c.charCodeAt(0)] = 1;

/** token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~") */
export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || TOKEN[c] === 0) return false;
  }
  return true;
}

/** 1*DIGIT, at most `maxLength` digits. */
export function isDigits(s: string, maxLength: number): boolean {
  if (s.length === 0 || s.length > maxLength) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** SP or HTAB (WSP). */
export function isWsp(c: number): boolean {
  return c === 32 || c === 9;
}

/** Removes leading and trailing SP/HTAB. */
export function trimWsp(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isWsp(s.charCodeAt(a))) a++;
  while (b > a && isWsp(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/** True when `s` contains SP, HTAB, CR, LF or NUL. */
export function hasSpaceOrControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 32) return true;
  }
  return false;
}

/**
 * True when a header value holds CR or LF anywhere, or a NUL that is not a quoted-pair inside a
 * quoted string: quoted-pair = "\\" (%x00-09 / %x0B-0C / %x0E-7F) is the only way a NUL enters a
 * header field (§25.1; RFC 4475 §3.1.1.2 quotes one in a display name).
 */
export function hasBareControl(value: string): boolean {
  if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) return true;
  // Native searches first: the character loop below runs only for the rare value holding a NUL.
  if (value.indexOf('\0') < 0) return false;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (quoted && c === 92) i++; // a quoted-pair: the next character, a NUL too, is taken as is
    else if (c === 34) quoted = !quoted;
    else if (c === 0) return true;
  }
  return false;
}

/**
 * An absolute URI's shape: scheme ":" then at least one character and no white space or control
 * characters (RFC 3986 §3.1 scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )).
 */
export function isAbsoluteUri(s: string): boolean {
  const colon = s.indexOf(':');
  if (colon <= 0 || colon === s.length - 1 || hasSpaceOrControl(s)) return false;
  for (let i = 0; i < colon; i++) {
    const c = s.charCodeAt(i);
    const alpha = (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    if (i === 0 ? !alpha : !(alpha || (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46)) return false;
  }
  return true;
}

function isHostChar(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 46 || c === 95;
}

function isIpv6Char(c: number): boolean {
  return (c >= 48 && c <= 58) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102) || c === 46;
}

/**
 * Scans host = hostname / IPv4address / "[" IPv6 "]" (§25.1) starting at `from`; returns the index
 * after it, or -1 when there is no host there.
 */
export function scanHost(s: string, from: number): number {
  let i = from;
  if (s.charCodeAt(i) === 91) {
    i++;
    while (i < s.length && isIpv6Char(s.charCodeAt(i))) i++;
    return i > from + 1 && s.charCodeAt(i) === 93 ? i + 1 : -1;
  }
  while (i < s.length && isHostChar(s.charCodeAt(i))) i++;
  return i > from ? i : -1;
}

/** Index of the first SP/HTAB at or after `from`, or -1. */
export function indexOfWsp(s: string, from = 0): number {
  for (let i = from; i < s.length; i++) if (isWsp(s.charCodeAt(i))) return i;
  return -1;
}

/** Index of the first character at or after `from` that is not SP/HTAB. */
export function skipWsp(s: string, from: number): number {
  let i = from;
  while (i < s.length && isWsp(s.charCodeAt(i))) i++;
  return i;
}
