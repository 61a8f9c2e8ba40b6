// The device scenarios of `npm run device:check` (tests/device), here on the default @noble
// provider: in Node, and on the XS engine through tests/xs. On Moddable's runtime the same scenarios
// run with hal/esp32/crypto.ts on the native crypt module and the device's creation limits.
import { nobleCrypto } from '../../hal/noble-crypto.js';
import { settingsStore, twoPhoneCall } from '../device/call-scenarios.js';
import { mediaPathBench } from '../device/media-bench.js';
import { mikeyModes, optionsOfSize, sipSizes, srtpVectorsScenario, type DeviceFixtures, type Probe } from '../device/scenarios.js';
import pki from '../fixtures/pki/fixtures.json';
import srtp from '../fixtures/srtp-vectors.json';

const fixtures: DeviceFixtures = { pki, srtp };

const marks: string[] = [];
const probe: Probe = { step: () => undefined, mark: (name) => void marks.push(name) };

describe('device scenarios', () => {
  it('builds OPTIONS requests of exactly the asked size', () => {
    for (const size of [512, 1024, 3760, 65535]) expect(optionsOfSize(size, 'x').length).toBe(size);
  });

  it.each([
    ['sip-sizes', () => sipSizes(nobleCrypto, probe)],
    ['mikey-modes', () => mikeyModes(nobleCrypto, fixtures, probe)],
    ['srtp-vectors', () => srtpVectorsScenario(nobleCrypto, fixtures, probe)],
    ['settings-store', () => settingsStore(probe)],
    ['call', () => twoPhoneCall(nobleCrypto, fixtures, probe)],
  ])('%s passes', (name, run) => {
    const result = run();
    expect({ scenario: result.scenario, pass: result.pass, detail: result.pass ? 'ok' : result.detail }).toEqual({ scenario: name, pass: true, detail: 'ok' });
  });

  it('marks idle and in-call for the heap figures', () => {
    expect(marks).toEqual(['idle', 'in-call']);
  });
});

describe('device media path bench', () => {
  it('carries the tone both ways through G.711, RTP, SRTP and the jitter buffer', () => {
    let t = 0;
    const figure = mediaPathBench(nobleCrypto, () => (t += 1), 200);
    expect(figure.framePairs).toBe(200);
    // The jitter buffer holds the first frames back; after that every frame played is the other's tone.
    expect(figure.heard).toBeGreaterThan(150);
  });
});
