// The device scenarios (issue 12): what `npm run device:check` runs on Moddable's own runtime (XS 17,
// preloaded modules, the device manifest's creation limits) and jest runs in Node. Each scenario
// returns its verdict and figures; the host adds the XS stack and heap peaks it measured around it.
// Expectations are independent of the code under test: RFC 3711 vectors, both sides of a MIKEY
// exchange deriving the same keys, the worked example's documented outcome, tones heard end to end.
import type { Crypto } from '../../hal/contracts.js';
import { parseMessage } from '../../modules/sip/message.js';
import { KEY_AGREEMENTS } from '../../modules/negotiation/capabilities.js';
import { answerOffer, confirmAnswer } from '../../modules/negotiation/agreement.js';
import { parseTable } from '../../modules/negotiation/table.js';
import { findTable, tableExtension } from '../../modules/phone/call-negotiation.js';
import { makeOffer, screenOffer, type KeyingContext } from '../../modules/phone/keying.js';
import { loadPkCredentials } from '../../modules/mikey/pk-auth.js';
import { ReplayCache } from '../../modules/mikey/replay-cache.js';
import { createPhone } from '../../modules/phone/phone.js';
import { SrtpContext } from '../../modules/srtp/context.js';
import { deriveSessionKey } from '../../modules/srtp/key-derivation.js';
import { unprotectRtcp } from '../../modules/srtp/srtcp.js';
import { protectRtp, unprotectRtp } from '../../modules/srtp/srtp.js';
import { AesF8Cipher } from '../../modules/srtp/ciphers/aes-f8.js';
import { concatBytes, fromBase64, fromHex, toHex, utf8Decode, utf8Encode } from '../../modules/util/bytes.js';
import { seededRandom } from '../unit/sip-test-network.js';
import { memoryHal } from './memory-hal.js';
import { VirtualWorld } from './virtual-world.js';

/**
 * The test vectors the scenarios check against: tests/fixtures/pki/fixtures.json (certificates and
 * keys, base64 DER) and tests/fixtures/srtp-vectors.json. Passed in because each host reads files
 * its own way: jest imports them, the Moddable app reads them as data resources.
 */
export interface DeviceFixtures {
  readonly pki: Readonly<Record<string, string>>;
  readonly srtp: typeof import('../fixtures/srtp-vectors.json');
}

export interface ScenarioResult {
  readonly scenario: string;
  readonly pass: boolean;
  /** Why it failed, or what it checked. */
  readonly detail: string;
  readonly [figure: string]: unknown;
}

/** What the host measures: `step` after each event (heap peaks), `mark` at named moments (after a collection). */
export interface Probe {
  step(): void;
  mark(name: string): void;
}

const ALICE = 'sip:alice@example.com';
const BOB = 'sip:bob@example.com';
/** The worked example (README, docs/negotiation.md). */
const CALLER_TABLE = 'PSK,PKE,DH;AES_CM_128_HMAC_SHA1_80,AES_CM_128_HMAC_SHA1_32';
const CALLEE_TABLE = 'PKE,DH,PSK;AES_CM_128_HMAC_SHA1_32,AES_F8_128_HMAC_SHA1_80';
const PSK_HEX = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
const NOW_MS = Date.UTC(2027, 0, 1);

function check(scenario: string, failures: string[], figures: Record<string, unknown>, ok: string): ScenarioResult {
  return { scenario, pass: failures.length === 0, detail: failures.length === 0 ? ok : failures.join('; '), ...figures };
}

// ---------------------------------------------------------------------------------------------
// SIP messages of 100 bytes to 64 KB through the parser and a phone's user agent.

/** An OPTIONS request of exactly `size` bytes (RFC 3261 §11), padded with extension headers. */
export function optionsOfSize(size: number, callId: string): Uint8Array {
  const head =
    `OPTIONS sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.9:5099;branch=z9hG4bK${callId}\r\n` +
    `Max-Forwards: 70\r\nFrom: <sip:probe@example.com>;tag=p${callId}\r\nTo: <sip:bob@example.com>\r\n` +
    `Call-ID: ${callId}@probe\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n`;
  let text = head;
  let n = 0;
  // Header lines of up to 1,000 bytes (name, value, CRLF) until only the final CRLF is missing.
  while (text.length + 2 < size) {
    const room = size - 2 - text.length;
    const name = `X-Pad-${n++}: `;
    if (room < name.length + 3) {
      text = text.replace('Max-Forwards: 70', `Max-Forwards: ${'0'.repeat(room)}70`);
      break;
    }
    text += `${name}${'a'.repeat(Math.min(1000, room) - name.length - 2)}\r\n`;
  }
  return utf8Encode(`${text}\r\n`);
}

