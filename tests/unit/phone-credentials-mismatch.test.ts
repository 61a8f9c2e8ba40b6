// Key material in flash made for another identity (issue 16): the phone says so at boot, in its
// log and on the idle screen, shows it under the menu's "Credentials", keeps the public-key modes
// off (every peer would refuse them: RFC 3830 §4.3), and on the desktop host puts the development
// credentials made for its identity in their place from that menu entry.
import fixtures from '../fixtures/pki/fixtures.json';
import { SCREEN_COLUMNS } from '../../modules/display/fit-text.js';
import { openPhoneStore } from '../../modules/settings/phone-store.js';
import { factorySettings, type Credentials, type Settings } from '../../modules/settings/model.js';
import { virtualPhone, type VirtualPhone } from '../support/virtual-phone.js';
import { TestNetwork } from './sip-test-network.js';

const pki = fixtures as Record<string, string>;
/** The fixture certificates name sip:1002@example.com and sip:alice@example.com (make-fixtures.sh). */
const credentialsOf = (name: string): Credentials => ({ ownKey: pki[`${name}.key`], ownChain: [pki[name]], trustAnchors: [pki.ca] });
const stored = (name: string): Settings => ({ ...factorySettings(), credentials: credentialsOf(name) });

function openCredentialsEntry(phone: VirtualPhone): readonly string[] {
  phone.press('Menu');
  for (let i = 0; i < 10; i++) phone.press('Down');
  expect(phone.screen()).toContain('>11 Credentials');
  phone.press('OK');
  return phone.screen();
}

describe('stored credentials for another identity', () => {
  it('says so in the log and on the idle screen, and keeps the public-key modes off', () => {
    // The flash holds the certificate of sip:1002@example.com; the phone is now sip:1002@10.0.0.2.
    const phone = virtualPhone(new TestNetwork(5), { user: '1002', address: '10.0.0.2', settings: stored('phone1002') });
    expect(phone.log).toContain(
      'credentials mismatch: the certificate in flash is for sip:1002@example.com, this phone is sip:1002@10.0.0.2; public-key modes (PKE, DH, RSA-R) are off until it has credentials for its identity (menu "Credentials")',
    );
    expect(phone.screen()[3]).toBe('Cert: wrong identity');
    expect(phone.phone.credentials).toBeUndefined();
    // Leaving the menu or the dialer keeps the notice: nothing changed.
    phone.press('Menu');
    phone.press('Back');
    expect(phone.screen()[3]).toBe('Cert: wrong identity');
  });

  it('shows both identities under "Credentials"; without development keys (a device) OK changes nothing', () => {
    const phone = virtualPhone(new TestNetwork(5), { user: '1002', address: '10.0.0.2', settings: stored('phone1002') });
    expect(openCredentialsEntry(phone)).toEqual(['Cert: wrong identity', 'is 1002@example.com', 'not 1002@10.0.0.2', 'Back']);
    phone.press('OK');
    expect(openPhoneStore(phone.flash).settings.credentials).toEqual(credentialsOf('phone1002'));
    for (const line of phone.screen()) expect(line.length).toBeLessThanOrEqual(SCREEN_COLUMNS);
  });

  it('on the desktop host, OK puts the development credentials for this identity in flash and in use', () => {
    // Alice's flash has 1002's certificate; the host made Alice's development keys (sim/dev-keys.ts).
    const phone = virtualPhone(new TestNetwork(5), { user: 'alice', address: '10.0.0.3', domain: 'example.com', settings: stored('phone1002'), provision: credentialsOf('alice') });
    expect(phone.screen()[3]).toBe('Cert: wrong identity');
    expect(phone.phone.credentials).toBeUndefined();
    expect(openCredentialsEntry(phone)).toEqual(['Cert: wrong identity', 'is 1002@example.com', 'not alice@e..ple.com', 'OK=dev keys Back']);
    phone.press('OK');
    expect(phone.screen()).toEqual(['Credentials', 'Cert ok for', 'alice@example.com', 'Dev keys in use']);
    expect(openPhoneStore(phone.flash).settings.credentials).toEqual(credentialsOf('alice'));
    expect(phone.phone.credentials?.uri).toBe('sip:alice@example.com');
    expect(phone.phone.credentials?.chain).toHaveLength(1);
    // OK again offers nothing: the certificate is the phone's own now.
    phone.press('OK');
    expect(phone.screen()[3]).toBe('Back');
    phone.press('Back');
    phone.press('Back');
    expect(phone.screen()[3]).toBe('Ready');
  });

  it('with its own certificate, the phone boots as before: no notice, credentials in use', () => {
    const phone = virtualPhone(new TestNetwork(5), { user: '1002', address: '10.0.0.2', domain: 'example.com', settings: stored('phone1002') });
    expect(phone.log.some((l) => l.startsWith('credentials mismatch'))).toBe(false);
    expect(phone.screen()[3]).toBe('Ready');
    expect(phone.phone.credentials?.uri).toBe('sip:1002@example.com');
    expect(openCredentialsEntry(phone)).toEqual(['Credentials', 'Cert ok for', '1002@example.com', 'Back']);
  });

  it('with no credentials at all, the entry says so', () => {
    const phone = virtualPhone(new TestNetwork(5), { user: '1002', address: '10.0.0.2' });
    expect(phone.screen()[3]).toBe('Ready');
    expect(openCredentialsEntry(phone)).toEqual(['Credentials', 'No certificate', 'PKE DH RSA-R off', 'Back']);
  });
});
