// Jest transform: compiles the project's TypeScript and the ESM-only @noble and micro-* packages to
// CommonJS with esbuild, so jest runs them without its experimental ESM mode.
const { transformSync } = require('esbuild');

module.exports = {
  process(source, filename) {
    const loader = filename.endsWith('.ts') ? 'ts' : 'js';
    const result = transformSync(source, {
      loader,
      format: 'cjs',
      target: 'es2022',
      sourcemap: 'inline',
      sourcefile: filename,
      // ESM sources (the host's Node side) locate files from import.meta.url; give CJS the same.
      define: { 'import.meta.url': '__importMetaUrl' },
      banner: "const __importMetaUrl = require('url').pathToFileURL(__filename).href;",
    });
    return { code: result.code };
  },
  getCacheKey(source, filename) {
    return require('crypto').createHash('sha1').update(filename).update('\0').update(source).update('v2').digest('hex');
  },
};
