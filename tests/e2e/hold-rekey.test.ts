// Two phones on the desktop XS host hold, resume and re-key a MIKEY-keyed SRTP call by re-INVITE
// (issue 7): Down holds and resumes, Up starts a new MIKEY exchange. The phones' logs give the
// RTP counters at each change of hold state and the SRTP master keys (keyLog) in force.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REKEYED_NOTICE_MS } from '../../modules/phone/call-update.js';
import { parseTable } from '../../modules/negotiation/table.js';
import type { DesktopHost } from '../../sim/host.js';
import { readWav } from '../../sim/wav.js';
import { callAndAnswer, presetSettings, startPair, toneShare, until } from '../support/desktop-phones.js';
import { lastLoggedKey } from '../support/key-log.js';

interface Counters {
  readonly sent: number;
  readonly received: number;
  readonly dropped: number;
}

/** The counters of the last log line `call <id> <state>: sent .., received .., dropped ..`. */
function countersAt(host: DesktopHost, state: string): Counters {
  const line = [...host.log].reverse().find((l) => l.startsWith('call ') && l.includes(` ${state}: sent `));
  if (!line) throw new Error(`no "${state}" line in the log`);
  const [, sent, received, dropped] = /sent (\d+), received (\d+), dropped (\d+)/.exec(line)!.map(Number);
  return { sent, received, dropped };
}

/** The last logged master key ‖ salt of one direction. */
function lastKey(host: DesktopHost, direction: 'send' | 'receive'): string {
  return lastLoggedKey(host.log, direction).key;
}

