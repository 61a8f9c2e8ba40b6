// One datagram with a very long element, handled by a user agent on the XS engine (issue 13). XS
// keeps strings in UTF-8, so s[i] or s.charCodeAt(i) seeks from the start: parsers that looped over
// a long value that way were quadratic, and a single 60 KB datagram held the engine for 3 to 20 s
// (a long display name, Via, To, Contact, Require or Accept; base64 of a key-mgmt attribute; an SDP
// body, split with a regular expression). Each
// must now be answered within 5 s per test, a functional bound far above what it costs (tens to
// hundreds of ms).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleSourceForXs } from '../../sim/bundle.js';
import { XsWorker } from '../../sim/xsnap-worker.js';
import { LONG_CASES } from '../support/sip-long-values.js';

const SUPPORT = join(dirname(fileURLToPath(import.meta.url)), '..', 'support', 'sip-long-values.ts');
const LONG = 60000;
const EXPECTED: Record<string, string> = { requireList: '420', acceptList: '406' };
/** Per test: a functional bound, not a measurement. */
const BOUND_MS = 5000;

describe('SIP datagrams with one 60 KB element on XS', () => {
  let worker: XsWorker;
  beforeAll(async () => {
    worker = new XsWorker();
    await worker.evaluate(await bundleSourceForXs(`import * as m from ${JSON.stringify(SUPPORT)};\nglobalThis.longValues = m;\n`, process.cwd()));
  }, 30000);
  afterAll(() => worker.close());

  async function text(expression: string): Promise<string> {
    return new TextDecoder().decode((await worker.evaluate(`new TextEncoder().encode(String(${expression})).buffer`)).reply);
  }

  it.each(Object.keys(LONG_CASES))('%s: answered by a user agent', async (name) => {
    await worker.evaluate(`globalThis.M = longValues.longRequest(${JSON.stringify(name)}, ${LONG})`);
    expect(Number(await text('M.length'))).toBeGreaterThan(0.9 * LONG);
    expect(await text('longValues.receiveLong(M)')).toBe(EXPECTED[name] ?? '100');
  }, BOUND_MS);

  it('base64 of 60 KB (a key-mgmt attribute) decodes', async () => {
    expect(await text(`longValues.decodeLongBase64(${LONG})`)).toBe(String(LONG));
  }, BOUND_MS);

  it('an SDP body of 60 KB parses', async () => {
    expect(await text(`longValues.parseLongSdp(${LONG})`)).toBe('1');
  }, BOUND_MS);
});
