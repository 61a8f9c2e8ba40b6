// Draws the phone on a terminal: the 4x20 character screen in a frame, the keypad legend and the
// latest log lines. Redrawn whole on each change (the screen is tiny).
import { keyLegend } from './keymap.js';

export function renderPhone(title: string, screen: readonly string[], log: readonly string[], columns = 20, rows = 4): string {
  const lines: string[] = [];
  lines.push(title);
  lines.push(`┌${'─'.repeat(columns)}┐`);
  for (let r = 0; r < rows; r++) lines.push(`│${(screen[r] ?? '').slice(0, columns).padEnd(columns)}│`);
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