function ended(host: DesktopHost): Counters {
  return countersAt(host, 'ended');
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('hold and re-key between two desktop phones', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hold-rekey-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  async function connectedPair(name: string, table?: string): Promise<[DesktopHost, DesktopHost]> {
    const phone = (who: string) => ({ flashPath: join(dir, `${name}-${who}.flash`), audioOutPath: join(dir, `${name}-${who}-heard.wav`) });
    // SIP over UDP, as these timings were measured (with Auto, the DH INVITE, over 1,300 bytes, and
    // the dialog's re-INVITEs would go over TCP, RFC 3261 §18.1.1; tests/e2e/desktop-tcp-tls-call.test.ts).
    for (const who of ['alice', 'bob']) {
      presetSettings(phone(who).flashPath, (s) => ({ ...s, account: { ...s.account, transport: 'udp' }, ...(table ? { priorities: parseTable(table) } : {}) }));
    }
    const { alice, bob } = await startPair(dir, ['1001', '1002'], { keyLog: true, alice: phone('alice'), bob: phone('bob') });
    await dial(alice, bob);
    return [alice, bob];
  }

  async function dial(alice: DesktopHost, bob: DesktopHost): Promise<void> {
    await callAndAnswer(alice, bob, '1002');
  }

  async function hangUp(alice: DesktopHost, bob: DesktopHost): Promise<void> {
    await alice.pressKey('Hangup');
    await until(() => bob.screen[3] === 'Call ended' && alice.log.some((l) => / ended: sent/.test(l)), 'the call to end');
  }

  it('holds and resumes: both screens follow, no audio flows while held, audio comes back both ways', async () => {
    const [alice, bob] = await connectedPair('hold');
    try {
      await pause(600);
      await alice.pressKey('Down');
      await until(() => alice.screen[0] === 'On hold' && bob.screen[0] === 'Held by peer', 'the hold on both screens');
      expect(alice.screen.slice(1, 4)).toEqual(['1002@127.0.0.1', '\uE000 DH CM128/80', 'Down=resume']);
      expect(bob.screen.slice(1, 3)).toEqual(['1001@127.0.0.1', '\uE000 DH CM128/80']);
      // The hold kept the keys: no new MIKEY exchange, one key per direction logged on each phone.
      for (const host of [alice, bob]) expect(host.log.filter((l) => l.startsWith('keylog '))).toHaveLength(2);
      await pause(1000);
      await alice.pressKey('Down');
      await until(() => alice.screen[0] === 'Connected' && bob.screen[0] === 'Connected', 'the resume on both screens');
      for (const host of [alice, bob]) {
        const held = countersAt(host, host === alice ? 'On hold' : 'Held by peer');
        const resumed = countersAt(host, 'Connected');
        // Neither side sent a packet while held (the holder sends nothing; the held side must not).
        expect(resumed.sent).toBe(held.sent);
        // At most a packet or two that was already on its way when the hold took effect.
        expect(resumed.received - held.received).toBeLessThanOrEqual(2);
      }
      const [aliceResumed, bobResumed] = [countersAt(alice, 'Connected'), countersAt(bob, 'Connected')];
      await pause(1000);
      await hangUp(alice, bob);
      for (const [host, resumed] of [[alice, aliceResumed], [bob, bobResumed]] as const) {
        const end = ended(host);
        expect(end.sent - resumed.sent).toBeGreaterThan(20);
        expect(end.received - resumed.received).toBeGreaterThan(20);
        expect(end.dropped).toBe(0);
      }
    } finally {
      await alice.stop();
      await bob.stop();
    }
  });

  it('re-keys from either side: new master keys on both phones, audio decrypted on without a drop', async () => {
    const [alice, bob] = await connectedPair('rekey');
    try {
      await pause(600);
      const first = { aliceSend: lastKey(alice, 'send'), aliceReceive: lastKey(alice, 'receive') };
      expect(lastKey(bob, 'receive')).toBe(first.aliceSend);

      // Alice re-keys: she switches on the 200, Bob receives on the new key at once and sends on it from the ACK.
      await alice.pressKey('Up');
      const keylogs = (host: DesktopHost): number => host.log.filter((l) => l.startsWith('keylog ')).length;
      await until(() => keylogs(alice) === 4 && keylogs(bob) === 4, 'both phones to take both new keys');
      expect(alice.log.some((l) => l.endsWith(': re-keyed (DH)'))).toBe(true);
      const second = { aliceSend: lastKey(alice, 'send'), aliceReceive: lastKey(alice, 'receive') };
      expect(second.aliceSend).not.toBe(first.aliceSend);
      expect(second.aliceReceive).not.toBe(first.aliceReceive);
      expect(lastKey(bob, 'receive')).toBe(second.aliceSend);
      expect(lastKey(bob, 'send')).toBe(second.aliceReceive);
      // The short notice on the phone that re-keyed, gone after REKEYED_NOTICE_MS; none on the peer.
      await until(() => alice.screen[3] === 'Re-keyed  Hangup=end', `Alice to see "Re-keyed" (screen: ${alice.screen.join('|')})`);
      expect(alice.screen).toEqual(['Connected', '1002@127.0.0.1', '\uE000 DH CM128/80', 'Re-keyed  Hangup=end']);
      expect(bob.screen[3]).toBe('Hangup=end');
      await until(() => alice.screen[3] === 'Hangup=end', 'the notice to go', REKEYED_NOTICE_MS + 5000);
      await pause(800);

      // Bob re-keys the same call: the initiator of the new exchange sends on its first crypto session.
      await bob.pressKey('Up');
      await until(() => keylogs(alice) === 6 && keylogs(bob) === 6, 'both phones to take the next keys');
      expect(bob.log.some((l) => l.endsWith(': re-keyed (DH)'))).toBe(true);
      expect(lastKey(alice, 'receive')).toBe(lastKey(bob, 'send'));
      expect(lastKey(alice, 'send')).toBe(lastKey(bob, 'receive'));
      expect([first.aliceSend, second.aliceSend]).not.toContain(lastKey(alice, 'send'));
      await pause(800);
      await hangUp(alice, bob);
    } finally {
      await alice.stop();
      await bob.stop();
    }
    for (const [host, heard] of [[alice, 'rekey-alice-heard.wav'], [bob, 'rekey-bob-heard.wav']] as const) {
      const end = ended(host);
      // About 2.2 s of call at 50 packets/s; every packet authenticated under the key in force.
      expect(end.received).toBeGreaterThan(60);
      expect(end.dropped).toBe(0);
      expect(toneShare(readWav(join(dir, heard)), 440)).toBeGreaterThan(0.5);
    }
  });

  it('settles re-keys started on both phones at once (crossing re-INVITEs get 491 and retry, RFC 3261 §14.1)', async () => {
    const [alice, bob] = await connectedPair('glare');
    try {
      await pause(300);
      await Promise.all([alice.pressKey('Up'), bob.pressKey('Up')]);
      await until(
        () => alice.log.some((l) => l.endsWith(': re-keyed (DH)')) && bob.log.some((l) => l.endsWith(': re-keyed (DH)')),
        'both re-keys to complete',
        30000,
      );
      await until(() => lastKey(alice, 'send') === lastKey(bob, 'receive') && lastKey(alice, 'receive') === lastKey(bob, 'send'), 'the keys to agree');
      expect(alice.screen[0]).toBe('Connected');
      await pause(600);
      await hangUp(alice, bob);
    } finally {
      await alice.stop();
      await bob.stop();
    }
    for (const host of [alice, bob]) expect(ended(host).dropped).toBe(0);
  });
  it('re-keys a PKE call from either side with the certificates the phones learned', async () => {
    // The first call (signed DH) teaches each phone the other's certificate; the second is PKE.
    const [alice, bob] = await connectedPair('pke', 'PKE,DH;AES_CM_128_HMAC_SHA1_80');
    const keylogs = (host: DesktopHost): number => host.log.filter((l) => l.startsWith('keylog ')).length;
    try {
      await hangUp(alice, bob);
      await dial(alice, bob);
      expect([alice.screen[2], bob.screen[2]]).toEqual(['\uE000 PKE CM128/80', '\uE000 PKE CM128/80']);
      const before = [lastKey(alice, 'send'), lastKey(alice, 'receive')];
      await alice.pressKey('Up');
      await until(() => keylogs(alice) === 6 && keylogs(bob) === 6, 'both phones to take the keys of Alice\'s re-key');
      await bob.pressKey('Up');
      await until(() => keylogs(alice) === 8 && keylogs(bob) === 8, 'both phones to take the keys of Bob\'s re-key');
      expect(alice.log.filter((l) => l.endsWith(': re-keyed (PKE)'))).toHaveLength(1);
      expect(bob.log.filter((l) => l.endsWith(': re-keyed (PKE)'))).toHaveLength(1);
      expect([lastKey(bob, 'receive'), lastKey(bob, 'send')]).toEqual([lastKey(alice, 'send'), lastKey(alice, 'receive')]);
      expect(before).not.toContain(lastKey(alice, 'send'));
      await pause(600);
      await hangUp(alice, bob);
    } finally {
      await alice.stop();
      await bob.stop();
    }
    const summaries = alice.log.filter((l) => / ended: sent/.test(l));
    expect(/dropped (\d+)/.exec(summaries[summaries.length - 1])![1]).toBe('0');
  });
});
