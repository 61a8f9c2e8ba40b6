// Bundles firmware TypeScript into one classic script for the XS engine (esbuild). ES2022 is the
// target both engines run: xsnap's XS 13.3 on the desktop and XS 17 on the device.
import { build, type BuildOptions } from 'esbuild';

export const XS_TARGET = 'es2022';

const XS_OPTIONS: BuildOptions = {
  bundle: true,
  write: false,
  format: 'iife',
  platform: 'neutral',
  mainFields: ['module', 'main'],
  target: XS_TARGET,
  logLevel: 'silent',
};

async function bundle(options: BuildOptions): Promise<string> {
  const result = await build({ ...XS_OPTIONS, ...options, write: false });
  return result.outputFiles[0].text;
}

/** One script from an entry file and everything it imports. */
export function bundleForXs(entry: string): Promise<string> {
  return bundle({ entryPoints: [entry] });
}

/** One script from TypeScript source text whose imports resolve from `resolveDir`. */
export function bundleSourceForXs(contents: string, resolveDir: string): Promise<string> {
  return bundle({ stdin: { contents, resolveDir, loader: 'ts' } });
}
