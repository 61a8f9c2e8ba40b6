// tshark's MIKEY dissector reads every public-key mode's messages, carried the way phones send
// them (SIP over UDP, SDP, session-level a=key-mgmt), without expert errors or malformed packets;
// the fields it decodes are the ones each mode's message layout calls for.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nobleCrypto } from '../../hal/noble-crypto.js';
import { dhScreen } from '../../modules/mikey/dh.js';
import { dhhmacScreen } from '../../modules/mikey/dhhmac.js';
import { loadPkCredentials, type PkCredentials } from '../../modules/mikey/pk-auth.js';
import type { Completed, Refused, Screened } from '../../modules/mikey/pk-exchange.js';
import { pkeOffer, pkeScreen } from '../../modules/mikey/pke.js';
import { rsaRScreen } from '../../modules/mikey/rsa-r.js';
import { flip } from '../support/mikey-pk-flip.js';
import { writeSipPcap } from '../support/mikey-pk-pcap.js';
import { okText } from '../support/mikey-pk-sip.js';
import { replayCache } from '../support/mikey-pk-parties.js';
import { seededRandom } from '../support/pki-random.js';
import { ensureDevKeys, type DevKeys } from '../../sim/dev-keys.js';
import { inviteText, offerMessage, type OfferMode } from '../../tools/mikey/offer.js';

const ALICE = 'sip:alice@127.0.0.1';
const BOB = 'sip:bob@127.0.0.1';
let dir: string;
let keys: DevKeys;

function tshark(args: string[]): string {
  try {
    return execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') throw new Error('tshark is not installed (apt install tshark): the MIKEY capture test needs it');
    throw e;
  }
}

function creds(uri: string): PkCredentials {
  const phone = keys.phones.get(uri)!;
  return loadPkCredentials(uri, [phone.certificate], phone.privateKey, [keys.caCertificate]);
}

function responseTo(mode: OfferMode, offer: Uint8Array): Uint8Array {
  const env = { random: seededRandom(`resp-${mode}`), nowMs: Date.now() };
  const ctx = { self: creds(BOB), crypto: nobleCrypto, env, replay: replayCache(), fromUri: ALICE };
  let screened: Screened | Refused;
  if (mode === 'pke') screened = pkeScreen(offer, ctx);
  else if (mode === 'dh') screened = dhScreen(offer, ctx);
  else if (mode === 'rsa-r') screened = rsaRScreen(offer, ctx);
  else screened = dhhmacScreen(offer, { selfUri: BOB, pskFor: () => keys.psk, crypto: nobleCrypto, env, replay: replayCache(), fromUri: ALICE });
  if (!screened.ok) throw new Error(`refused: ${screened.reason}`);
  return (screened.complete() as Completed).response!;
}

