import { sdpIds, strippedProtocols, tableExtension, findTable, callableTable, suiteLabel } from '../../modules/phone/call-negotiation.js';
import { KEY_AGREEMENTS, SRTP_SUITES } from '../../modules/negotiation/capabilities.js';
import { SCREEN_COLUMNS } from '../../modules/phone/screens.js';
import { parseTable } from '../../modules/negotiation/table.js';

describe('SDP IDs against stripped key-mgmt lines (RFC 4567 §4)', () => {
  it('finds the protocols the authenticated list names but the received SDP lacks', () => {
    const ext = [sdpIds(['mikey', 'kerberos'])];
    expect(strippedProtocols(ext, ['mikey', 'kerberos'])).toEqual([]);
    expect(strippedProtocols(ext, ['mikey'])).toEqual(['kerberos']);
    expect(strippedProtocols(ext, [])).toEqual(['mikey', 'kerberos']);
  });

  it('has nothing to say when the offer carried no SDP IDs (a plain RFC 3830 phone)', () => {
    expect(strippedProtocols([], ['mikey'])).toEqual([]);
  });

  it('finds the priority table beside the SDP IDs, and narrows a table to the AES-128 suites MIKEY calls run', () => {
    const table = parseTable('DH,PSK;AEAD_AES_256_GCM,AES_CM_128_HMAC_SHA1_32');
    const found = findTable([sdpIds(['mikey']), tableExtension({ role: 'offerer', policy: 'priority', table })]);
    expect(found?.table).toEqual(table);
    // Entries keep their ranks: only what this call cannot do is left out.
    expect(callableTable(table, (ka) => ka === 'DH')).toEqual({
      keyAgreements: [{ name: 'DH', rank: 0, enabled: true }],
      suites: [{ name: 'AES_CM_128_HMAC_SHA1_32', rank: 1, enabled: true }],
    });
  });
});

describe('the suite on the padlock line', () => {
  it('names every suite apart, and the padlock line of any key agreement and suite fits the display', () => {
    const labels = SRTP_SUITES.map(suiteLabel);
    expect(new Set(labels).size).toBe(SRTP_SUITES.length);
    expect(labels).toEqual(['CM128/80', 'CM128/32', 'F8/80', 'CM256/80', 'CM256/32', 'GCM128', 'GCM256']);
    // The padlock, a space, the key agreement (SDES for a=crypto calls), a space, the suite.
    for (const method of [...KEY_AGREEMENTS, 'SDES']) {
      for (const label of labels) expect(2 + method.length + 1 + label.length).toBeLessThanOrEqual(SCREEN_COLUMNS);
    }
  });
});
