// One jest run covers the pure modules in Node, the same tests on the XS engine (tests/xs), the
// desktop host, the command-line tools and the interop tests against real peers.
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  moduleFileExtensions: ['ts', 'js', 'cjs', 'mjs', 'json'],
  transform: {
    '^.+\\.(ts|js|mjs)$': '<rootDir>/tests/support/esbuild-transform.cjs',
  },
  // @noble/*, micro-* and fast-check's ESM build are ESM-only or ESM-first: transform them too.
  transformIgnorePatterns: ['/node_modules/(?!(@noble|micro-rsa-dsa-dh|micro-packed|@scure)/)'],
  // Sources import each other with .js suffixes (ESM style); map them back to the .ts files.
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testTimeout: 120000,
};
