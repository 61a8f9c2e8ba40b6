import fc from 'fast-check';
import { crc32 } from '../../modules/settings/crc32.js';
import { parseTable } from '../../modules/negotiation/table.js';
import {
  factorySettings,
  SettingsError,
  settingsFromJson,
  settingsToJson,
  type Settings,
} from '../../modules/settings/model.js';
import { decodeRecord, encodeRecord, isNewer } from '../../modules/settings/record.js';
import { NOTICE_CORRUPT, noticeNewerFormat, noticeUnknownFormat, openSettingsStore, SettingsTooLargeError } from '../../modules/settings/store.js';
import { utf8Encode } from '../../modules/util/bytes.js';
import { cutEverySave, cutRandomly, newCounts, operationsOfSave } from '../support/power-cut.js';
import { chaosStepsArb, settingsArb } from '../support/settings-arbitrary.js';
import { CUT_WAYS, PowerCut, SimFlash } from '../support/sim-flash.js';

const same = (a: Settings, b: Settings) => JSON.stringify(settingsToJson(a)) === JSON.stringify(settingsToJson(b));

describe('settings record', () => {
  it('uses CRC-32 with the standard check value', () => {
    expect(crc32(utf8Encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('is valid only once committed, and any flipped bit makes it corrupt', () => {
    const record = encodeRecord(7, utf8Encode('{"a":1}'));
    const slot = new Uint8Array(256).fill(0xff);
    slot.set(record);
    expect(decodeRecord(slot).status).toBe('corrupt'); // commit word still erased
    slot.fill(0, record.length, record.length + 4);
    expect(decodeRecord(slot)).toMatchObject({ status: 'valid', sequence: 7 });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: record.length * 8 - 1 }), (bit) => {
        const copy = slot.slice();
        copy[bit >> 3] ^= 1 << (bit & 7);
        expect(decodeRecord(copy).status).not.toBe('valid');
      }),
      { numRuns: 200 },
    );
  });

  it('orders sequence numbers across the 32-bit wrap (RFC 1982)', () => {
    expect(isNewer(1, 0xffffffff)).toBe(true);
    expect(isNewer(0xffffffff, 1)).toBe(false);
    expect(isNewer(5, 5)).toBe(false);
  });
});

