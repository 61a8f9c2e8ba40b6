// The peer store (modules/settings/peer-book.ts, peer-store.ts, phone-store.ts): bounded, with its
// eviction rule (learned data least recently used first, never a key the user entered), its JSON
// form fuzzed, power cuts at every flash operation of a save, the migration of flash images that
// kept peers in the settings record, and the Known peers menu on it. Runs on Node and on XS.
import fc from 'fast-check';
import { Menu } from '../../modules/menu/menu.js';
import { knownPeers } from '../../modules/menu/known-peers.js';
import { factorySettings, settingsToJson, type Settings } from '../../modules/settings/model.js';
import { bookFromJson, bookFromSettings, bookToJson, MAX_PEERS, PeerBookFullError } from '../../modules/settings/peer-book.js';
import { NOTICE_PEER_NOT_KEPT, openPhoneStore } from '../../modules/settings/phone-store.js';
import { flashRegion } from '../../modules/settings/flash-region.js';
import { openSettingsStore } from '../../modules/settings/store.js';
import { applyOp, fakeCertificate, peerOpsArb, peerUri, type PeerOp } from '../support/peer-arbitrary.js';
import { settingsArb } from '../support/settings-arbitrary.js';
import { CUT_WAYS, PowerCut, SimFlash } from '../support/sim-flash.js';

const AT = 1_700_000_000_000;
/** The XS engine runs this file too (tests/xs/unit-on-xs.test.ts), more slowly: fewer runs there. */
const ON_XS = typeof process === 'undefined';
const runs = (node: number, xs: number) => (ON_XS ? xs : node);
/** The settings as JSON with the per-peer maps in URI order (their order in memory is not kept). */
function json(s: Settings): string {
  const j = settingsToJson(s) as Record<string, unknown>;
  for (const k of ['peerKeys', 'learnedPeers', 'peerCertificates']) {
    const map = j[k] as Record<string, unknown>;
    j[k] = Object.fromEntries(Object.keys(map).sort().map((u) => [u, map[u]]));
  }
  return JSON.stringify(j);
}
const peersOf = (s: Settings) => json({ ...factorySettings(), peerKeys: s.peerKeys, learnedPeers: s.learnedPeers, peerCertificates: s.peerCertificates });
const restOf = (s: Settings) => json({ ...s, peerKeys: {}, learnedPeers: {}, peerCertificates: {} });
const learnedUris = (s: Settings) => new Set([...Object.keys(s.learnedPeers), ...Object.keys(s.peerCertificates)]);

describe('peer book JSON', () => {
  it('reads back what it writes, and never crashes on arbitrary JSON', () => {
    fc.assert(
      fc.property(settingsArb, (s) => {
        const { book } = bookFromSettings(s, {});
        expect(bookFromJson(JSON.parse(JSON.stringify(bookToJson(book))))).toEqual(book);
      }),
      { numRuns: runs(50, 5) },
    );
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        try {
          bookFromJson(value);
        } catch (e) {
          expect((e as Error).name).toBe('SettingsError');
        }
      }),
      { numRuns: runs(200, 30) },
    );
    expect(() => bookFromJson({ peers: { 'sip:a@b': { used: 1 } } })).toThrow('empty entry');
    expect(() => bookFromJson({ peers: { 'sip:a@b': { psk: 'abc', used: 1 } } })).toThrow('psk');
  });
});

