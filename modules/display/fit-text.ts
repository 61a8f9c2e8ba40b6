// Text made to fit the 4x20 character display (hal/contracts.ts Display) by design: every screen
// builder shortens what it shows with these functions, so the display never cuts a line. The
// marker ".." stands for what was left out: the display's ROM has no ellipsis and no "~"
// (hal/esp32/char-display.ts shows ASCII 0x20-0x7D only).

export const SCREEN_COLUMNS = 20;
/** Stands for characters left out of a shortened text. */
export const ELIDED = '..';

/** The text with its middle replaced by ELIDED so it fits `width`: both ends stay readable. */
export function elideMiddle(text: string, width: number = SCREEN_COLUMNS): string {
  if (text.length <= width) return text;
  if (width <= ELIDED.length) return ELIDED.slice(0, width);
  const keep = width - ELIDED.length;
  const head = Math.ceil(keep / 2);
  return text.slice(0, head) + ELIDED + text.slice(text.length - (keep - head));
}

/**
 * A SIP URI as it fits `width` columns: whole if it fits; else without the usual "sip:" scheme
 * ("sips:" stays, it says more: RFC 3261 §19.1); else with its middle elided.
 */
export function fitUri(uri: string, width: number = SCREEN_COLUMNS): string {
  if (uri.length <= width) return uri;
  return elideMiddle(uri.startsWith('sip:') ? uri.slice(4) : uri, width);
}

/** The end of a long text (a number being dialled, text being typed), ELIDED marking the start left out. */
export function fitTail(text: string, width: number = SCREEN_COLUMNS): string {
  return text.length <= width ? text : ELIDED + text.slice(text.length - (width - ELIDED.length));
}

/**
 * Free text (a display name, an error message) as it fits `width`: whole if it fits, else the whole
 * words that fit followed by ELIDED; a first word longer than the line is elided in its middle.
 */
export function fitWords(text: string, width: number = SCREEN_COLUMNS): string {
  if (text.length <= width) return text;
  const words = text.split(' ');
  let shown = '';
  for (const word of words) {
    const next = shown === '' ? word : `${shown} ${word}`;
    if (next.length + ELIDED.length > width) break;
    shown = next;
  }
  return shown === '' ? elideMiddle(words[0], width) : shown + ELIDED;
}