describe('settings store', () => {
  it('boots a blank flash with factory settings and no notice, and keeps what is saved', () => {
    const flash = new SimFlash(4096, 8);
    const store = openSettingsStore(flash);
    expect(store.notice).toBeUndefined();
    expect(same(store.settings, factorySettings())).toBe(true);
    fc.assert(
      fc.property(settingsArb, (s) => {
        store.save(s);
        expect(same(openSettingsStore(flash).settings, s)).toBe(true);
      }),
      { numRuns: 30 },
    );
  });

  it('reads at boot only the headers of empty slots and the bytes of the records', () => {
    const flash = new SimFlash(4096, 8);
    openSettingsStore(flash).save(factorySettings());
    let bytesRead = 0;
    const counting = { sectorSize: 4096, sectorCount: 8, eraseSector: () => {}, write: () => {}, read: (o: number, l: number) => ((bytesRead += l), flash.read(o, l)) };
    const payload = JSON.stringify(settingsToJson(factorySettings())).length;
    expect(openSettingsStore(counting).settings.srtpMode).toBe('Optional');
    // Four 8 KiB slots: the record's header, then the record (16-byte header, payload, CRC and
    // commit word); for each erased slot its header, then the 24 bytes of an empty record.
    expect(bytesRead).toBe(16 + (16 + payload + 8) + 3 * (16 + 24));
  });

  it('spreads saves over every sector', () => {
    const flash = new SimFlash(4096, 8);
    const store = openSettingsStore(flash);
    for (let i = 0; i < 40; i++) store.save({ ...factorySettings(), srtpMode: i % 2 ? 'Mandatory' : 'Off' });
    expect(Math.max(...flash.erases) - Math.min(...flash.erases)).toBeLessThanOrEqual(1);
  });

  it('falls back to factory settings with a notice on a corrupt image, writing nothing', () => {
    const flash = new SimFlash(4096, 8);
    openSettingsStore(flash).save({ ...factorySettings(), srtpMode: 'Mandatory' });
    flash.image[20] ^= 0x01;
    const image = flash.image.slice();
    const store = openSettingsStore(flash);
    expect(store.notice).toBe(NOTICE_CORRUPT);
    expect(same(store.settings, factorySettings())).toBe(true);
    expect(flash.image).toEqual(image);
  });

  /** A committed record of format version 9 (as newer firmware would write) at `offset`. */
  function writeFutureRecord(flash: SimFlash, offset: number, sequence: number): Uint8Array {
    const record = encodeRecord(sequence, utf8Encode('{"future":true}'));
    record[5] = 9;
    new DataView(record.buffer).setUint32(record.length - 4, crc32(record.subarray(0, record.length - 4)));
    flash.write(offset, record);
    flash.write(offset + record.length, new Uint8Array(4));
    return record;
  }

  it('does not overwrite a record of an unknown version on the first save', () => {
    const flash = new SimFlash(4096, 8);
    const record = writeFutureRecord(flash, 0, 1);
    const image = flash.image.slice();
    const store = openSettingsStore(flash);
    expect(store.notice).toBe(noticeUnknownFormat(9));
    expect(same(store.settings, factorySettings())).toBe(true);
    expect(flash.image).toEqual(image); // boot wrote nothing
    store.save(factorySettings());
    expect(flash.read(0, record.length)).toEqual(record);
  });

  it('keeps a newer-format record through later saves and numbers its own saves after it', () => {
    const flash = new SimFlash(4096, 8); // four 8 KiB slots
    const store = openSettingsStore(flash);
    store.save({ ...factorySettings(), srtpMode: 'Off' }); // slot 0, sequence 1
    const future = writeFutureRecord(flash, 8192, 2); // slot 1, sequence 2
    const booted = openSettingsStore(flash);
    expect(booted.notice).toBe(noticeNewerFormat(9));
    expect(booted.settings.srtpMode).toBe('Off');
    for (let i = 0; i < 9; i++) booted.save({ ...factorySettings(), srtpMode: i % 2 ? 'Mandatory' : 'Optional' });
    expect(flash.read(8192, future.length)).toEqual(future);
    // The kept slot's sectors (2 and 3) were never erased; the other slots took turns.
    expect(flash.erases[2]).toBe(0);
    expect(flash.erases[3]).toBe(0);
    expect(decodeRecord(flash.read(8192, 8192))).toMatchObject({ status: 'unknown-version', sequence: 2 });
    const again = openSettingsStore(flash);
    expect(again.notice).toBeUndefined();
    expect(again.settings.srtpMode).toBe('Optional');
  });

  it('shows notices that fit one display line', () => {
    for (const notice of [NOTICE_CORRUPT, noticeUnknownFormat(99), noticeNewerFormat(999)]) expect(notice.length).toBeLessThanOrEqual(20);
  });

  it('refuses settings too large for a slot, losing nothing', () => {
    const flash = new SimFlash(4096, 8);
    const store = openSettingsStore(flash, 4096);
    const kept = { ...factorySettings(), srtpMode: 'Mandatory' as const };
    store.save(kept);
    const image = flash.image.slice();
    const peerKeys: Record<string, string> = {};
    for (let i = 0; i < 200; i++) peerKeys[`sip:peer${i}@example.com`] = '00'.repeat(32);
    expect(() => store.save({ ...kept, peerKeys })).toThrow(SettingsTooLargeError);
    expect(flash.image).toEqual(image);
    expect(same(store.settings, kept)).toBe(true);
  });

  it('survives a power cut at every flash operation of a save (a few random settings)', () => {
    const counts = newCounts();
    fc.assert(
      fc.property(fc.array(settingsArb, { minLength: 0, maxLength: 3 }), settingsArb, (history, next) => cutEverySave(history, next, counts, same)),
      { numRuns: 4 },
    );
    // Every save erases and writes: cuts fall in both kinds of operation, in every way.
    expect(counts.eraseCuts).toBeGreaterThanOrEqual(4 * CUT_WAYS.length);
    expect(counts.writeCuts).toBeGreaterThanOrEqual(4 * CUT_WAYS.length);
    expect(counts.bootedOld + counts.bootedNew).toBe(counts.cuts);
  });

  it('survives power cuts falling anywhere in a run of saves, including back to back (a few runs)', () => {
    const counts = newCounts();
    fc.assert(fc.property(chaosStepsArb(8), (steps) => cutRandomly(steps, factorySettings(), counts, same)), { numRuns: 6 });
    expect(counts.bootedOld + counts.bootedNew).toBe(counts.cuts);
  });

  it('goes on after a cut: the next save lands and boots', () => {
    const flash = new SimFlash(4096, 8);
    const old = { ...factorySettings(), srtpMode: 'Off' as const };
    openSettingsStore(flash).save(old);
    const next = { ...factorySettings(), srtpMode: 'Mandatory' as const };
    flash.planCut({ after: 1, fraction: 0.5 });
    expect(() => openSettingsStore(flash).save(next)).toThrow(PowerCut);
    flash.planCut(undefined);
    const booted = openSettingsStore(flash);
    expect(booted.notice).toBeUndefined();
    expect(same(booted.settings, old)).toBe(true);
    booted.save(next);
    expect(same(openSettingsStore(flash).settings, next)).toBe(true);
  });

  it('counts the operations of a save: each sector of a slot erased, then the record, then the commit word', () => {
    const flash = new SimFlash(4096, 8);
    // 8 KiB slots on 4 KiB sectors: two erases and two writes.
    expect(operationsOfSave(flash, factorySettings())).toBe(4);
  });
});

