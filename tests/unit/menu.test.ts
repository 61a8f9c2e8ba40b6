import fc from 'fast-check';
import { KEYS, type Key } from '../../hal/contracts.js';
import { formatTable } from '../../modules/negotiation/table.js';
import { Menu, MENU_COLUMNS, MENU_ROWS, type MenuOutput } from '../../modules/menu/menu.js';
import { TextEntry } from '../../modules/menu/text-entry.js';
import { factorySettings, settingsFromJson, settingsToJson, type Settings } from '../../modules/settings/model.js';

function press(menu: Menu, keys: string): MenuOutput[] {
  // Keys as a space-separated list, e.g. "1 Down *".
  return keys.split(' ').filter(Boolean).map((k) => menu.press(k as Key));
}
const lastSave = (outs: MenuOutput[]): Settings | undefined => [...outs].reverse().find((o) => o.save)?.save;

describe('multi-tap entry', () => {
  it('types letters by repeated presses, # to fix, * for upper case', () => {
    const e = new TextEntry('text', 'sip:', 64);
    for (const k of ['2', '2', '#', '6', '6', '6', '2', '2', '1', '1', '9', '9', '*']) e.press(k as Key);
    expect(e.press('OK')).toBe('accepted');
    expect(e.text).toBe('sip:bob@X');
  });

  it('reaches "#" and "*" as symbols on 1, since the keys themselves fix and shift', () => {
    const e = new TextEntry('text', '', 8);
    // 1: . @ : - _ / 1 ! ? # * ...  → "#" is the 10th, "*" the 11th press.
    for (let i = 0; i < 10; i++) e.press('1');
    e.press('#');
    for (let i = 0; i < 11; i++) e.press('1');
    e.press('OK');
    expect(e.text).toBe('#*');
  });

  it('types hex digits with 2 and 3 cycling through A-F, and refuses * in hex', () => {
    const e = new TextEntry('hex', '', 8);
    for (const k of ['0', '2', '2', '3', '3', '3', '3', '#', '9']) e.press(k as Key);
    expect(e.text).toBe('0af9');
    expect(e.press('*')).toBe('refused');
    expect(e.press('Back')).toBe('editing');
    expect(e.text).toBe('0af');
  });

  it('refuses input past its maximum length and cancels on Back when empty', () => {
    const e = new TextEntry('hex', '12', 2);
    expect(e.press('5')).toBe('refused');
    e.press('Back');
    e.press('Back');
    expect(e.press('Back')).toBe('cancelled');
  });
});

