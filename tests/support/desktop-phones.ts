// Helpers for tests that run several phones on the desktop XS host: free ports, waiting for a
// screen, a pair of phones that call each other, development keys, preset settings written into a
// phone's flash image before it boots.
import { createSocket } from 'node:dgram';
import { join } from 'node:path';
import type { Key } from '../../hal/contracts.js';
import { openPhoneStore } from '../../modules/settings/phone-store.js';
import type { Settings } from '../../modules/settings/model.js';
import type { Credentials } from '../../modules/settings/model.js';
import { toBase64, toHex } from '../../modules/util/bytes.js';
import { ensureDevKeys } from '../../sim/dev-keys.js';
import { FlashFile } from '../../sim/flash-file.js';
import { DesktopHost, type DesktopHostOptions } from '../../sim/host.js';

export async function freePort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export async function until(check: () => boolean, what: string, ms = 20000): Promise<void> {
  for (let waited = 0; waited < ms; waited += 20) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * A call placed from the keypad and picked up: `caller` keys `number` then OK, `callee` rings and
 * answers with OK, and both phones show Connected.
 */
export async function callAndAnswer(caller: DesktopHost, callee: DesktopHost, number: string, what = 'the call'): Promise<void> {
  for (const k of [...number, 'OK']) await caller.pressKey(k as Key);
  await until(() => callee.screen[0] === 'Incoming call', `${what}: the callee to ring`);
  await callee.pressKey('OK');
  await until(() => caller.screen[0] === 'Connected' && callee.screen[0] === 'Connected', `${what}: both phones connected`);
}

/** What a test adds to one phone of a pair: any start option (audio, flash image...). */
/**
 * The media counts of the first call a phone's log shows ended, from its line `call ID ended:
 * sent N, received N, dropped N, ...` (modules/phone/call-media.ts).
 */
export function endedCallMedia(log: readonly string[]): { sent: number; received: number; dropped: number } {
  const line = log.find((l) => / ended: sent/.test(l));
  if (!line) throw new Error('no call ended in the log');
  const [, sent, received, dropped] = /sent (\d+), received (\d+), dropped (\d+)/.exec(line)!.map(Number);
  return { sent, received, dropped };
}

/**
 * The callee answers a ringing call, both talk for 400 ms, then the caller hangs up: returns the
 * protection lines both showed (screen line 3) and checks that each heard the other with nothing
 * refused. `during` runs while connected, before the hang-up.
 */
export async function answerTalkHangUp(caller: DesktopHost, callee: DesktopHost, during?: () => Promise<void>): Promise<string[]> {
  await until(() => callee.screen[0] === 'Incoming call', 'the callee to ring');
  await callee.pressKey('OK');
  await until(() => caller.screen[0] === 'Connected' && callee.screen[0] === 'Connected', 'both connected');
  await new Promise((r) => setTimeout(r, 400));
  const screens = [caller.screen[2], callee.screen[2]];
  await during?.();
  await caller.pressKey('Hangup');
  await until(() => callee.screen[3] === 'Call ended', 'the call to end');
  for (const host of [caller, callee]) {
    const { received, dropped } = endedCallMedia(host.log);
    expect(received).toBeGreaterThan(5);
    expect(dropped).toBe(0);
  }
  return screens;
}

/**
 * A call with one re-key: `caller` dials `number`, the callee answers, they talk for
 * `talkMs`, the caller presses Up to re-key, and once `rekeyed()` holds they talk `talkMs` again
 * before the caller hangs up and the callee shows the call ended.
 */
export async function callRekeyHangUp(caller: DesktopHost, callee: DesktopHost, number: string, talkMs: number, rekeyed: () => boolean, what: string): Promise<void> {
  await callAndAnswer(caller, callee, number);
  await new Promise((r) => setTimeout(r, talkMs));
  await caller.pressKey('Up');
  await until(rekeyed, what);
  await new Promise((r) => setTimeout(r, talkMs));
  await caller.pressKey('Hangup');
  await until(() => callee.screen[3] === 'Call ended', 'the call to end');
}

export type PairPhone = Partial<Omit<DesktopHostOptions, 'identity' | 'provision'>>;

export interface PairOptions {
  readonly alice?: PairPhone;
  readonly bob?: PairPhone;
  /** Both phones log their SRTP keys (PhoneIdentity.keyLog), for tests that decrypt a capture. */
  readonly keyLog?: boolean;
}

/**
 * Alice and Bob: two phones on the desktop XS host, SIP users `users[0]` and `users[1]` with
 * development keys from `dir`, flash images `dir/<user>.flash` unless given. Alice's outbound
 * proxy is Bob's SIP port, so keying Bob's number on Alice reaches him directly.
 */
export async function startPair(dir: string, users: readonly [string, string], o: PairOptions = {}): Promise<{ alice: DesktopHost; bob: DesktopHost }> {
  const provision = devCredentials(dir, users);
  const [a, b] = [await freePort(), await freePort()];
  const keyLog = o.keyLog ? { keyLog: true } : {};
  const alice = await DesktopHost.start({
    flashPath: join(dir, `${users[0]}.flash`),
    ...o.alice,
    identity: { displayName: 'Alice', user: users[0], sipPort: a, tlsPort: 0, outboundProxy: `127.0.0.1:${b}`, ...keyLog },
    provision: provision(users[0]),
  });
  try {
    const bob = await DesktopHost.start({ flashPath: join(dir, `${users[1]}.flash`), ...o.bob, identity: { displayName: 'Bob', user: users[1], sipPort: b, tlsPort: 0, ...keyLog }, provision: provision(users[1]) });
    return { alice, bob };
  } catch (e) {
    await alice.stop();
    throw e;
  }
}

/** Development keys for phones named by SIP user in `domain` (1024-bit, to keep XS quick). */
export function devCredentials(dir: string, users: readonly string[], domain = '127.0.0.1'): (user: string) => Credentials {
  const uris = users.map((u) => `sip:${u}@${domain}`);
  const keys = ensureDevKeys(join(dir, 'keys'), uris, { bits: 1024 });
  return (user) => {
    const own = keys.phones.get(`sip:${user}@${domain}`)!;
    return { ownKey: toBase64(own.privateKey), ownChain: [toBase64(own.certificate)], trustAnchors: [toBase64(keys.caCertificate)] };
  };
}

/**
 * What a dev phone knows of the other dev phones: the shared development PSK (settings.peerKeys,
 * for PSK and DHHMAC) and their certificates (settings.peerCertificates, for PKE).
 */
export function devPeers(dir: string, users: readonly string[]): (user: string) => Pick<Settings, 'peerKeys' | 'peerCertificates'> {
  const uris = users.map((u) => `sip:${u}@127.0.0.1`);
  const keys = ensureDevKeys(join(dir, 'keys'), uris, { bits: 1024 });
  return (user) => {
    const others = uris.filter((u) => u !== `sip:${user}@127.0.0.1`);
    return {
      peerKeys: Object.fromEntries(others.map((u) => [u, toHex(keys.psk)])),
      peerCertificates: Object.fromEntries(others.map((u) => [u, toBase64(keys.phones.get(u)!.certificate)])),
    };
  };
}

/** Writes `settings` into a flash image the way the phone's store does, before the phone boots. */
export function presetSettings(flashPath: string, change: (s: Settings) => Settings): void {
  const flash = new FlashFile(flashPath);
  try {
    const store = openPhoneStore(flash);
    store.save(change(store.settings));
  } finally {
    flash.close();
  }
}

/** Share of a block's power in the tone at `hz` (Goertzel): about 1 for a pure tone, 0 for silence. */
function blockToneShare(samples: Int16Array, hz: number): number {
  const w = (2 * Math.PI * hz) / 8000;
  let s1 = 0;
  let s2 = 0;
  let total = 0;
  for (const x of samples) {
    const s0 = x + 2 * Math.cos(w) * s1 - s2;
    s2 = s1;
    s1 = s0;
    total += x * x;
  }
  const power = s1 * s1 + s2 * s2 - 2 * Math.cos(w) * s1 * s2;
  return total === 0 ? 0 : (2 * power) / (samples.length * total);
}

/**
 * The median tone share over the 20 ms frames that carry sound. Frame by frame, so that what a
 * jitter buffer legitimately does (a late frame concealed, a gap of silence) does not count as noise.
 */
export function toneShare(samples: Int16Array, hz: number): number {
  const shares: number[] = [];
  for (let i = 0; i + 160 <= samples.length; i += 160) {
    const frame = samples.subarray(i, i + 160);
    if (frame.some((x) => Math.abs(x) > 100)) shares.push(blockToneShare(frame, hz));
  }
  if (shares.length === 0) return 0;
  shares.sort((a, b) => a - b);
  return shares[shares.length >> 1];
}
