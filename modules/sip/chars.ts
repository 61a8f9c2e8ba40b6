// Character classes of the SIP grammar (RFC 3261 §25.1) tested with lookup tables: the parsers use
// these instead of regular expressions, which cost milliseconds per match on the XS engine.
// XS keeps strings in UTF-8, so s[i] and s.charCodeAt(i) seek from the start of the string: a loop
// indexing a long value that way is quadratic (a 60 KB display name took 13 s to parse). Loops here
// walk strings with their iterator, or index the code units codeUnits() copies out once.

/** The UTF-16 code units of `s`, indexable in constant time on XS. */
export function codeUnits(s: string): Uint16Array {
  const out = new Uint16Array(s.length);
  let i = 0;
  for (const ch of s) {
    out[i++] = ch.charCodeAt(0);
    if (ch.length === 2) out[i++] = ch.charCodeAt(1);
  }
  return out;
}

function units(s: string | Uint16Array): Uint16Array {
  return typeof s === 'string' ? codeUnits(s) : s;
}

const TOKEN = new Uint8Array(128);
for (const c of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~") TOKEN[c.charCodeAt(0)] = 1;

/** token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~") */
export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (c >= 128 || TOKEN[c] === 0) return false;
  }
  return true;
}

/** Whether code unit `c` is a token character. */
export function isTokenChar(c: number): boolean {
  return c < 128 && TOKEN[c] === 1;
}

/** 1*DIGIT, at most `maxLength` digits. */
export function isDigits(s: string, maxLength: number): boolean {
  if (s.length === 0 || s.length > maxLength) return false;
  for (const ch of s) {
    const c = ch.charCodeAt(0);
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
  if (s.length === 0 || (!isWsp(s.charCodeAt(0)) && !isWsp(s.charCodeAt(s.length - 1)))) return s;
  const u = codeUnits(s);
  let a = 0;
  let b = u.length;
  while (a < b && isWsp(u[a])) a++;
  while (b > a && isWsp(u[b - 1])) b--;
  return s.slice(a, b);
}

/** True when `s` contains SP, HTAB, CR, LF or NUL. */
export function hasSpaceOrControl(s: string): boolean {
  for (const ch of s) if (ch.charCodeAt(0) <= 32) return true;
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
  let escaped = false;
  for (const ch of value) {
    const c = ch.charCodeAt(0);
    if (escaped) escaped = false; // the character of a quoted-pair, a NUL too, is taken as is
    else if (quoted && c === 92) escaped = true;
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
  let first = true;
  for (const ch of s.slice(0, colon)) {
    const c = ch.charCodeAt(0);
    const alpha = (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    if (first ? !alpha : !(alpha || (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46)) return false;
    first = false;
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
 * after it, or -1 when there is no host there. `s` may be a string's codeUnits (the scanners below
 * index their input: a caller that scans one long value several times copies its units once).
 */
export function scanHost(text: string | Uint16Array, from: number): number {
  const s = units(text);
  let i = from;
  if (s[i] === 91) {
    i++;
    while (i < s.length && isIpv6Char(s[i])) i++;
    return i > from + 1 && s[i] === 93 ? i + 1 : -1;
  }
  while (i < s.length && isHostChar(s[i])) i++;
  return i > from ? i : -1;
}

/** Index of the first SP/HTAB at or after `from`, or -1. */
export function indexOfWsp(text: string | Uint16Array, from = 0): number {
  const s = units(text);
  for (let i = from; i < s.length; i++) if (isWsp(s[i])) return i;
  return -1;
}

/** Index of the first character at or after `from` that is not SP/HTAB. */
export function skipWsp(text: string | Uint16Array, from: number): number {
  const s = units(text);
  let i = from;
  while (i < s.length && isWsp(s[i])) i++;
  return i;
}
