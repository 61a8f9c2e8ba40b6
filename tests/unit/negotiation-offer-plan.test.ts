import { firstOfferKeyAgreement, reofferKeyAgreement } from '../../modules/negotiation/offer-plan.js';
import { select } from '../../modules/negotiation/select.js';
import { parseTable } from '../../modules/negotiation/table.js';

const caller = parseTable('PSK,PKE,DH;AES_CM_128_HMAC_SHA1_80,AES_CM_128_HMAC_SHA1_32');
const callee = parseTable('PKE,DH,PSK;AES_CM_128_HMAC_SHA1_32,AES_F8_128_HMAC_SHA1_80');
const all = () => true;

describe('offer plan and round trips', () => {
  it("first call in the paper's example: PSK offered, 488 with the table, PKE re-offered: two round trips", () => {
    const first = firstOfferKeyAgreement(caller, undefined, all);
    expect(first).toBe('PSK');
    const again = reofferKeyAgreement(caller, callee, first!, all);
    expect(again).toBe('PKE');
    expect(again).toBe(select(caller, callee).keyAgreement?.name);
  });

  it('a later call with the learned table offers PKE straight away: one round trip', () => {
    const first = firstOfferKeyAgreement(caller, callee, all);
    expect(first).toBe('PKE');
    expect(reofferKeyAgreement(caller, callee, first!, all)).toBeUndefined();
  });

  it('offers only what it holds credentials for', () => {
    expect(firstOfferKeyAgreement(caller, undefined, (ka) => ka !== 'PSK')).toBe('PKE');
    expect(firstOfferKeyAgreement(caller, undefined, () => false)).toBeUndefined();
  });

  it('gives no re-offer when nothing is common (the ladder steps down instead)', () => {
    expect(reofferKeyAgreement(caller, parseTable('RSA-R;AES_CM_128_HMAC_SHA1_32'), 'PSK', all)).toBeUndefined();
  });
});
