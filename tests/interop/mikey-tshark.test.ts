// tshark's MIKEY dissector reads our messages as phones carry them (SIP over UDP, SDP, a=key-mgmt at
// session level, the only place tshark dissects it): the PSK I_MESSAGE, R_MESSAGE and Error
// message, a MIKEY-NULL offer, a message holding every other payload type, and a call's PSK
// exchange with the priority table in General Extensions. No expert warnings
// or malformed packets; the fields tshark decodes are the values we put in.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nobleCrypto as crypto } from '../../hal/noble-crypto.js';
import { encodeMessage } from '../../modules/mikey/codec.js';
import { sdpIdsExtension, vendorIdExtension } from '../../modules/mikey/general-extension.js';
import { nullOffer } from '../../modules/mikey/mikey-null.js';
import { pskOffer, pskRespond } from '../../modules/mikey/psk.js';
import { ReplayCache } from '../../modules/mikey/replay-cache.js';
import { suitePolicy } from '../../modules/mikey/srtp-policy.js';
import { parseTable } from '../../modules/negotiation/table.js';
import { sdpIds, tableExtension } from '../../modules/phone/call-negotiation.js';
import { makeOffer, screenOffer, type KeyingContext } from '../../modules/phone/keying.js';
import { fromHex, utf8Encode } from '../../modules/util/bytes.js';
import { inviteText } from '../../tools/mikey/offer.js';
import { writeSipPcap } from '../support/mikey-pk-pcap.js';
import { okText } from '../support/mikey-pk-sip.js';
import { fixtureBytes } from '../support/pki-fixtures.js';
import { seededRandom } from '../support/pki-random.js';

const ALICE = 'sip:alice@127.0.0.1';
const BOB = 'sip:bob@127.0.0.1';
const NOW = Date.now();
let dir: string;

function tshark(args: string[]): string {
  try {
    return execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') throw new Error('tshark is not installed (apt install tshark): the MIKEY capture test needs it');
    throw e;
  }
}

const FIELDS = [
  'mikey.type', 'mikey.v.set', 'mikey.csb_id', 'mikey.cs_count', 'mikey.srtp_id.ssrc', 'mikey.srtp_id.roc', 'mikey.t.ts_type', 'mikey.rand.len', 'mikey.id.data',
  'mikey.sp.encr_alg', 'mikey.sp.auth_tag_len', 'mikey.ext.type', 'mikey.kemac.encr_alg', 'mikey.kemac.mac_alg', 'mikey.key.type', 'mikey.key.kv', 'mikey.key.kv.spi',
  'mikey.v.auth_alg', 'mikey.err.no', 'mikey.cert.type', 'mikey.chash', 'mikey.pke.len', 'mikey.dh.group', 'mikey.dh.kv', 'mikey.sign.type', 'mikey.sign.len',
];

