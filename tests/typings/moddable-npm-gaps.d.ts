// Modules the Moddable SDK types (typings/crypt.d.ts in SDK 8.2.3) but the npm package
// @moddable/typings 5.6.0 does not. A shorthand declaration: it types nothing, so npm test's
// type-checks (tsconfig.esp32.json, tsconfig.json) can resolve the import while the real check
// against the SDK's own typings is `npm run device:check`, which does not see this file.
declare module 'crypt';
