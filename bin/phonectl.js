#!/usr/bin/env node
// `phonectl`: the field engineer's command line. Runs the TypeScript tool through tsx.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../tools/phonectl.ts');
process.exitCode = await main(process.argv.slice(2));