describe('settings menu', () => {
  it('raises PKE above PSK, and the change is saved', () => {
    const outs = press(new Menu(factorySettings()), '1 Down *');
    expect(formatTable(lastSave(outs)!.priorities).startsWith('PKE,PSK,')).toBe(true);
    expect(outs[2].lines[1]).toBe('>0 PKE            on');
  });

  it('disables and re-enables a suite, but keeps one enabled', () => {
    const one: Settings = { ...factorySettings(), priorities: { ...factorySettings().priorities, suites: [{ name: 'AES_CM_128_HMAC_SHA1_80', rank: 0, enabled: true }] } };
    const menu = new Menu(one);
    const outs = press(menu, '2 OK');
    expect(outs[1].save).toBeUndefined();
    expect(outs[1].lines[3]).toBe('Keep one enabled');
    const again = press(new Menu(factorySettings()), '2 Down OK');
    expect(lastSave(again)!.priorities.suites.find((s) => s.name === 'AES_CM_128_HMAC_SHA1_32')!.enabled).toBe(false);
  });

  it('sets the SRTP mode to Mandatory', () => {
    expect(lastSave(press(new Menu(factorySettings()), '3 Down OK'))!.srtpMode).toBe('Mandatory');
  });

  it('adds a peer with a pre-shared key typed in hex', () => {
    // "+ Add peer", URI "sip:bob@x", then 32 hex digits: a-c by tapping 2, d-f by tapping 3, # to fix.
    const uri = '2 2 # 6 6 6 2 2 1 1 9 9 OK';
    const hex = '0 0 1 1 # 2 # 2 3 # 3 4 4 5 5 6 6 7 7 8 8 9 9 2 2 # 2 2 # 2 2 2 # 2 2 2 # 2 2 2 2 # 2 2 2 2 # 3 3 # 3 3 # 3 3 3 # 3 3 3 # 3 3 3 3 # 3 3 3 3';
    const outs = press(new Menu(factorySettings()), `4 OK ${uri} ${hex} OK`);
    expect(lastSave(outs)!.peerKeys).toEqual({ 'sip:bob@x': '00112233445566778899aabbccddeeff' });
  });

  it('refuses a short key with a message, saving nothing', () => {
    const outs = press(new Menu(factorySettings()), '4 OK 2 2 1 1 9 OK 1 2 3 OK');
    expect(lastSave(outs)).toBeUndefined();
    expect(outs[outs.length - 1].lines[3]).toBe('32-64 hex digits');
  });

  it('refuses an account SIP URI that is not sip:user@host', () => {
    const outs = press(new Menu(factorySettings()), '5 OK 2 2 OK');
    expect(lastSave(outs)).toBeUndefined();
    expect(outs[outs.length - 1].lines[3]).toBe('Need sip:user@host');
  });

  it('resets to factory settings only after OK', () => {
    const changed = { ...factorySettings(), srtpMode: 'Off' as const };
    expect(lastSave(press(new Menu(changed), '8 Back'))).toBeUndefined();
    expect(lastSave(press(new Menu(changed), '8 OK'))).toEqual(factorySettings());
  });

  it('keeps the provisioned key material through a factory reset, and nothing else', () => {
    const credentials = { ownKey: 'AAEC', ownChain: ['AwQF'], trustAnchors: ['BgcI'] };
    const changed: Settings = { ...factorySettings(), srtpMode: 'Off', peerKeys: { 'sip:bob@x': '00'.repeat(16) }, credentials };
    expect(lastSave(press(new Menu(changed), '8 OK'))).toEqual({ ...factorySettings(), credentials });
  });

  it('shows the last call', () => {
    const s: Settings = { ...factorySettings(), lastCall: { peer: 'sip:bob@x', protection: 'mikey-priority', keyAgreement: 'PKE', suite: 'AES_CM_128_HMAC_SHA1_32', at: 0 } };
    expect(press(new Menu(s), '6')[0].lines).toEqual(['Last call', 'sip:bob@x', 'PKE MIKEY, ranked', 'CM128/32']);
  });

  it('shows the call timeouts under 0 and sets each from its list of choices', () => {
    const menu = new Menu(factorySettings());
    expect(press(menu, 'Down '.repeat(9)).pop()!.lines).toEqual(['Menu', ' 9 Known peers', '>10 Timeouts', ' 11 Credentials']);
    const opened = press(menu, 'Back 0');
    expect(opened[1].lines).toEqual(['Timeouts', '>Ring: 60 s', ' No media: 30 s', '']);
    const ring = press(menu, 'OK');
    expect(ring[0].lines[0]).toBe('Ring timeout');
    expect(ring[0].lines.some((l) => l === '>*60 s')).toBe(true);
    const saved = lastSave(press(menu, 'Down OK'));
    expect(saved?.ringTimeoutS).toBe(90);
    expect(settingsFromJson(settingsToJson(saved!)).ringTimeoutS).toBe(90);
    const media = press(menu, 'Back Down OK Up OK');
    expect(lastSave(media)?.mediaTimeoutS).toBe(20);
    expect(lastSave(media)?.ringTimeoutS).toBe(90);
    expect(press(menu, 'Back')[0].lines).toEqual(['Timeouts', ' Ring: 90 s', '>No media: 20 s', '']);
  });

  it('sets the plain RTP fallback (12th entry): after a 488 by default, or in one offer', () => {
    const menu = new Menu(factorySettings());
    expect(press(menu, 'Down '.repeat(11)).pop()!.lines).toEqual(['Menu', ' 10 Timeouts', ' 11 Credentials', '>12 Plain fallback']);
    expect(press(menu, 'OK')[0].lines).toEqual(['Plain RTP fallback', '>*After a 488', '  In one offer', '']);
    const saved = lastSave(press(menu, 'Down OK'));
    expect(saved?.fallbackInOneOffer).toBe(true);
    expect(settingsFromJson(settingsToJson(saved!)).fallbackInOneOffer).toBe(true);
    expect(press(menu, 'Back OK').pop()!.lines).toEqual(['Plain RTP fallback', '  After a 488', '>*In one offer', '']);
    expect(lastSave(press(menu, 'Up OK'))?.fallbackInOneOffer).toBe(false);
  });

  it('leaves on Back from the main list', () => {
    expect(new Menu(factorySettings()).press('Back').exit).toBe(true);
  });

  it('property: any key sequence keeps a 4x20 screen and saves only valid settings', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...KEYS), { maxLength: 60 }), (keys) => {
        const menu = new Menu(factorySettings());
        for (const k of keys) {
          const out = menu.press(k);
          expect(out.lines.length).toBe(MENU_ROWS);
          for (const l of out.lines) expect(l.length).toBeLessThanOrEqual(MENU_COLUMNS);
          if (out.save) settingsFromJson(JSON.parse(JSON.stringify(settingsToJson(out.save))));
        }
      }),
      { numRuns: 300 },
    );
  });
});
