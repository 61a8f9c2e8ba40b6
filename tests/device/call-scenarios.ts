// The device scenarios that run whole phones (issue 12): the settings store over an in-memory NOR
// flash, and a call between two phone instances in one machine, joined by the in-memory network.
// The call uses the worked example's tables (README): the caller's first offer is PSK, the callee
// answers 488 with its table, the re-offer is PKE, and both settle on AES_CM_128_HMAC_SHA1_32.
import type { Crypto } from '../../hal/contracts.js';
import { parseTable } from '../../modules/negotiation/table.js';
import { createPhone } from '../../modules/phone/phone.js';
import { factorySettings, type Settings } from '../../modules/settings/model.js';
import { openPhoneStore } from '../../modules/settings/phone-store.js';
import { PowerCut, SimFlash } from '../support/sim-flash.js';
import { memoryHal, type MemoryPhoneHal } from './memory-hal.js';
import type { DeviceFixtures, Probe, ScenarioResult } from './scenarios.js';
import { VirtualWorld } from './virtual-world.js';

const CALLER_TABLE = 'PSK,PKE,DH;AES_CM_128_HMAC_SHA1_80,AES_CM_128_HMAC_SHA1_32';
const CALLEE_TABLE = 'PKE,DH,PSK;AES_CM_128_HMAC_SHA1_32,AES_F8_128_HMAC_SHA1_80';
const PSK_HEX = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
/** Media frames each way the call must carry (issue 12: at least 500). */
export const CALL_FRAMES = 500;

function result(scenario: string, failures: string[], figures: Record<string, unknown>, ok: string): ScenarioResult {
  return { scenario, pass: failures.length === 0, detail: failures.length === 0 ? ok : failures.join('; '), ...figures };
}

// ---------------------------------------------------------------------------------------------

/** Saves, reopens, and cuts the power in the middle of every operation of a save: the old or the new settings survive whole. */
export function settingsStore(probe: Probe): ScenarioResult {
  const failures: string[] = [];
  const flash = new SimFlash(4096, 16);
  const first = openPhoneStore(flash);
  const older: Settings = { ...first.settings, priorities: parseTable(CALLER_TABLE) };
  first.save(older);
  const newer: Settings = { ...older, priorities: parseTable(CALLEE_TABLE), srtpMode: 'Mandatory' };
  const same = (a: Settings, b: Settings) => JSON.stringify(a) === JSON.stringify(b);
  if (!same(openPhoneStore(flash).settings, older)) failures.push('a saved record did not come back');
  let cuts = 0;
  for (let after = 0; ; after++) {
    const image = flash.copy();
    image.planCut({ after, fraction: 0.5 });
    try {
      openPhoneStore(image).save(newer);
    } catch (e) {
      if (!(e instanceof PowerCut)) throw e;
      cuts++;
      image.planCut(undefined);
      const back = openPhoneStore(image).settings;
      if (!same(back, older) && !same(back, newer)) failures.push(`cut after ${after} operations left other settings`);
      probe.step();
      continue;
    }
    if (!same(openPhoneStore(image).settings, newer)) failures.push('an uncut save was lost');
    break;
  }
  if (same(openPhoneStore(new SimFlash(4096, 16)).settings, factorySettings()) === false) failures.push('an empty flash did not give factory settings');
  return result('settings-store', failures, { powerCuts: cuts }, `round trip, and ${cuts} power cuts each left the old or the new settings`);
}

// ---------------------------------------------------------------------------------------------

function preset(hal: MemoryPhoneHal, table: string, peer: string, peerCert: string): void {
  const store = openPhoneStore(hal.flash);
  store.save({ ...store.settings, priorities: parseTable(table), peerKeys: { [peer]: PSK_HEX }, peerCertificates: { [peer]: peerCert } });
}

export function twoPhoneCall(crypto: Crypto, fixtures: DeviceFixtures, probe: Probe): ScenarioResult {
  const pki = fixtures.pki;
  const credentials = (name: 'phone1001' | 'phone1002') => ({ ownKey: pki[`${name}.key`], ownChain: [pki[name]], trustAnchors: [pki.ca] });
  const failures: string[] = [];
  const world = new VirtualWorld();
  const alice = memoryHal(world, { address: '127.0.0.1', seed: 1, toneHz: 440, crypto });
  const bob = memoryHal(world, { address: '127.0.0.2', seed: 2, toneHz: 1000, crypto });
  preset(alice, CALLER_TABLE, 'sip:1002@example.com', pki.phone1002);
  preset(bob, CALLEE_TABLE, 'sip:1001@example.com', pki.phone1001);
  // Alice (1001) reaches Bob (1002) through her outbound proxy setting, pointed at Bob's phone.
  const a = createPhone(alice, { displayName: 'Alice', user: '1001', sipPort: 5060, domain: 'example.com', outboundProxy: '127.0.0.2:5060' }, credentials('phone1001'));
  const b = createPhone(bob, { displayName: 'Bob', user: '1002', sipPort: 5060, domain: 'example.com' }, credentials('phone1002'));
  const run = (done: () => boolean, what: string, limitMs = 10000) => {
    if (!world.runUntilTrue(() => (probe.step(), done()), limitMs)) failures.push(`timed out waiting for ${what}`);
  };
  probe.mark('idle');
  for (const key of ['1', '0', '0', '2', 'OK'] as const) alice.press(key);
  run(() => bob.screen[0] === 'Incoming call', 'Bob to ring');
  bob.press('OK');
  run(() => alice.screen[0] === 'Connected' && bob.screen[0] === 'Connected', 'both phones connected');
  const padlock = [alice.screen[2], bob.screen[2]];
  const startA = alice.audioCounts.heard;
  const startB = bob.audioCounts.heard;
  run(() => alice.audioCounts.played - startA >= CALL_FRAMES + 10 && bob.audioCounts.played - startB >= CALL_FRAMES + 10, `${CALL_FRAMES} frames each way`, 30000);
  probe.mark('in-call');
  const heard = [alice.audioCounts.heard - startA, bob.audioCounts.heard - startB];
  alice.press('Hangup');
  run(() => bob.screen[3] === 'Call ended', 'the call to end');
  world.runUntil(world.nowMs + 40000);
  for (const [name, phone, hal] of [['alice', a, alice], ['bob', b, bob]] as const) {
    const s = phone.stats();
    if (s.call + s.timers + s.uaCalls + s.transactions + s.uaTimers !== 0) failures.push(`${name} kept call state: ${JSON.stringify(s)}`);
    const summary = hal.logLines.find((l) => / ended: sent/.test(l)) ?? '';
    const dropped = /dropped (\d+)/.exec(summary)?.[1];
    if (dropped !== '0') failures.push(`${name}: ${summary || 'no call summary'}`);
  }
  for (const p of padlock) if (p !== '\uE000 PKE CM128/32') failures.push(`screen showed ${JSON.stringify(p)}`);
  if (heard[0] < CALL_FRAMES || heard[1] < CALL_FRAMES) failures.push(`frames heard: alice ${heard[0]}, bob ${heard[1]}`);
  if (world.errors.length > 0) failures.push(`handler errors: ${world.errors.join(', ')}`);
  return result('call', failures, { framesHeard: { alice: heard[0], bob: heard[1] }, protection: padlock[0] }, `PKE with AES_CM_128_HMAC_SHA1_32, ${CALL_FRAMES}+ frames heard each way, nothing left behind`);
}
