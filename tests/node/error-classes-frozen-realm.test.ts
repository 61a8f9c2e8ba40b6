// On the device, XS keeps the built-ins in ROM: Error.prototype is frozen, so an error subclass that
// assigns `this.name = ...` in its constructor throws "set name: not writable" instead of being the
// error it means to be (found by npm run device:check on Moddable's runtime: every SIP parse error
// became a TypeError). Here every error class the firmware exports is built in a realm whose
// Error.prototype is frozen the same way, and must keep its own name.
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

describe('firmware error classes under a frozen Error.prototype', () => {
  it('construct and keep their names', () => {
    const classes: [string, new (...args: unknown[]) => Error][] = [];
    for (const file of [...walk(join(ROOT, 'modules')), ...walk(join(ROOT, 'audio'))]) {
      const exports = require(file) as Record<string, unknown>;
      for (const [name, value] of Object.entries(exports)) {
        if (typeof value === 'function' && value.prototype instanceof Error) classes.push([`${relative(ROOT, file)}: ${name}`, value as new (...args: unknown[]) => Error]);
      }
    }
    expect(classes.length).toBeGreaterThan(15);
    Object.freeze(Error.prototype);
    const broken = classes.flatMap(([where, ErrorClass]) => {
      try {
        const e = new ErrorClass('malformed', 'detail', false);
        return e.name === ErrorClass.name ? [] : [`${where}: name is ${e.name}`];
      } catch (e) {
        return [`${where}: ${(e as Error).message}`];
      }
    });
    expect(broken).toEqual([]);
  });
});
