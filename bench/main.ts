// `npm run bench`: runs every bench/*.bench.ts in turn (or those named on the command line). Each
// prints its figures as JSON lines, so runs can be compared; ratios are measured in the same run.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();
for (const file of files) {
  const module = (await import(pathToFileURL(join(here, file)).href)) as { default(): Promise<void> };
  await module.default();
}
