import { recordCall } from '../../modules/phone/call-record.js';
import { parseTable } from '../../modules/negotiation/table.js';
import { factorySettings, type Settings } from '../../modules/settings/model.js';
import { openSettingsStore, type SettingsStore } from '../../modules/settings/store.js';
import { fromBase64 } from '../../modules/util/bytes.js';
import { SimFlash } from '../support/sim-flash.js';

const BOB = 'sip:bob@192.0.2.20';
const AT = 1_700_000_000_000;

function hal(lines: string[]) {
  return { clock: { monotonicMs: () => 0, wallClockMs: () => AT }, log: (line: string) => void lines.push(line) };
}

describe('call-record: what a connected call leaves in the settings', () => {
  it('records a priority-MIKEY call with the peer table learned and its certificate', () => {
    const flash = new SimFlash(4096, 8);
    const store = openSettingsStore(flash);
    const table = parseTable('DH,PSK;AES_CM_128_HMAC_SHA1_32,AES_CM_128_HMAC_SHA1_80');
    const certificate = new Uint8Array([0x30, 0x82, 0x01, 0x0a, 0xff]);
    const lines: string[] = [];
    recordCall(store, hal(lines), BOB, { method: 'DH', suite: 'AES_CM_128_HMAC_SHA1_32', protection: 'mikey-priority' }, { role: 'answerer', policy: 'priority', table }, certificate);
    expect(store.settings.lastCall).toEqual({ peer: BOB, protection: 'mikey-priority', keyAgreement: 'DH', suite: 'AES_CM_128_HMAC_SHA1_32', at: AT });
    expect(store.settings.learnedPeers[BOB]).toEqual({ table, learnedAt: AT });
    expect(fromBase64(store.settings.peerCertificates[BOB])).toEqual(certificate);
    expect(lines).toEqual([]);
    // What was saved is what the flash gives back after a restart.
    expect(openSettingsStore(flash).settings.lastCall).toEqual(store.settings.lastCall);
  });

  it('records an SDES call without a key agreement, and a plain call as unprotected, learning nothing', () => {
    const store = openSettingsStore(new SimFlash(4096, 8));
    recordCall(store, hal([]), BOB, { method: 'SDES', suite: 'AES_CM_128_HMAC_SHA1_80', protection: 'sdes' }, undefined, undefined);
    expect(store.settings.lastCall).toEqual({ peer: BOB, protection: 'sdes', suite: 'AES_CM_128_HMAC_SHA1_80', at: AT });
    recordCall(store, hal([]), BOB, undefined, undefined, undefined);
    expect(store.settings.lastCall).toEqual({ peer: BOB, protection: 'none', at: AT });
    expect(store.settings.learnedPeers).toEqual({});
    expect(store.settings.peerCertificates).toEqual({});
  });

  it('keeps the record without a certificate too large for the settings slot, and says so', () => {
    const store = openSettingsStore(new SimFlash(4096, 8));
    const lines: string[] = [];
    recordCall(store, hal(lines), BOB, { method: 'PKE', suite: 'AES_CM_128_HMAC_SHA1_80', protection: 'mikey' }, undefined, new Uint8Array(9000));
    expect(store.settings.lastCall).toMatchObject({ peer: BOB, keyAgreement: 'PKE', at: AT });
    expect(store.settings.peerCertificates).toEqual({});
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`certificate of ${BOB} not kept`);
  });

  it('logs a store that cannot save and leaves the settings as they were: the call goes on', () => {
    const settings: Settings = factorySettings();
    const broken: SettingsStore = {
      settings,
      notice: undefined,
      slotCount: 2,
      save: () => {
        throw new Error('flash write failed');
      },
    };
    const lines: string[] = [];
    recordCall(broken, hal(lines), BOB, undefined, undefined, new Uint8Array([1]));
    expect(lines).toEqual(['last call not saved: flash write failed']);
    expect(broken.settings.lastCall).toBe(undefined);
  });
});
