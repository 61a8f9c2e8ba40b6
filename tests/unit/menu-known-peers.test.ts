// The "Known peers" menu: the peers the phone pinned a table for or holds a certificate of, their
// details (pin date, certificate fingerprint checked here against SHA-256 computed independently,
// identity fit), forgetting one (pin and certificate go, the PSK stays), Back at every level, a
// refused save, and a restart over the real settings store.
import fc from 'fast-check';
import { sha256 } from '@noble/hashes/sha2.js';
import { KEYS, type Key } from '../../hal/contracts.js';
import { Menu, MENU_COLUMNS, MENU_ROWS, type MenuOutput } from '../../modules/menu/menu.js';
import { parseTable } from '../../modules/negotiation/table.js';
import { factorySettings, settingsFromJson, settingsToJson, type Settings } from '../../modules/settings/model.js';
import { openSettingsStore } from '../../modules/settings/store.js';
import { toBase64, toHex } from '../../modules/util/bytes.js';
import { fixtureBytes } from '../support/pki-fixtures.js';
import { settingsArb, tableArb } from '../support/settings-arbitrary.js';
import { useMenu } from '../support/menu-on-store.js';
import { SimFlash } from '../support/sim-flash.js';

const ALICE = 'sip:alice@example.com';
const BOB = 'sip:bob@example.com';
const CAROL = 'sip:carol@example.com';
const ZED = 'sip:zed@example.com';
const LONG = 'sip:verylongusername@phones.example.org';
const DAVE = 'sip:dave@example.com';
/** How the list and the titles show them: without "sip:". */
const [ALICE_L, BOB_L, CAROL_L, ZED_L] = ['alice@example.com', 'bob@example.com', 'carol@example.com', 'zed@example.com'];
const PSK = '00112233445566778899aabbccddeeff';
const LEARNED_AT = Date.UTC(2026, 10, 20, 9, 30);