describe('peer store: bound and eviction rule', () => {
  it('stays bounded, keeps every key entered, and evicts learned data least recently used first', () => {
    let evictions = 0;
    fc.assert(
      fc.property(peerOpsArb(24, ON_XS ? 16 : 40), (random) => {
        // Calls that fill the store first, so that the random changes meet a full one.
        const ops: PeerOp[] = [...Array.from({ length: 8 }, (_, peer) => ({ kind: 'learn' as const, peer: peer + 16, certificateChars: 3000, table: factorySettings().priorities })), ...random];
        const flash = new SimFlash(4096, 16);
        const store = openPhoneStore(flash);
        const changed = new Map<string, number>();
        ops.forEach((op, step) => {
          const before = store.settings;
          const next = applyOp(before, op, AT + step);
          const uri = peerUri(op.peer);
          try {
            store.save(next);
          } catch (e) {
            // Only a new key is refused, when keys fill the store; nothing changes.
            expect(e).toBeInstanceOf(PeerBookFullError);
            expect(op.kind).toBe('key');
            expect(json(store.settings)).toBe(json(before));
            expect([...learnedUris(before)].every((u) => u === uri)).toBe(true);
            return;
          }
          const after = store.settings;
          expect(after.peerKeys).toEqual(next.peerKeys);
          expect(restOf(after)).toBe(restOf(next));
          expect(new Set([...Object.keys(after.peerKeys), ...learnedUris(after)]).size).toBeLessThanOrEqual(MAX_PEERS);
          // (The record fitting its slot is checked by the store's write, which throws otherwise.)
          // Evicted: peers other than this one that lost their learned data; all older than any kept.
          const evicted = [...learnedUris(next)].filter((u) => u !== uri && !learnedUris(after).has(u));
          expect([...store.evicted].sort()).toEqual(evicted.sort());
          for (const gone of evicted) {
            for (const kept of learnedUris(after)) if (kept !== uri) expect(changed.get(gone) ?? -1).toBeLessThanOrEqual(changed.get(kept) ?? -1);
          }
          evictions += evicted.length;
          if (op.kind === 'learn' && after.peerCertificates[uri] === undefined) {
            // Not kept only when nothing else learned was left to make room.
            expect(store.notice).toBe(NOTICE_PEER_NOT_KEPT);
            expect([...learnedUris(after)].filter((u) => u !== uri)).toEqual([]);
          }
          for (const u of new Set([...Object.keys(next.peerKeys), ...learnedUris(next), ...Object.keys(before.peerKeys), ...learnedUris(before)])) {
            const was = JSON.stringify([before.peerKeys[u], before.learnedPeers[u]?.learnedAt, before.peerCertificates[u]]);
            const now = JSON.stringify([after.peerKeys[u], after.learnedPeers[u]?.learnedAt, after.peerCertificates[u]]);
            if (was !== now && !evicted.includes(u)) changed.set(u, step);
          }
        });
        // What the last save left is what a boot finds.
        expect(json(openPhoneStore(flash).settings)).toBe(json(store.settings));
      }),
      { numRuns: runs(25, 2) },
    );
    expect(evictions).toBeGreaterThan(0);
  });

  it('never overflows the settings record, however many peers: 40 certificates of 4 KB, 128 keys', () => {
    const flash = new SimFlash(4096, 16);
    const store = openPhoneStore(flash);
    const learned = ON_XS ? 16 : 40;
    for (let i = 0; i < learned; i++) store.save(applyOp(store.settings, { kind: 'learn', peer: i, certificateChars: 4000, table: factorySettings().priorities }, AT + i));
    // The last ones learned are kept: as many as fit.
    const certified = Object.keys(store.settings.peerCertificates).sort();
    expect(certified.length).toBeGreaterThan(2);
    expect(certified).toEqual(Array.from({ length: learned }, (_, i) => peerUri(i)).slice(learned - certified.length).sort());
    // All the keys a user could enter, in one save.
    let withKeys = store.settings;
    for (let i = 0; i < MAX_PEERS; i++) withKeys = applyOp(withKeys, { kind: 'key', peer: 100 + i, psk: '00112233445566778899aabbccddeeff' }, AT);
    store.save(withKeys);
    expect(Object.keys(store.settings.peerKeys)).toHaveLength(MAX_PEERS);
    // Keys made room by pushing out every certificate; one key more is refused with a message.
    expect(Object.keys(store.settings.peerCertificates)).toHaveLength(0);
    expect(() => store.save(applyOp(store.settings, { kind: 'key', peer: 999, psk: '00112233445566778899aabbccddeeff' }, AT))).toThrow(/^full: 128 peer keys/);
    // A call that learns now keeps nothing and says so; the call record itself is saved.
    store.save(applyOp(store.settings, { kind: 'learn', peer: 7, certificateChars: 1000, table: factorySettings().priorities }, AT + 99));
    expect(store.settings.peerCertificates).toEqual({});
    expect(store.settings.lastCall?.at).toBe(AT + 99);
    expect(store.notice).toBe(NOTICE_PEER_NOT_KEPT);
    const booted = openPhoneStore(flash);
    expect(json(booted.settings)).toBe(json(store.settings));
    expect(booted.notice).toBeUndefined();
  });

  it('keeps a certificate larger than the bound out, and says so', () => {
    const store = openPhoneStore(new SimFlash(4096, 16));
    store.save({ ...factorySettings(), peerCertificates: { 'sip:big@example.com': fakeCertificate(9000, 1) } });
    expect(store.settings.peerCertificates).toEqual({});
    expect(store.notice).toBe(NOTICE_PEER_NOT_KEPT);
  });
});

