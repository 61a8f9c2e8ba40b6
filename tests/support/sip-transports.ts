// The account's SIP transport in a phone's settings, for the tests of SIP over TCP and TLS.
import type { AccountTransport, Settings } from '../../modules/settings/model.js';

/** `s` with the account on `transport`. */
export function withTransport(s: Settings, transport: AccountTransport): Settings {
  return { ...s, account: { ...s.account, transport } };
}