/** Dissects the SIP messages and returns, per frame, the MIKEY fields tshark decoded. */
function dissect(name: string, messages: string[]): { fields: string[][]; expert: string } {
  const pcap = join(dir, `${name}.pcap`);
  writeSipPcap(pcap, messages);
  const fields = ['mikey.type', 'mikey.t.ts_type', 'mikey.cert.type', 'mikey.id.data', 'mikey.kemac.mac_alg', 'mikey.pke.len', 'mikey.dh.group', 'mikey.sign.type', 'mikey.sign.len', 'mikey.v.auth_alg', 'mikey.err.no'];
  const out = tshark(['-r', pcap, '-T', 'fields', '-E', 'separator=|', '-E', 'occurrence=a', '-E', 'aggregator=,', ...fields.flatMap((f) => ['-e', f])]);
  const expert = tshark(['-r', pcap, '-q', '-z', 'expert']) + tshark(['-r', pcap, '-Y', '_ws.malformed || _ws.expert.severity >= "warning"']);
  return { fields: out.trim().split('\n').map((l) => l.split('|')), expert: expert.trim() };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mikey-pk-tshark-'));
  keys = ensureDevKeys(join(dir, 'keys'), [ALICE, BOB], { bits: 1024 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tshark dissects the public-key modes', () => {
  const offerOf = (mode: OfferMode, seed: string) => offerMessage({ mode, from: ALICE, to: BOB, keys, env: { random: seededRandom(seed), nowMs: Date.now() }, group: 2 });

  it('signed DH: I_MESSAGE and R_MESSAGE', () => {
    const offer = offerOf('dh', 'dh');
    const { fields, expert } = dissect('dh', [inviteText(ALICE, BOB, offer, seededRandom('s')), okText(ALICE, BOB, responseTo('dh', offer))]);
    expect(expert).toBe('');
    // type | ts | cert | ids | kemac mac | pke | dh groups | sign type | sign len | v | err
    expect(fields[0]).toEqual(['4', '0', '0', BOB, '', '', '2', '0', '128', '', '']);
    expect(fields[1]).toEqual(['5', '0', '0', ALICE, '', '', '2,2', '0', '128', '', '']);
  });

  it('DHHMAC: I_MESSAGE and R_MESSAGE', () => {
    const offer = offerOf('dhhmac', 'dhhmac');
    const { fields, expert } = dissect('dhhmac', [inviteText(ALICE, BOB, offer, seededRandom('s')), okText(ALICE, BOB, responseTo('dhhmac', offer))]);
    expect(expert).toBe('');
    expect(fields[0]).toEqual(['7', '0', '', `${ALICE},${BOB}`, '1', '', '2', '', '', '', '']);
    expect(fields[1]).toEqual(['8', '0', '', `${BOB},${ALICE}`, '1', '', '2,2', '', '', '', '']);
  });

  it('RSA-R: I_MESSAGE and R_MESSAGE', () => {
    const offer = offerOf('rsa-r', 'rsar');
    const { fields, expert } = dissect('rsar', [inviteText(ALICE, BOB, offer, seededRandom('s')), okText(ALICE, BOB, responseTo('rsa-r', offer))]);
    expect(expert).toBe('');
    expect(fields[0]).toEqual(['9', '0', '0', BOB, '', '', '', '0', '128', '', '']);
    expect(fields[1]).toEqual(['10', '0', '0', '', '1', '128', '', '0', '128', '', '']);
  });

  it('PKE: I_MESSAGE (without CHASH, fully dissected; with CHASH, which tshark stops at) and R_MESSAGE', () => {
    const env = { random: seededRandom('pke'), nowMs: Date.now() };
    const plain = pkeOffer({ self: creds(ALICE), crypto: nobleCrypto, env, responderUri: BOB, responderCertificate: keys.phones.get(BOB)!.certificate, ssrcs: [0], chash: false }).message;
    const withChash = offerOf('pke', 'pke2');
    const { fields, expert } = dissect('pke', [
      inviteText(ALICE, BOB, plain, seededRandom('s')),
      inviteText(ALICE, BOB, withChash, seededRandom('t')),
      okText(ALICE, BOB, responseTo('pke', withChash)),
    ]);
    expect(expert).toBe('');
    expect(fields[0]).toEqual(['2', '0', '0', BOB, '1', '128', '', '0', '128', '', '']);
    // Wireshark has no CHASH dissector: it decodes up to CHASH (KEMAC included) and stops quietly.
    expect(fields[1]).toEqual(['2', '0', '0', BOB, '1', '', '', '', '', '', '']);
    expect(fields[2]).toEqual(['3', '0', '', BOB, '', '', '', '', '', '1', '']);
  });

  it('PSK offers and Error messages', () => {
    const psk = offerOf('psk', 'psk');
    const refused = dhScreen(flip(offerOf('dh', 'dh2'), -1), {
      self: creds(BOB), crypto: nobleCrypto, env: { random: seededRandom('e'), nowMs: Date.now() }, replay: replayCache(), fromUri: ALICE,
    }) as Refused;
    const { fields, expert } = dissect('misc', [inviteText(ALICE, BOB, psk, seededRandom('s')), okText(ALICE, BOB, refused.error)]);
    expect(expert).toBe('');
    expect(fields[0]).toEqual(['0', '0', '', `${ALICE},${BOB}`, '1', '', '', '', '', '', '']);
    expect(fields[1]).toEqual(['6', '0', '', '', '', '', '', '', '', '', '0']);
  });
});
