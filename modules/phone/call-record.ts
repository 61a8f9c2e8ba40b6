// What a connected call leaves in the settings: the last call (peer, protection, key agreement,
// suite, time), the table of a peer that answered with one in an authenticated exchange (the
// next call needs one round trip), and the peer's certificate from a signed exchange (PKE can be
// offered to this peer next time).
import type { Hal } from '../../hal/contracts.js';
import type { WireTable } from '../negotiation/wire.js';
import type { LastCall, Settings } from '../settings/model.js';
import { SettingsTooLargeError, type SettingsStore } from '../settings/store.js';
import { toBase64 } from '../util/bytes.js';
import type { Keyed } from './call-state.js';

/**
 * Saves the record of a call that just connected with `peer`, keyed as `keyed` (undefined: plain
 * RTP). A failure to save is logged: the call goes on.
 */
export function recordCall(
  store: SettingsStore,
  hal: Pick<Hal, 'clock' | 'log'>,
  peer: string,
  keyed: Keyed | undefined,
  learned: WireTable | undefined,
  certificate: Uint8Array | undefined,
): void {
  const lastCall: LastCall = keyed
    ? { peer, protection: keyed.protection, ...(keyed.method !== 'SDES' ? { keyAgreement: keyed.method } : {}), suite: keyed.suite, at: hal.clock.wallClockMs() }
    : { peer, protection: 'none', at: hal.clock.wallClockMs() };
  const settings = store.settings;
  // A table that arrived in an authenticated R_MESSAGE is remembered: the next call needs one round trip.
  const learnedPeers = learned ? { ...settings.learnedPeers, [peer]: { table: learned.table, learnedAt: lastCall.at } } : settings.learnedPeers;
  try {
    saveAfterCall(store, hal, { ...settings, lastCall, learnedPeers }, peer, certificate);
  } catch (e) {
    hal.log(`last call not saved: ${(e as Error).message}`);
  }
}

/**
 * Saves what a call leaves behind, with the peer's certificate from an authenticated signed
 * exchange when there is one (PKE can be offered to this peer next time), unless the store has no
 * room for it: then without it (a settings record refuses before touching the flash; the phone's
 * peer store leaves it out by its eviction rule and says so in its notice).
 */
function saveAfterCall(store: SettingsStore, hal: Pick<Hal, 'log'>, next: Settings, peer: string, certificate: Uint8Array | undefined): void {
  if (certificate) {
    try {
      store.save({ ...next, peerCertificates: { ...next.peerCertificates, [peer]: toBase64(certificate) } });
      // The phone's peer store may leave it out for want of room (modules/settings/peer-book.ts).
      if (store.settings.peerCertificates[peer] === undefined) hal.log(`certificate of ${peer} not kept: the peer store is full`);
      return;
    } catch (e) {
      if (!(e instanceof SettingsTooLargeError)) throw e;
      hal.log(`certificate of ${peer} not kept: ${e.message}`);
    }
  }
  store.save(next);
}