describe('peer store under power cuts', () => {
  it('boots the old or the new peers, and the old or the new settings, after a cut at every operation of a save', () => {
    let cuts = 0;
    fc.assert(
      fc.property(peerOpsArb(12, 8), peerOpsArb(12, 1), (history, [last]) => {
        const base = new SimFlash(4096, 16);
        const store = openPhoneStore(base);
        history.forEach((op, i) => {
          try {
            store.save(applyOp(store.settings, op, AT + i));
          } catch (e) {
            if (!(e instanceof PeerBookFullError)) throw e;
          }
        });
        const old = store.settings;
        const next = applyOp(old, last, AT + 100);
        const probe = base.copy();
        probe.planCut(undefined);
        const probeStore = openPhoneStore(probe);
        try {
          probeStore.save(next);
        } catch (e) {
          if (e instanceof PeerBookFullError) return;
          throw e;
        }
        const saved = probeStore.settings;
        for (let after = 0; after < probe.operations; after++) {
          for (const way of ON_XS ? CUT_WAYS.slice(0, 2) : CUT_WAYS) {
            const flash = base.copy();
            const cutStore = openPhoneStore(flash);
            flash.planCut({ after, ...way });
            expect(() => cutStore.save(next)).toThrow(PowerCut);
            flash.planCut(undefined);
            const booted = openPhoneStore(flash).settings;
            expect([peersOf(old), peersOf(saved)]).toContain(peersOf(booted));
            expect([restOf(old), restOf(saved)]).toContain(restOf(booted));
            cuts++;
          }
        }
      }),
      {
        numRuns: runs(6, 1),
        // One run that certainly saves: a full store, then a call that learns a peer.
        examples: [[Array.from({ length: 8 }, (_, peer) => ({ kind: 'learn' as const, peer, certificateChars: 3000, table: factorySettings().priorities })), [{ kind: 'learn', peer: 11, certificateChars: 2000, table: factorySettings().priorities }]]],
      },
    );
    expect(cuts).toBeGreaterThan(0);
  });
});

describe('flash images with peers in the settings record (before the peer store)', () => {
  /** An old image: saves of the whole settings over the whole flash, so records sit in both halves. */
  function oldImage(settings: Settings, saves: number): SimFlash {
    const flash = new SimFlash(4096, 16);
    const store = openSettingsStore(flash);
    for (let i = 0; i < saves; i++) store.save({ ...settings, lastCall: { peer: 'sip:x@y', protection: 'none', at: i } });
    return flash;
  }

  it('boot with the same settings, peers moved to the peer store, wherever the newest record lies', () => {
    fc.assert(
      fc.property(settingsArb, fc.integer({ min: 1, max: 12 }), (settings, saves) => {
        const flash = oldImage(settings, saves);
        const expected = json(openSettingsStore(flash).settings);
        expect(json(openPhoneStore(flash).settings)).toBe(expected);
        // Moved: the settings half holds a record without peers; boots after that find the same.
        expect(peersOf(openSettingsStore(flashRegion(flash, 0, 8)).settings)).toBe(peersOf(factorySettings()));
        const again = openPhoneStore(flash);
        expect(json(again.settings)).toBe(expected);
        expect(again.notice).toBeUndefined();
      }),
      { numRuns: runs(30, 2) },
    );
  });

  it('survive a power cut at every operation of the migration', () => {
    const settings: Settings = {
      ...factorySettings(),
      srtpMode: 'Mandatory',
      peerKeys: { [peerUri(1)]: '00112233445566778899aabbccddeeff' },
      learnedPeers: { [peerUri(2)]: { table: factorySettings().priorities, learnedAt: AT } },
      peerCertificates: { [peerUri(2)]: fakeCertificate(1500, 2) },
    };
    for (const saves of ON_XS ? [6] : [3, 6]) {
      const base = oldImage(settings, saves);
      const expected = json(openSettingsStore(base.copy()).settings);
      const probe = base.copy();
      probe.planCut(undefined);
      openPhoneStore(probe);
      expect(probe.operations).toBeGreaterThanOrEqual(4);
      for (let after = 0; after < probe.operations; after++) {
        for (const way of ON_XS ? CUT_WAYS.slice(0, 2) : CUT_WAYS) {
          const flash = base.copy();
          flash.planCut({ after, ...way });
          // The migration catches the cut (as any flash error) and runs on what it read.
          expect(json(openPhoneStore(flash).settings)).toBe(expected);
          flash.planCut(undefined);
          expect(json(openPhoneStore(flash).settings)).toBe(expected);
        }
      }
    }
  });
});

describe('Known peers menu on the peer store', () => {
  it('forgets a peer: after a restart its pin and certificate are gone, its key kept', () => {
    const flash = new SimFlash(4096, 16);
    const first = openPhoneStore(flash);
    first.save(applyOp(applyOp(first.settings, { kind: 'key', peer: 1, psk: 'ff'.repeat(32) }, AT), { kind: 'learn', peer: 1, certificateChars: 1200, table: factorySettings().priorities }, AT));
    first.save(applyOp(first.settings, { kind: 'learn', peer: 2, certificateChars: 1200, table: factorySettings().priorities }, AT));
    const menu = new Menu(first.settings);
    let saved: Settings | undefined;
    for (const key of ['9', 'OK', 'OK', 'OK'] as const) saved = menu.press(key).save ?? saved;
    first.save(saved!);
    const booted = openPhoneStore(flash).settings;
    expect(knownPeers(booted)).toEqual([peerUri(2)]);
    expect(booted.peerKeys).toEqual({ [peerUri(1)]: 'ff'.repeat(32) });
  });
});
