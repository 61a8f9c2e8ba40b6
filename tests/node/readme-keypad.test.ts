// The README's keypad steps for the priority menu, pressed on a phone (issue 16): the test reads the
// table under "Running phones on the desktop" (press | what it does | the screen shows), turns each
// press into keypad keys through the desktop terminal's own keymap (sim/keymap.ts), presses them on
// a whole phone on the virtual HAL, and checks that every backticked text of "the screen shows" is
// on the screen then (runs of spaces count as one). The README cannot drift from the code.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { keysFromInput } from '../../sim/keymap.js';
import { TestNetwork } from '../unit/sip-test-network.js';
import { virtualPhone } from '../support/virtual-phone.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Step {
  readonly press: string;
  readonly shows: readonly string[];
}

/** The rows of the README table whose header is "| press | what it does | the screen shows |". */
function readmeSteps(readme: string): Step[] {
  const lines = readme.split('\n');
  const header = lines.findIndex((l) => /^\|\s*press\s*\|\s*what it does\s*\|\s*the screen shows\s*\|$/.test(l));
  if (header < 0) throw new Error('README.md has no "| press | what it does | the screen shows |" table');
  const steps: Step[] = [];
  for (const row of lines.slice(header + 2)) {
    if (!row.startsWith('|')) break;
    const [press, , shows] = row.split('|').slice(1, -1);
    const code = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    steps.push({ press: code(press)[0], shows: code(shows) });
  }
  return steps;
}

const collapse = (text: string) => text.replace(/ +/g, ' ').trim();

describe("the README's keypad steps for the priority menu", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const steps = readmeSteps(readme);

  it('has steps that reorder and toggle, each naming what the screen shows', () => {
    expect(steps.length).toBeGreaterThanOrEqual(6);
    for (const step of steps) expect(step.shows.length).toBeGreaterThan(0);
    // The steps reorder with * and # and toggle with OK, as the menu does (docs/settings-and-menu.md).
    const keys = steps.flatMap((s) => keysFromInput(s.press));
    expect(keys).toEqual(expect.arrayContaining(['Menu', '*', '#', 'OK']));
  });

  it('does on a phone what the README says, screen by screen', () => {
    const phone = virtualPhone(new TestNetwork(5), { user: 'readme', address: '10.0.0.1' });
    expect(phone.screen()[3]).toBe('Ready');
    for (const step of steps) {
      const keys = keysFromInput(step.press);
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) phone.press(key);
      const screen = phone.screen().map(collapse);
      for (const text of step.shows) {
        // A fragment is a whole line, or a line's leading part ("1 PSK on" of " 1 PSK on").
        expect({ after: step.press, screen }).toEqual({ after: step.press, screen: expect.arrayContaining([expect.stringContaining(collapse(text))]) });
      }
    }
    // Back from the main list leaves the menu, as the last step says.
    phone.press('Back');
    expect(phone.screen()[3]).toBe('Ready');
  });
});
