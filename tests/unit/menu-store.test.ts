// The menu and the settings store together, the way the phone joins them (modules/phone/phone.ts):
// each change the menu hands out is saved at once, survives a restart (a new store on the same
// flash), and a save the store refuses is shown and loses nothing.
import { formatTable } from '../../modules/negotiation/table.js';
import { factorySettings, settingsToJson, type Settings } from '../../modules/settings/model.js';
import { recordSize } from '../../modules/settings/record.js';
import { DEFAULT_SLOT_BYTES, openSettingsStore } from '../../modules/settings/store.js';
import { utf8Encode } from '../../modules/util/bytes.js';
import { useMenu } from '../support/menu-on-store.js';
import { SimFlash } from '../support/sim-flash.js';

const bootedSettings = (flash: SimFlash): Settings => openSettingsStore(flash).settings;

describe('menu over the settings store', () => {
  it('keeps a reordered and edited table across a restart', () => {
    const flash = new SimFlash(4096, 8);
    // Key agreements: DH (third) raised to the top, PSK disabled; SRTP mode Mandatory.
    useMenu(flash, '1 Down Down * * Down OK Back 3 Down OK');
    const booted = bootedSettings(flash);
    expect(formatTable(booted.priorities).split(';')[0]).toBe('DH,!PSK,PKE,DHHMAC,RSA-R');
    expect(booted.srtpMode).toBe('Mandatory');
    // After the restart the menu shows what was kept.
    expect(useMenu(flash, '1')[1]).toBe('>0 DH             on');
  });

  it('a factory reset after confirmation persists too', () => {
    const flash = new SimFlash(4096, 8);
    useMenu(flash, '3 Up OK');
    expect(bootedSettings(flash).srtpMode).toBe('Off');
    useMenu(flash, '8 OK');
    expect(JSON.stringify(settingsToJson(bootedSettings(flash)))).toBe(JSON.stringify(settingsToJson(factorySettings())));
  });

  it('shows a refused save and keeps the stored settings, in flash and on screen', () => {
    const flash = new SimFlash(4096, 8);
    // Key material filling all but 10 bytes of a slot: the next peer key no longer fits.
    const room = DEFAULT_SLOT_BYTES - recordSize(utf8Encode(JSON.stringify(settingsToJson(factorySettings()))).length) - 10;
    const big: Settings = { ...factorySettings(), credentials: { ownKey: 'A'.repeat(room), ownChain: [], trustAnchors: [] } };
    openSettingsStore(flash).save(big);
    const image = flash.image.slice();
    const uri = '2 2 # 6 6 6 2 2 1 1 9 9 OK';
    const lines = useMenu(flash, `4 OK ${uri} ${'1 '.repeat(32)}OK`);
    expect(lines[3]).toBe('Not saved: too large');
    expect(flash.image).toEqual(image);
    expect(bootedSettings(flash).peerKeys).toEqual({});
  });
});
