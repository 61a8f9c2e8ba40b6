// Draws the phone on a terminal: the 4x20 character screen in a frame, the keypad legend and the
// latest log lines. Redrawn whole on each change (the screen is tiny).
import { PADLOCK } from '../hal/contracts.js';
import { keyLegend } from './keymap.js';

/** The padlock emoji takes two terminal cells. */
const PADLOCK_EMOJI = '\u{1F512}';

/**
 * One screen line in its frame: the display's `columns` characters in as many terminal cells, each
 * padlock drawn as the emoji in two of them (what no longer fits is cut, as the display cuts).
 */
export function screenLine(text: string, columns = 20): string {
  let line = '';
  let used = 0;
  for (const ch of text.slice(0, columns)) {
    const width = ch === PADLOCK ? 2 : 1;
    if (used + width > columns) break;
    line += ch === PADLOCK ? PADLOCK_EMOJI : ch;
    used += width;
  }
  return line + ' '.repeat(columns - used);
}

export function renderPhone(title: string, screen: readonly string[], log: readonly string[], columns = 20, rows = 4): string {
  const lines: string[] = [];
  lines.push(title);
  lines.push(`┌${'─'.repeat(columns)}┐`);
  for (let r = 0; r < rows; r++) lines.push(`│${screenLine(screen[r] ?? '', columns)}│`);
  lines.push(`└${'─'.repeat(columns)}┘`);
  lines.push(...keyLegend());
  lines.push('Log:');
  lines.push(...log.slice(-6).map((l) => `  ${l}`));
  return lines.join('\n');
}

export class TerminalView {
  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly title: string,
  ) {}

  draw(screen: readonly string[], log: readonly string[]): void {
    // Home the cursor and clear below it, then draw.
    this.out.write(`\x1b[H\x1b[J${renderPhone(this.title, screen, log)}\n`);
  }
}
