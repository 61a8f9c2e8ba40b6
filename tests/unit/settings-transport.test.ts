// The SIP transport settings (issue 14): the account's transport and whether SDES may be offered
// without TLS. A flash written by the firmware before them still loads, with Auto and no SDES
// without TLS, and keeps everything else it held; bad values are refused by name.
import { openPhoneStore } from '../../modules/settings/phone-store.js';
import { factorySettings, SettingsError, settingsFromJson, settingsToJson } from '../../modules/settings/model.js';
import { flashBeforeTransport } from '../support/flash-before-transport.js';

describe('SIP transport settings', () => {
  it('default to Auto and to no SDES without TLS', () => {
    const s = factorySettings();
    expect([s.account.transport, s.sdesOverNonTls]).toEqual(['auto', false]);
  });

  it('load from a flash written by the firmware before them, with what it held', () => {
    const flash = flashBeforeTransport();
    const store = openPhoneStore(flash);
    expect(store.notice).toBeUndefined();
    const s = store.settings;
    expect(s.account).toEqual({
      sipUri: 'sip:alice@example.com', displayName: 'Alice', registrar: '192.0.2.10:5060', outboundProxy: '192.0.2.10:5060',
      username: 'alice', password: 'secret', transport: 'auto',
    });
    expect([s.srtpMode, s.ringTimeoutS, s.sdesOverNonTls]).toEqual(['Mandatory', 90, false]);
    expect(s.peerKeys).toEqual({ 'sip:bob@example.com': '00112233445566778899aabbccddeeff' });
    store.save({ ...s, account: { ...s.account, transport: 'tls' }, sdesOverNonTls: true });
    const again = openPhoneStore(flash).settings;
    expect([again.account.transport, again.sdesOverNonTls, again.account.username]).toEqual(['tls', true, 'alice']);
  });

  it('refuses a transport or an SDES switch that is not one', () => {
    const json = settingsToJson(factorySettings()) as { account: object };
    expect(() => settingsFromJson({ ...json, account: { ...json.account, transport: 'sctp' } })).toThrow('account.transport');
    expect(() => settingsFromJson({ ...json, account: { ...json.account, transport: 'UDP' } })).toThrow(SettingsError);
    expect(() => settingsFromJson({ ...json, sdesOverNonTls: 'yes' })).toThrow('sdesOverNonTls');
  });
});
