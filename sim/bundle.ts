// Bundles firmware TypeScript into one classic script for the XS engine (esbuild). ES2022 is the
// target both engines run: xsnap's XS 13.3 on the desktop and XS 17 on the device.
import { build } from 'esbuild';

export const XS_TARGET = 'es2022';

export async function bundleForXs(entry: string, options: { define?: Record<string, string> } = {}): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    target: XS_TARGET,
    define: options.define ?? {},
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}
