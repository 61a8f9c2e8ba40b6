// What the phone shows on its 4x20 character display in each state. Pure: state in, lines out.

export const SCREEN_COLUMNS = 20;

/** Fits a line to the display: cut to the width (the display would cut it anyway). */
export function fit(text: string): string {
  return text.length > SCREEN_COLUMNS ? text.slice(0, SCREEN_COLUMNS) : text;
}

/** Shows the end of a long line, as phones do while you type a number. */
export function fitTail(text: string): string {
  return text.length > SCREEN_COLUMNS ? text.slice(text.length - SCREEN_COLUMNS) : text;
}

export function idleScreen(displayName: string, address: string, sipPort: number, status: string): string[] {
  return [fit(displayName), fit(address), fit(`SIP port ${sipPort}`), fit(status)];
}

export function dialingScreen(digits: string): string[] {
  return ['Dial:', fitTail(digits), '', 'Back=delete'];
}