export const SIP_SIZES = [100, 1024, 3760, 4096, 16384, 65535];

export function sipSizes(crypto: Crypto, probe: Probe): ScenarioResult {
  const world = new VirtualWorld();
  const hal = memoryHal(world, { address: '127.0.0.2', seed: 2, toneHz: 1000, crypto });
  createPhone(hal, { displayName: 'Bob', user: 'bob', sipPort: 5060, domain: 'example.com' });
  const replies: string[] = [];
  const prober = world.network('127.0.0.9').bindUdp(5099, (d) => replies.push(utf8Decode(d.data).split('\r\n')[0]));
  const failures: string[] = [];
  const parsed: number[] = [];
  for (const size of SIP_SIZES) {
    const id = `size${size}`;
    // 100 bytes cannot hold a whole request: a truncated one, which must be refused quietly.
    const datagram = size < 512 ? optionsOfSize(512, id).subarray(0, size) : optionsOfSize(size, id);
    let parses: boolean;
    try {
      parseMessage(datagram);
      parses = true;
    } catch {
      parses = false;
    }
    if (parses !== size >= 512) failures.push(`${size} bytes: parser ${parses ? 'accepted' : 'refused'} it`);
    if (parses) parsed.push(size);
    const before = replies.length;
    prober.send(datagram, '127.0.0.2', 5060);
    world.runUntil(world.nowMs + 50);
    probe.step();
    const answered = replies.slice(before);
    if (size >= 512 && answered[0] !== 'SIP/2.0 200 OK') failures.push(`${size} bytes: phone answered ${answered.join(', ') || 'nothing'}`);
    if (size < 512 && answered.length > 0) failures.push(`${size} bytes (truncated): phone answered ${answered[0]}`);
  }
  if (world.errors.length > 0) failures.push(`handler errors: ${world.errors.join(', ')}`);
  return check('sip-sizes', failures, { sizes: SIP_SIZES, parsed }, 'each whole OPTIONS answered 200, the truncated one dropped');
}

// ---------------------------------------------------------------------------------------------
// One MIKEY offer and answer of every key agreement, tables inside, the worked example negotiated.

function keyingContext(name: 'alice' | 'bob', crypto: Crypto, pki: DeviceFixtures['pki']): KeyingContext {
  const self = name === 'alice' ? ALICE : BOB;
  const peer = name === 'alice' ? BOB : ALICE;
  return {
    selfUri: self,
    credentials: loadPkCredentials(self, [fromBase64(pki[name])], fromBase64(pki[`${name}.key`]), [fromBase64(pki.ca)]),
    pskFor: (uri) => (uri === peer ? fromHex(PSK_HEX) : undefined),
    peerCertificate: (uri) => (uri === peer ? fromBase64(pki[name === 'alice' ? 'bob' : 'alice']) : undefined),
    crypto,
    random: seededRandom(name === 'alice' ? 1 : 2),
    nowMs: NOW_MS,
    replay: new ReplayCache(5 * 60 * 1000),
  };
}