describe('settings model', () => {
  const json = () => settingsToJson(factorySettings()) as Record<string, unknown>;

  it('reads a record written before the call timeouts existed with their desk-phone defaults', () => {
    const old = json() as Record<string, unknown>;
    delete old.ringTimeoutS;
    delete old.mediaTimeoutS;
    const s = settingsFromJson(old);
    expect([s.ringTimeoutS, s.mediaTimeoutS]).toEqual([60, 30]);
  });

  it('boots a flash written by the firmware before "fallback in one offer" with the setting off, and keeps it once set', () => {
    // The previous firmware wrote every field but this one, in the same record format (v1).
    const { fallbackInOneOffer: _, ...before } = { ...factorySettings(), srtpMode: 'Mandatory' as const, ringTimeoutS: 90 };
    const flash = new SimFlash(4096, 8);
    openSettingsStore(flash).save(before as Settings);
    expect(new TextDecoder().decode(flash.image)).not.toContain('fallbackInOneOffer');
    const booted = openSettingsStore(flash);
    expect(booted.notice).toBeUndefined();
    expect(booted.settings).toEqual({ ...before, fallbackInOneOffer: false });
    booted.save({ ...booted.settings, fallbackInOneOffer: true });
    expect(openSettingsStore(flash).settings.fallbackInOneOffer).toBe(true);
    expect(() => settingsFromJson({ ...json(), fallbackInOneOffer: 'yes' })).toThrow('fallbackInOneOffer');
  });

  it('refuses invalid settings JSON with a SettingsError naming the field', () => {
    expect(() => settingsFromJson({ ...json(), srtpMode: 'Sometimes' })).toThrow('srtpMode');
    expect(() => settingsFromJson({ ...json(), peerKeys: { 'sip:a@b': 'xyz' } })).toThrow('peerKeys');
    // 15 bytes: shorter than any SRTP master key (RFC 3711 §8.2).
    expect(() => settingsFromJson({ ...json(), peerKeys: { 'sip:a@b': '00'.repeat(15) } })).toThrow('peerKeys');
    expect(() => settingsFromJson({ ...json(), peerKeys: { 'sip:a@b': '00'.repeat(33) } })).toThrow('peerKeys');
    expect(() => settingsFromJson({ ...json(), peerKeys: { bob: '00'.repeat(16) } })).toThrow('peerKeys');
    expect(() => settingsFromJson({ ...json(), learnedPeers: { 'sip:a@b': { table: 'PSK;NOPE', learnedAt: 1 } } })).toThrow(SettingsError);
    expect(() => settingsFromJson({ ...json(), lastCall: { peer: 'sip:a@b', protection: 'zrtp', at: 1 } })).toThrow('lastCall');
    expect(() => settingsFromJson({ ...json(), lastCall: { peer: 'sip:a@b', protection: 'mikey', keyAgreement: 'ECDH', at: 1 } })).toThrow('lastCall');
    expect(() => settingsFromJson({ ...json(), deferHeavyCrypto: 'never' })).toThrow('deferHeavyCrypto');
    expect(() => settingsFromJson({ ...json(), ringTimeoutS: 0 })).toThrow('ringTimeoutS');
    expect(() => settingsFromJson({ ...json(), mediaTimeoutS: '30' })).toThrow('mediaTimeoutS');
    expect(() => settingsFromJson(null)).toThrow(SettingsError);
    expect(() => settingsFromJson([])).toThrow(SettingsError);
  });

  it('never crashes on arbitrary JSON: a Settings or a SettingsError', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        try {
          settingsFromJson(value);
        } catch (e) {
          expect(e).toBeInstanceOf(SettingsError);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a learned peer table and the last call through the store', () => {
    const flash = new SimFlash(4096, 8);
    const table = parseTable('DH,!PSK;AEAD_AES_128_GCM,AES_CM_128_HMAC_SHA1_80');
    const lastCall = { peer: 'sip:bob@example.com', protection: 'mikey-priority', keyAgreement: 'DH', suite: 'AEAD_AES_128_GCM', at: 1700000000001 } as const;
    openSettingsStore(flash).save({ ...factorySettings(), learnedPeers: { 'sip:bob@example.com': { table, learnedAt: 1700000000000 } }, lastCall });
    const booted = openSettingsStore(flash).settings;
    expect(booted.learnedPeers['sip:bob@example.com']).toEqual({ table, learnedAt: 1700000000000 });
    expect(booted.lastCall).toEqual(lastCall);
    // A learned table under something that is not a peer URI is refused before the flash is touched.
    const image = flash.image.slice();
    expect(() => openSettingsStore(flash).save({ ...factorySettings(), learnedPeers: { bob: { table, learnedAt: 0 } } })).toThrow(SettingsError);
    expect(flash.image).toEqual(image);
  });
});