function dissect(name: string, messages: string[]): { rows: Record<string, string>[]; expert: string } {
  const pcap = join(dir, `${name}.pcap`);
  writeSipPcap(pcap, messages);
  const out = tshark(['-r', pcap, '-T', 'fields', '-E', 'separator=|', '-E', 'occurrence=a', '-E', 'aggregator=,', ...FIELDS.flatMap((f) => ['-e', f])]);
  const expert = tshark(['-r', pcap, '-q', '-z', 'expert']) + tshark(['-r', pcap, '-Y', '_ws.malformed || _ws.expert.severity >= "warning"']);
  const rows = out.trim().split('\n').map((l) => Object.fromEntries(l.split('|').map((v, i) => [FIELDS[i], v])));
  return { rows, expert: expert.trim() };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mikey-tshark-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tshark dissects the MIKEY core messages', () => {
  it('PSK I_MESSAGE, R_MESSAGE and an authenticated Error message', () => {
    const psk = new Uint8Array(16).fill(5);
    const env = (seed: string) => ({ crypto, random: seededRandom(seed), nowMs: NOW });
    const offer = pskOffer(
      { psk, sessions: [{ policy: 0, ssrc: 0x11223344, roc: 3 }], policies: [suitePolicy(0, 'AES_CM_128_HMAC_SHA1_32')], v: true, csbId: 0xcafe0001, idi: ALICE, idr: BOB, extensions: [sdpIdsExtension(['mikey'])] },
      env('i'),
    );
    const answer = pskRespond(offer.bytes, { pskFor: () => psk, replay: new ReplayCache(3600_000), idr: BOB }, env('r'));
    if (!answer.ok) throw new Error(answer.reason);
    const refused = pskRespond(offer.bytes, { pskFor: () => psk, replay: new ReplayCache(3600_000), expectedCsbId: 1 }, env('r'));
    if (refused.ok) throw new Error('expected a refusal');
    const { rows, expert } = dissect('psk', [inviteText(ALICE, BOB, offer.bytes, seededRandom('s')), okText(ALICE, BOB, answer.response!), okText(ALICE, BOB, refused.error)]);
    expect(expert).toBe('');
    expect(rows[0]).toMatchObject({
      'mikey.type': '0', 'mikey.v.set': '1', 'mikey.csb_id': '0xcafe0001', 'mikey.cs_count': '1', 'mikey.srtp_id.ssrc': '0x11223344', 'mikey.srtp_id.roc': '0x00000003',
      'mikey.t.ts_type': '0', 'mikey.rand.len': '16', 'mikey.id.data': `${ALICE},${BOB}`, 'mikey.sp.encr_alg': '1', 'mikey.sp.auth_tag_len': '4', 'mikey.ext.type': '1',
      'mikey.kemac.encr_alg': '1', 'mikey.kemac.mac_alg': '1',
    });
    expect(rows[1]).toMatchObject({ 'mikey.type': '1', 'mikey.csb_id': '0xcafe0001', 'mikey.id.data': BOB, 'mikey.v.auth_alg': '1' });
    expect(rows[2]).toMatchObject({ 'mikey.type': '6', 'mikey.err.no': '12', 'mikey.v.auth_alg': '1' });
  });

  it('MIKEY-NULL offer: TEK key data with its MKI', () => {
    const bytes = nullOffer({ sessions: [{ policy: 0, ssrc: 0xabcdef01, roc: 0 }], policies: [suitePolicy(0, 'AES_CM_128_HMAC_SHA1_80')], masterKey: new Uint8Array(16).fill(1), masterSalt: new Uint8Array(14).fill(2), mki: fromHex('0000002a'), csbId: 7 }, { random: seededRandom('n'), nowMs: NOW });
    const { rows, expert } = dissect('null', [inviteText(ALICE, BOB, bytes, seededRandom('s'))]);
    expect(expert).toBe('');
    expect(rows[0]).toMatchObject({ 'mikey.type': '0', 'mikey.kemac.encr_alg': '0', 'mikey.kemac.mac_alg': '0', 'mikey.key.type': '2', 'mikey.key.kv': '1', 'mikey.key.kv.spi': '0000002a', 'mikey.sp.auth_tag_len': '10' });
  });

  it('every other payload type: T COUNTER, CERT, PKE, DH, Vendor ID, SIGN last; CHASH', () => {
    const bytes = encodeMessage({
      header: { dataType: 4, v: false, prf: 0, csbId: 0x01020304, map: { type: 'srtp-id', sessions: [{ policy: 0, ssrc: 1, roc: 0 }] } },
      payloads: [
        { type: 'T', tsType: 2, value: fromHex('0000000a') },
        { type: 'RAND', value: new Uint8Array(16).fill(9) },
        { type: 'CERT', certType: 0, value: fixtureBytes('alice') },
        { type: 'PKE', cache: 1, data: new Uint8Array(8).fill(4) },
        // tshark reads the DH KV type but not KV data, so the DH payload here carries none.
        { type: 'DH', group: 2, value: new Uint8Array(128).fill(5), kv: { type: 'none' } },
        vendorIdExtension(utf8Encode('desk-phone')),
        { type: 'SIGN', signType: 0, signature: new Uint8Array(64).fill(6) },
      ],
    });
    // tshark's CHASH dissector cannot tell the hash length and stops there, so CHASH goes last in a message of its own.
    const chash = encodeMessage({
      header: { dataType: 2, v: false, prf: 0, csbId: 5, map: { type: 'srtp-id', sessions: [] } },
      payloads: [{ type: 'T', tsType: 0, value: new Uint8Array(8).fill(1) }, { type: 'CHASH', hashFunc: 0, value: new Uint8Array(20).fill(3) }],
    });
    const { rows, expert } = dissect('all', [inviteText(ALICE, BOB, bytes, seededRandom('s')), inviteText(ALICE, BOB, chash, seededRandom('t'))]);
    expect(expert).toBe('');
    expect(rows[1]['mikey.chash']).not.toBe('');
    expect(rows[0]).toMatchObject({ 'mikey.type': '4', 'mikey.t.ts_type': '2', 'mikey.cert.type': '0', 'mikey.pke.len': '8', 'mikey.dh.group': '2', 'mikey.dh.kv': '0', 'mikey.ext.type': '0', 'mikey.sign.type': '0', 'mikey.sign.len': '64' });
  });
});

describe('tshark dissects a call\'s PSK exchange (modules/phone/keying.ts)', () => {
  it('the offer carries the priority table (0xF0) and SDP IDs, the verification message the answer table before V', () => {
    const psk = new Uint8Array(32).fill(7);
    const context = (self: string, peer: string, seed: string): KeyingContext => ({
      selfUri: self, credentials: undefined, pskFor: (p) => (p === peer ? psk : undefined), peerCertificate: () => undefined,
      crypto, random: seededRandom(seed), nowMs: NOW, replay: new ReplayCache(3600_000),
    });
    const table = parseTable('PSK,DH;AES_CM_128_HMAC_SHA1_80');
    const offer = makeOffer('PSK', context(ALICE, BOB, 'ci'), BOB, 0x55667788, [tableExtension({ role: 'offerer', policy: 'priority', table }), sdpIds(['mikey'])]);
    const screened = screenOffer(offer.message, context(BOB, ALICE, 'cr'), ALICE);
    if ('unsupported' in screened || !screened.result.ok) throw new Error('the PSK offer was not accepted');
    const done = screened.result.complete(undefined, [tableExtension({ role: 'answerer', policy: 'priority', table })]);
    if (!done.ok) throw new Error(done.reason);
    const { rows, expert } = dissect('psk-call', [inviteText(ALICE, BOB, offer.message, seededRandom('s')), okText(ALICE, BOB, done.response!)]);
    expect(expert).toBe('');
    expect(rows[0]).toMatchObject({
      'mikey.type': '0', 'mikey.v.set': '1', 'mikey.cs_count': '2', 'mikey.srtp_id.ssrc': '0x55667788,0x00000000', 'mikey.id.data': `${ALICE},${BOB}`,
      'mikey.ext.type': '240,1', 'mikey.kemac.encr_alg': '1', 'mikey.kemac.mac_alg': '1', 'mikey.sp.auth_tag_len': '10',
    });
    expect(rows[1]).toMatchObject({ 'mikey.type': '1', 'mikey.id.data': BOB, 'mikey.ext.type': '240', 'mikey.v.auth_alg': '1' });
  });
});
