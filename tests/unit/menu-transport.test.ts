// The account's SIP transport and "SDES w/o TLS" in the keypad menu (issue 14): shown under Account
// after the text fields, the transport picked from its list, the SDES switch flipped by OK; each
// saved at once, in the form the settings store reads back.
import type { Key } from '../../hal/contracts.js';
import { Menu, type MenuOutput } from '../../modules/menu/menu.js';
import { factorySettings, settingsFromJson, settingsToJson } from '../../modules/settings/model.js';

const press = (menu: Menu, keys: string): MenuOutput[] => keys.split(' ').filter(Boolean).map((k) => menu.press(k as Key));

describe('transport settings in the menu', () => {
  it('lists Transport and SDES w/o TLS after the account fields, Auto and off from the factory', () => {
    const outs = press(new Menu(factorySettings()), '5 Down Down Down Down Down Down Down');
    expect(outs.at(-1)!.lines).toEqual(['Account', ' Password: ', ' Transport: Auto', '>SDES w/o TLS: off']);
  });

  it('picks TLS from the transport list and saves it', () => {
    const menu = new Menu(factorySettings());
    const opened = press(menu, `5 ${'Down '.repeat(6)}OK`).at(-1)!;
    expect(opened.lines).toEqual(['SIP transport', '>*Auto', '  UDP', '  TCP']);
    const outs = press(menu, 'Down Down Down OK');
    const saved = outs.at(-1)!.save!;
    expect(saved.account.transport).toBe('tls');
    expect(settingsFromJson(settingsToJson(saved)).account.transport).toBe('tls');
    expect(outs.at(-1)!.lines).toEqual(['SIP transport', '  UDP', '  TCP', 'Saved']);
    menu.saved(saved);
    expect(press(menu, 'Back').at(-1)!.lines[2]).toBe('>Transport: TLS');
  });

  it('switches SDES without TLS on and off with OK, saving each time', () => {
    const menu = new Menu(factorySettings());
    const on = press(menu, `5 ${'Down '.repeat(7)}OK`).at(-1)!;
    expect(on.save!.sdesOverNonTls).toBe(true);
    expect(on.lines.slice(2)).toEqual([' Transport: Auto', 'Saved']);
    menu.saved(on.save!);
    const off = press(menu, 'OK').at(-1)!;
    expect(off.save!.sdesOverNonTls).toBe(false);
    expect(press(menu, 'Up Down').at(-1)!.lines[3]).toBe('>SDES w/o TLS: off');
  });
});