/** Hex of the first five bytes of SHA-256 over `der`, computed here without the code under test. */
function expectedFingerprint(der: Uint8Array): string {
  return Array.from(sha256(der).subarray(0, 5), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Alice: pinned and certified; Bob: certificate only; Carol: pinned only; Zed: holds Alice's
 * certificate (it names someone else); a long URI pinned; Dave: only a PSK (not a learned peer).
 */
function learned(): Settings {
  const table = parseTable('DH,PKE;AES_CM_128_HMAC_SHA1_80');
  return {
    ...factorySettings(),
    srtpMode: 'Mandatory',
    peerKeys: { [ALICE]: PSK, [DAVE]: PSK },
    learnedPeers: { [ALICE]: { table, learnedAt: LEARNED_AT }, [CAROL]: { table, learnedAt: 0 }, [LONG]: { table, learnedAt: LEARNED_AT } },
    peerCertificates: { [ALICE]: toBase64(fixtureBytes('alice')), [BOB]: toBase64(fixtureBytes('bob')), [ZED]: toBase64(fixtureBytes('alice')) },
  };
}

function press(menu: Menu, keys: string): MenuOutput[] {
  return keys.split(' ').filter(Boolean).map((k) => menu.press(k as Key));
}
/** `record` without `key`. */
function without<V>(record: Readonly<Record<string, V>>, key: string): Record<string, V> {
  const out = { ...record };
  delete out[key];
  return out;
}

const last = (outs: MenuOutput[]): MenuOutput => outs[outs.length - 1];
const lastSave = (outs: MenuOutput[]): Settings | undefined => [...outs].reverse().find((o) => o.save)?.save;

describe('Known peers: list', () => {
  it('is the ninth main entry, reached by 9 or by moving down to it', () => {
    const byDigit = press(new Menu(learned()), '9');
    expect(byDigit[0].lines[0]).toBe('Known peers');
    const byCursor = press(new Menu(learned()), 'Down Down Down Down Down Down Down Down');
    expect(last(byCursor).lines.slice(2)).toEqual(['>9 Known peers', ' 10 Timeouts']);
    expect(press(new Menu(learned()), 'Down Down Down Down Down Down Down Down OK')[8].lines[0]).toBe('Known peers');
  });

  it('lists every peer with a pinned table or a certificate, sorted, not those with only a PSK', () => {
    const menu = new Menu(learned());
    const screens = press(menu, '9 Down Down Down Down').map((o) => o.lines);
    expect(screens[0]).toEqual(['Known peers', `>${ALICE_L}`, ` ${BOB_L}`, ` ${CAROL_L}`]);
    // Scrolling down: the long URI shows its ends around "..", Zed comes last; Dave (PSK only) never.
    expect(screens[3]).toEqual(['Known peers', ` ${CAROL_L}`, '>verylongu..mple.org', ` ${ZED_L}`]);
    expect(screens[4]).toEqual(['Known peers', ` ${CAROL_L}`, ' verylongu..mple.org', `>${ZED_L}`]);
    expect(screens.flat().join('\n')).not.toContain('dave');
  });

  it('says "No peers yet" when nothing was learned, even with PSKs', () => {
    const s: Settings = { ...factorySettings(), peerKeys: { [DAVE]: PSK } };
    const outs = press(new Menu(s), '9 OK Down Up Back');
    expect(outs[0].lines).toEqual(['Known peers', 'No peers yet', '', '']);
    for (const out of outs.slice(1, 4)) expect(out.lines).toEqual(['Known peers', 'No peers yet', '', 'Back']);
    expect(outs[4].lines[0]).toBe('Menu');
  });

  it('Back from the list returns to the main menu at the same entry', () => {
    const outs = press(new Menu(learned()), '9 Back');
    expect(last(outs).lines[0]).toBe('Menu');
    expect(last(outs).lines).toContain('>9 Known peers');
  });
});

describe('Known peers: details', () => {
  it('shows the pin date, the certificate fingerprint and that it names the peer', () => {
    const lines = press(new Menu(learned()), '9 OK')[1].lines;
    expect(lines).toEqual([ALICE_L, 'Pinned 2026-11-20', `Cert ${expectedFingerprint(fixtureBytes('alice'))} ok`, 'OK=forget Back']);
  });

  it('shows a certificate held without a pin (SAN URI of Bob), and a pin without a certificate', () => {
    const menu = new Menu(learned());
    const bob = press(menu, '9 Down OK')[2].lines;
    expect(bob).toEqual([BOB_L, 'No table pinned', `Cert ${expectedFingerprint(fixtureBytes('bob'))} ok`, 'OK=forget Back']);
    const carol = press(menu, 'Back Down OK')[2].lines;
    expect(carol).toEqual([CAROL_L, 'Pinned 1970-01-01', 'No certificate', 'OK=forget Back']);
  });

  it('flags a certificate whose subject is another identity, and one that is not X.509', () => {
    const zed = last(press(new Menu(learned()), '9 Down Down Down Down OK')).lines;
    expect(zed[2]).toBe(`Cert ${expectedFingerprint(fixtureBytes('alice'))} !ID`);
    const junk = new Uint8Array([1, 2, 3, 4, 5, 6]);
    const s: Settings = { ...factorySettings(), peerCertificates: { [BOB]: toBase64(junk) } };
    expect(press(new Menu(s), '9 OK')[1].lines[2]).toBe(`Cert ${expectedFingerprint(junk)} bad`);
  });

  it('uses the CN when the certificate has no SAN URI (Carol: CN carol@example.com)', () => {
    const s: Settings = { ...factorySettings(), peerCertificates: { [CAROL]: toBase64(fixtureBytes('carol')) } };
    expect(press(new Menu(s), '9 OK')[1].lines[2]).toBe(`Cert ${expectedFingerprint(fixtureBytes('carol'))} ok`);
  });

  it('shows the ends of a long URI as title, and Back returns to the list', () => {
    const outs = press(new Menu(learned()), '9 Down Down Down OK Back');
    expect(outs[4].lines[0]).toBe('verylongu..ample.org');
    expect(last(outs).lines[0]).toBe('Known peers');
    expect(last(outs).lines[2]).toBe('>verylongu..mple.org');
  });

  it('hints at the keys for any other key, changing nothing', () => {
    const outs = press(new Menu(learned()), '9 OK 5 Down');
    expect(outs[2].lines[3]).toBe('OK=forget Back');
    expect(outs[3].lines[0]).toBe(ALICE_L);
    expect(outs.some((o) => o.save)).toBe(false);
  });
});

describe('Known peers: forget', () => {
  it('asks first; Back keeps everything and returns to the details', () => {
    const outs = press(new Menu(learned()), '9 OK OK Back');
    expect(outs[2].lines).toEqual(['Forget peer?', ALICE_L, 'Pin and certificate', 'OK=yes  Back=no']);
    expect(outs[3].lines[0]).toBe(ALICE_L);
    expect(lastSave(outs)).toBeUndefined();
  });

  it('removes the pin and the certificate, keeps the PSK and every other setting', () => {
    const before = learned();
    const outs = press(new Menu(before), '9 OK OK OK');
    const saved = lastSave(outs)!;
    expect(saved.learnedPeers[ALICE]).toBeUndefined();
    expect(saved.peerCertificates[ALICE]).toBeUndefined();
    expect(saved.peerKeys).toEqual({ [ALICE]: PSK, [DAVE]: PSK });
    expect(saved).toEqual({ ...before, learnedPeers: without(before.learnedPeers, ALICE), peerCertificates: without(before.peerCertificates, ALICE) });
    // Back on the list, without Alice, saying so.
    expect(last(outs).lines).toEqual(['Known peers', `>${BOB_L}`, ` ${CAROL_L}`, 'Forgotten']);
    expect(press(new Menu(saved), 'Back')[0].exit).toBe(true);
  });

  it('forgetting the last peer leaves "No peers yet"', () => {
    const s: Settings = { ...factorySettings(), peerCertificates: { [BOB]: toBase64(fixtureBytes('bob')) } };
    const outs = press(new Menu(s), '9 OK OK OK');
    expect(lastSave(outs)!.peerCertificates).toEqual({});
    expect(last(outs).lines).toEqual(['Known peers', 'No peers yet', '', 'Forgotten']);
  });

  it('forgetting the last entry of a long list keeps a peer selected', () => {
    const menu = new Menu(learned());
    const outs = press(menu, '9 Down Down Down Down OK OK OK');
    expect(Object.keys(lastSave(outs)!.peerCertificates)).not.toContain(ZED);
    expect(last(outs).lines[3]).toBe('Forgotten');
    // The message covers the third row; the cursor is on the new last peer.
    expect(menu.press('OK').lines[0]).toBe('verylongu..ample.org');
  });
});

describe('Known peers over the settings store', () => {
  it('a forgotten peer stays forgotten after a restart, its PSK kept', () => {
    const flash = new SimFlash(4096, 8);
    openSettingsStore(flash).save(learned());
    useMenu(flash, '9 Down OK OK OK');
    const booted = openSettingsStore(flash).settings;
    expect(Object.keys(booted.peerCertificates).sort()).toEqual([ALICE, ZED]);
    expect(Object.keys(booted.learnedPeers).sort()).toEqual([ALICE, CAROL, LONG]);
    expect(booted.peerKeys).toEqual({ [ALICE]: PSK, [DAVE]: PSK });
    expect(useMenu(flash, '9 Down')[1]).toBe(' ' + ALICE_L);
    expect(useMenu(flash, '9 Down')[2]).toBe('>' + CAROL_L);
  });

  it('a refused save shows the error and keeps the peer, in flash and on screen', () => {
    const flash = new SimFlash(4096, 8);
    // Forgetting shrinks the record, so a save can only fail in the flash: a cut after one operation.
    openSettingsStore(flash).save(learned());
    const image = flash.image.slice();
    const store = openSettingsStore(flash);
    const menu = new Menu(store.settings);
    press(menu, '9 OK OK');
    const out = menu.press('OK');
    flash.planCut({ after: 0, fraction: 0 });
    let lines = out.lines;
    try {
      store.save(out.save!);
    } catch (e) {
      lines = menu.saveFailed(store.settings, (e as Error).message);
    }
    expect(lines[3].startsWith('Not saved: ')).toBe(true);
    expect(lines.slice(0, 3)).toEqual(['Known peers', `>${ALICE_L}`, ` ${BOB_L}`]);
    expect(flash.image).toEqual(image);
    expect(store.settings).toEqual(learned());
    expect(press(menu, 'OK')[0].lines[2]).toBe(`Cert ${expectedFingerprint(fixtureBytes('alice'))} ok`);
  });
});

describe('Known peers: any key sequence', () => {
  const POOL = [ALICE, BOB, CAROL, ZED, LONG];
  const certArb = fc.oneof(
    fc.constantFrom('alice', 'bob', 'carol').map((n) => toBase64(fixtureBytes(n))),
    fc.uint8Array({ minLength: 1, maxLength: 40 }).map(toBase64),
    fc.constant('AAA'),
  );
  const arb = fc.record({
    base: settingsArb,
    pins: fc.dictionary(fc.constantFrom(...POOL), fc.record({ table: tableArb, learnedAt: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })) }), { maxKeys: 4 }),
    certs: fc.dictionary(fc.constantFrom(...POOL), certArb, { maxKeys: 4 }),
    psks: fc.dictionary(fc.constantFrom(...POOL), fc.uint8Array({ minLength: 16, maxLength: 32 }).map(toHex), { maxKeys: 4 }),
    // Any key, OK drawn most often so that peers do get forgotten (OK OK OK from the list): about
    // a third of the runs forget at least one peer.
    keys: fc.array(
      fc.oneof(
        { arbitrary: fc.constant<Key>('OK'), weight: 5 },
        { arbitrary: fc.constantFrom<Key>('Up', 'Down'), weight: 2 },
        { arbitrary: fc.constant<Key>('Back'), weight: 1 },
        { arbitrary: fc.constantFrom(...KEYS), weight: 2 },
      ),
      { maxLength: 40 },
    ),
  });

  it('never throws, keeps a 4x20 screen, and each save forgets exactly one peer and nothing else', () => {
    fc.assert(
      fc.property(arb, ({ base, pins, certs, psks, keys }) => {
        const initial: Settings = {
          ...base,
          peerKeys: { ...base.peerKeys, ...psks },
          learnedPeers: { ...base.learnedPeers, ...pins },
          peerCertificates: { ...base.peerCertificates, ...certs },
        };
        const menu = new Menu(initial);
        let current = initial;
        let title = menu.press('9').lines[0];
        for (const key of keys) {
          // On the main list any key goes back into Known peers: the other entries are tested elsewhere.
          const out = menu.press(title === 'Menu' ? '9' : key);
          expect(out.lines).toHaveLength(MENU_ROWS);
          for (const l of out.lines) expect(l.length).toBeLessThanOrEqual(MENU_COLUMNS);
          expect(out.exit).toBe(undefined);
          title = out.lines[0];
          if (!out.save) continue;
          const next = out.save;
          const gone = [...new Set([...Object.keys(current.learnedPeers), ...Object.keys(current.peerCertificates)])].filter(
            (p) => !(p in next.learnedPeers) && !(p in next.peerCertificates),
          );
          expect(gone).toHaveLength(1);
          expect(next).toEqual({ ...current, learnedPeers: without(current.learnedPeers, gone[0]), peerCertificates: without(current.peerCertificates, gone[0]) });
          settingsFromJson(JSON.parse(JSON.stringify(settingsToJson(next))));
          current = next;
        }
      }),
      { numRuns: 200 },
    );
  });
});
