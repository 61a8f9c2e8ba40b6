// The desktop terminal's screen lines (sim/terminal.ts): every line fills exactly the display's
// columns in terminal cells, the padlock drawn as an emoji two cells wide, so the frame stays square.
import fc from 'fast-check';
import { PADLOCK } from '../../hal/contracts.js';
import { screenLine } from '../../sim/terminal.js';

/** Terminal cells a string takes: the padlock emoji two, any other character here one. */
function cells(line: string): number {
  return [...line].reduce((n, ch) => n + (ch === '\u{1F512}' ? 2 : 1), 0);
}

describe('terminal screen lines', () => {
  it('draws the padlock as the emoji and keeps the line at 20 cells', () => {
    const line = screenLine(`${PADLOCK} PKE CM128/32`);
    expect(line).toBe('\u{1F512} PKE CM128/32     ');
    expect(cells(line)).toBe(20);
  });

  it('fills exactly the columns, with or without a padlock, whatever the text', () => {
    const char = fc.constantFrom(PADLOCK, 'a', ' ', '7', '/', '@');
    fc.assert(
      fc.property(fc.array(char, { maxLength: 30 }).map((a) => a.join('')), fc.integer({ min: 8, max: 40 }), (text, columns) => {
        const line = screenLine(text, columns);
        expect(cells(line)).toBe(columns);
        expect(line.includes(PADLOCK)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
