// The device scenarios of `npm run device:check` (tests/device), here on the default @noble
// provider: in Node, and on the XS engine through tests/xs. On Moddable's runtime the same scenarios
// run with hal/esp32/crypto.ts on the native crypt module and the device's creation limits.
import { nobleCrypto } from '../../hal/noble-crypto.js';
import { settingsStore, twoPhoneCall } from '../device/call-scenarios.js';
import { mikeyModes, optionsOfSize, sipSizes, srtpVectorsScenario, type Probe } from '../device/scenarios.js';

const marks: string[] = [];
const probe: Probe = { step: () => undefined, mark: (name) => void marks.push(name) };

describe('device scenarios', () => {
  it('builds OPTIONS requests of exactly the asked size', () => {
    for (const size of [512, 1024, 3760, 65535]) expect(optionsOfSize(size, 'x').length).toBe(size);
  });

  it.each([
    ['sip-sizes', () => sipSizes(nobleCrypto, probe)],
    ['mikey-modes', () => mikeyModes(nobleCrypto, probe)],
    ['srtp-vectors', () => srtpVectorsScenario(nobleCrypto, probe)],
    ['settings-store', () => settingsStore(probe)],
    ['call', () => twoPhoneCall(nobleCrypto, probe)],
  ])('%s passes', (name, run) => {
    const result = run();
    expect({ scenario: result.scenario, pass: result.pass, detail: result.pass ? 'ok' : result.detail }).toEqual({ scenario: name, pass: true, detail: 'ok' });
  });

  it('marks idle and in-call for the heap figures', () => {
    expect(marks).toEqual(['idle', 'in-call']);
  });
});