export function mikeyModes(crypto: Crypto, fixtures: DeviceFixtures, probe: Probe): ScenarioResult {
  const failures: string[] = [];
  const alice = keyingContext('alice', crypto, fixtures.pki);
  const bob = keyingContext('bob', crypto, fixtures.pki);
  const callerTable = parseTable(CALLER_TABLE);
  const calleeTable = parseTable(CALLEE_TABLE);
  const agreed: string[] = [];
  let chosen = '';
  for (const ka of KEY_AGREEMENTS) {
    try {
      const offer = makeOffer(ka, alice, BOB, 0x1234, [tableExtension({ role: 'offerer', policy: 'priority', table: callerTable })]);
      const screened = screenOffer(offer.message, bob, ALICE);
      if ('unsupported' in screened) throw new Error(screened.unsupported);
      if (!screened.result.ok) throw new Error(`refused: ${screened.result.reason}`);
      const offered = findTable(screened.result.extensions);
      if (!offered) throw new Error('the offer lost its table');
      const { selection, answer } = answerOffer(offered, calleeTable, 0);
      const completed = screened.result.complete(undefined, [tableExtension(answer)]);
      if (!completed.ok) throw new Error(`refused: ${completed.reason}`);
      const callerKeys = offer.finish(completed.response ?? new Uint8Array(0));
      if (toHex(callerKeys[0].masterKey) !== toHex(completed.keys[0].masterKey) || toHex(callerKeys[0].masterSalt) !== toHex(completed.keys[0].masterSalt)) throw new Error('the two sides derived different keys');
      const confirmed = confirmAnswer({ table: callerTable, policy: 'priority' }, answer, 0);
      chosen = `${confirmed.keyAgreement?.name}/${confirmed.suite?.name}`;
      if (selection.keyAgreement?.name !== confirmed.keyAgreement?.name) throw new Error('caller and callee chose differently');
      agreed.push(ka);
    } catch (e) {
      failures.push(`${ka}: ${(e as Error).message}`);
    }
    probe.step();
  }
  if (chosen !== 'PKE/AES_CM_128_HMAC_SHA1_32') failures.push(`worked example chose ${chosen}`);
  return check('mikey-modes', failures, { agreed, workedExample: chosen }, 'every mode keyed both sides alike; the worked example gives PKE/AES_CM_128_HMAC_SHA1_32');
}

// ---------------------------------------------------------------------------------------------
// SRTP and SRTCP known answers (RFC 3711 Appendix B, libsrtp's packets) through the crypto provider.

export function srtpVectorsScenario(crypto: Crypto, fixtures: DeviceFixtures, probe: Probe): ScenarioResult {
  const failures: string[] = [];
  const srtpVectors = fixtures.srtp;
  const expect = (what: string, got: string, want: string) => got !== want.toLowerCase() && failures.push(`${what}: got ${got}`);
  const b1 = srtpVectors.rfc3711_b1_f8;
  const packet = concatBytes(fromHex(b1.rtp_header), fromHex(b1.plaintext_payload));
  new AesF8Cipher(crypto, fromHex(b1.key), fromHex(b1.salt)).rtpXor(packet, 12, packet.length, Number.parseInt(b1.roc, 16));
  expect('B.1 f8', toHex(packet.subarray(12)), b1.ciphertext_payload);
  const b2 = srtpVectors.rfc3711_b2_aes_cm_keystream;
  const key = crypto.aesKey(fromHex(b2.session_key));
  for (const [counter, block] of b2.blocks) {
    const data = new Uint8Array(16);
    key.ctrXor(fromHex(counter), data);
    expect(`B.2 block ${counter}`, toHex(data), block);
  }
  const b3 = srtpVectors.rfc3711_b3_key_derivation;
  const master = crypto.aesKey(fromHex(b3.master_key));
  const derive = (label: number, length: number) => toHex(deriveSessionKey(master, fromHex(b3.master_salt), label, 0, 6, length));
  expect('B.3 cipher key', derive(0, 16), b3.srtp_cipher_key);
  expect('B.3 salt', derive(2, 14), b3.srtp_cipher_salt);
  expect('B.3 auth key', derive(1, 94), b3.srtp_auth_key_94_bytes);
  const v = srtpVectors.libsrtp_packets;
  const ctx = () => new SrtpContext({ profile: 'AES_CM_128_HMAC_SHA1_80', masterKey: fromHex(v.master_key), masterSalt: fromHex(v.master_salt), crypto });
  expect('libsrtp protect', toHex(protectRtp(ctx(), fromHex(v.rtp))), v.srtp_AES_CM_128_HMAC_SHA1_80);
  expect('libsrtp unprotect', toHex(unprotectRtp(ctx(), fromHex(v.srtp_AES_CM_128_HMAC_SHA1_80))), v.rtp);
  expect('libsrtp SRTCP unprotect', toHex(unprotectRtcp(ctx(), fromHex(v.srtcp_AES_CM_128_HMAC_SHA1_80))), v.rtcp);
  probe.step();
  return check('srtp-vectors', failures, {}, 'RFC 3711 B.1-B.3 and libsrtp SRTP/SRTCP packets');
}
