import { sdpIds, strippedProtocols, tableExtension, findTable, callableTable } from '../../modules/phone/call-negotiation.js';
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
