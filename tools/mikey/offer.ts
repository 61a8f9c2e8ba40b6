// `phonectl mikey offer --mode psk|pke|dh|dhhmac|rsa-r --from SIP-URI --to SIP-URI`: prints a
// complete SIP INVITE (RFC 3261 §7) whose SDP carries the MIKEY I_MESSAGE of that mode in a
// session-level a=key-mgmt:mikey line (RFC 4567 §3.1), made with the desktop host's development
// keys (sim/dev-keys.ts), so a capture tool can be pointed at each mode. `mikey` (tools/phonectl/
// mikey.ts) dispatches its `offer` subcommand here.
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Random } from '../../hal/contracts.js';
import { nobleCrypto } from '../../hal/noble-crypto.js';
import { dhOffer } from '../../modules/mikey/dh.js';
import { dhhmacOffer } from '../../modules/mikey/dhhmac.js';
import { SIGN_TYPE, loadPkCredentials, type PkCredentials, type PkEnvironment } from '../../modules/mikey/pk-auth.js';
import { hmacSha1, kemacCipher, transportKeys } from '../../modules/mikey/pk-keys.js';
import { defaultSessions, ntpTimestamp, srtpPolicy } from '../../modules/mikey/pk-message.js';
import { DATA_TYPE, encodeKeyData, encodeMessage, type Payload } from '../../modules/mikey/pk-wire.js';
import { pkeOffer } from '../../modules/mikey/pke.js';
import { rsaROffer } from '../../modules/mikey/rsa-r.js';
import { normalizeSipUri } from '../../modules/pki/identity.js';
import { toBase64, toHex } from '../../modules/util/bytes.js';
import { ensureDevKeys, type DevKeys } from '../../sim/dev-keys.js';
import { type CommandHelp, parseOptions } from '../format/help.js';
import { UsageError } from '../phonectl.js';

export const OFFER_MODES = ['psk', 'pke', 'dh', 'dhhmac', 'rsa-r'] as const;
export type OfferMode = (typeof OFFER_MODES)[number];

const DEFAULT_KEYS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'var', 'keys');

const nodeRandom: Random = { bytes: (n) => new Uint8Array(randomBytes(n)) };

export interface OfferRequest {
  readonly mode: OfferMode;
  readonly from: string;
  readonly to: string;
  readonly keys: DevKeys;
  readonly env: PkEnvironment;
  /** DH-Group for dh and dhhmac (0 = OAKLEY 5, 1 = OAKLEY 1, 2 = OAKLEY 2). */
  readonly group?: 0 | 1 | 2;
  readonly shortExponent?: boolean;
  readonly signType?: 0 | 1;
}

function credentialsFor(keys: DevKeys, uri: string, signType: 0 | 1): PkCredentials {
  const phone = keys.phones.get(uri)!;
  return loadPkCredentials(uri, [phone.certificate], phone.privateKey, [keys.caCertificate], { signType });
}

/**
 * PSK I_MESSAGE (RFC 3830 §3.1): HDR(0), T, RAND, IDi, IDr, SP, KEMAC(E(encr_key, TGK) ‖ MAC over the
 * whole message). With V = 1 the responder answers with its verification message.
 */
function pskMessage(req: OfferRequest): Uint8Array {
  const header = { dataType: DATA_TYPE.PSK_INIT, v: true, csbId: new DataView(req.env.random.bytes(4).buffer).getUint32(0), sessions: defaultSessions([0]) };
  const t = ntpTimestamp(req.env.nowMs);
  const rand = req.env.random.bytes(16);
  const keys = transportKeys(nobleCrypto, req.keys.psk, header.csbId, rand);
  const keyData = encodeKeyData([{ type: 'TGK', key: req.env.random.bytes(16) }]);
  const id = (uri: string): Payload => ({ type: 'ID', idType: 1, value: new TextEncoder().encode(uri) });
  const payloads: Payload[] = [
    { type: 'T', tsType: 0, value: t },
    { type: 'RAND', value: rand },
    id(req.from),
    id(req.to),
    srtpPolicy(),
    { type: 'KEMAC', encrAlg: 1, encrData: kemacCipher(nobleCrypto, keys, header.csbId, t, keyData), macAlg: 1, mac: new Uint8Array(20) },
  ];
  const message = encodeMessage({ header, payloads });
  message.set(hmacSha1(nobleCrypto, keys.authKey, [message.subarray(0, message.length - 20)]), message.length - 20);
  return message;
}

/** The I_MESSAGE of `req.mode`, from `req.from` to `req.to`, with the development keys. */
export function offerMessage(req: OfferRequest): Uint8Array {
  const ssrcs = [0];
  const signType = req.signType ?? SIGN_TYPE.RSA_PKCS1;
  switch (req.mode) {
    case 'psk':
      return pskMessage(req);
    case 'pke':
      return pkeOffer({
        self: credentialsFor(req.keys, req.from, signType), crypto: nobleCrypto, env: req.env, responderUri: req.to,
        responderCertificate: req.keys.phones.get(req.to)!.certificate, ssrcs,
      }).message;
    case 'dh':
      return dhOffer({ self: credentialsFor(req.keys, req.from, signType), crypto: nobleCrypto, env: req.env, responderUri: req.to, ssrcs, group: req.group, shortExponent: req.shortExponent }).message;
    case 'dhhmac':
      return dhhmacOffer({ selfUri: req.from, responderUri: req.to, psk: req.keys.psk, crypto: nobleCrypto, env: req.env, ssrcs, group: req.group, shortExponent: req.shortExponent }).message;
    case 'rsa-r':
      return rsaROffer({ self: credentialsFor(req.keys, req.from, signType), crypto: nobleCrypto, env: req.env, responderUri: req.to, ssrcs }).message;
  }
}

/** A SIP INVITE over UDP from `from` to `to` whose SDP offer carries `mikey` at session level. */
export function inviteText(from: string, to: string, mikey: Uint8Array, random: Random = nodeRandom): string {
  const token = () => toHex(random.bytes(8));
  const user = /^sips?:([^@]+)@/.exec(from)?.[1] ?? 'phone';
  const sdp = [
    'v=0',
    `o=${user} ${Number.parseInt(token().slice(0, 8), 16)} 1 IN IP4 127.0.0.1`,
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `a=key-mgmt:mikey ${toBase64(mikey)}`,
    'm=audio 40000 RTP/SAVP 0 8 101',
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:8 PCMA/8000',
    'a=rtpmap:101 telephone-event/8000',
    'a=sendrecv',
    '',
  ].join('\r\n');
  return [
    `INVITE ${to} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK${token()};rport`,
    'Max-Forwards: 70',
    `From: <${from}>;tag=${token()}`,
    `To: <${to}>`,
    `Call-ID: ${token()}@127.0.0.1`,
    'CSeq: 1 INVITE',
    `Contact: <sip:${user}@127.0.0.1:5060>`,
    'Content-Type: application/sdp',
    `Content-Length: ${new TextEncoder().encode(sdp).length}`,
    '',
    sdp,
  ].join('\r\n');
}

export const offerHelp: CommandHelp = {
  name: 'mikey offer',
  summary: 'print a SIP INVITE whose SDP carries a MIKEY offer of one mode, made with the development keys',
  usage: 'mikey offer --mode psk|pke|dh|dhhmac|rsa-r --from SIP-URI --to SIP-URI [--keys DIR] [--group 0|1|2] [--short] [--pss]',
  options: [
    { flag: '--mode MODE', description: `key agreement of the I_MESSAGE: ${OFFER_MODES.join(', ')} (required)` },
    { flag: '--from SIP-URI', description: 'the caller, e.g. sip:1001@127.0.0.1 (required)' },
    { flag: '--to SIP-URI', description: 'the callee, e.g. sip:1002@127.0.0.1 (required)' },
    { flag: '--keys DIR', description: 'development keys directory, made when missing (default var/keys)' },
    { flag: '--group N', description: 'DH group for dh and dhhmac: 0 OAKLEY 5, 1 OAKLEY 1, 2 OAKLEY 2 (RFC 3830 §6.1)' },
    { flag: '--short', description: 'short DH exponents for dh and dhhmac' },
    { flag: '--pss', description: 'sign with RSA-PSS instead of PKCS#1 v1.5 (pke, dh, rsa-r)' },
  ],
};

/** `phonectl mikey offer ...`: prints the INVITE; returns the exit status. */
export async function offer(args: string[]): Promise<number> {
  const { values } = parseOptions(offerHelp, args, {
    mode: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    keys: { type: 'string' },
    group: { type: 'string' },
    short: { type: 'boolean', default: false },
    pss: { type: 'boolean', default: false },
  });
  const mode = values.mode as OfferMode;
  if (!OFFER_MODES.includes(mode)) throw new UsageError(`--mode must be one of ${OFFER_MODES.join(', ')}`);
  for (const name of ['from', 'to'] as const) {
    if (!values[name] || !normalizeSipUri(values[name]!)) throw new UsageError(`--${name} must be a SIP URI such as sip:alice@127.0.0.1`);
  }
  const group = values.group === undefined ? undefined : Number(values.group);
  if (group !== undefined && group !== 0 && group !== 1 && group !== 2) throw new UsageError('--group must be 0 (OAKLEY 5), 1 (OAKLEY 1) or 2 (OAKLEY 2)');
  const from = values.from!;
  const to = values.to!;
  const keys = ensureDevKeys(values.keys ?? DEFAULT_KEYS, [from, to]);
  const message = offerMessage({
    mode, from, to, keys, env: { random: nodeRandom, nowMs: Date.now() }, group: group as 0 | 1 | 2 | undefined, shortExponent: values.short,
    signType: values.pss ? SIGN_TYPE.RSA_PSS : SIGN_TYPE.RSA_PKCS1,
  });
  process.stdout.write(inviteText(from, to, message));
  return 0;
}
