// `phonectl mikey decode <base64 | hex | "a=key-mgmt:mikey ..."> [--psk HEX]`: prints a MIKEY message
// (RFC 3830) as JSON — header, crypto-session map, every payload; with the PSK (or for a MIKEY-NULL
// KEMAC) also the key data and the SRTP master key and salt per crypto session.
// `phonectl mikey encode <JSON | -> [--hex]`: builds a message from that JSON form, prints base64.
// `phonectl mikey offer ...`: dispatched to mikey-offer.ts. Bad input: one line, non-zero exit.
import { readFileSync } from 'node:fs';
import { nobleCrypto } from '../../hal/noble-crypto.js';
import { decodeMessageDetailed, encodeMessage } from '../../modules/mikey/codec.js';
import { DATA_TYPE, ENCR_ALG, MAC_ALG, PAYLOAD } from '../../modules/mikey/codes.js';
import { decodeKeyData } from '../../modules/mikey/key-data.js';
import { MikeyError } from '../../modules/mikey/mikey-error.js';
import { findPayload, type KemacItem, type Message } from '../../modules/mikey/payloads.js';
import { hmacSha1, kemacCipher, transportKeys } from '../../modules/mikey/pk-keys.js';
import { sessionKeys } from '../../modules/mikey/session-keys.js';
import { constantTimeEqual, fromBase64, fromHex, toBase64, toHex } from '../../modules/util/bytes.js';
import { UsageError } from '../phonectl.js';
import { bytesAsHex, headerJson, mapJson, messageFromJson, payloadJson } from '../mikey/json.js';
import { offer, offerHelp } from '../mikey/offer.js';
import { type CommandHelp, parseOptions } from '../format/help.js';

const USAGE = 'usage: phonectl mikey decode <base64|hex|"a=key-mgmt:mikey ..."> [--psk HEX] | encode <JSON|-> [--hex] | offer ...';

const decodeHelp: CommandHelp = {
  name: 'mikey decode',
  summary: 'print a MIKEY message (RFC 3830) as JSON: header, crypto-session map, every payload',
  usage: 'mikey decode <base64|hex|"a=key-mgmt:mikey ..."> [--psk HEX]',
  options: [{ flag: '--psk HEX', description: 'the pre-shared key: verifies the KEMAC MAC and adds the key data and SRTP master keys' }],
  notes: ['A MIKEY-NULL KEMAC (no encryption, no MAC) shows its keys without --psk.'],
};

const encodeHelp: CommandHelp = {
  name: 'mikey encode',
  summary: 'build a MIKEY message from the JSON form "mikey decode" prints; prints base64',
  usage: 'mikey encode <JSON|-> [--hex]',
  options: [{ flag: '--hex', description: 'print hex instead of base64' }],
  notes: ['"-" reads the JSON from stdin.'],
};

export const help: CommandHelp = {
  name: 'mikey',
  summary: 'decode, encode and make MIKEY messages (RFC 3830, carried in SDP a=key-mgmt by RFC 4567)',
  usage: 'mikey decode|encode|offer ...',
  subcommands: [decodeHelp, encodeHelp, offerHelp],
};

/** The message bytes from base64, hex, or an SDP a=key-mgmt:mikey line (RFC 4567 §3.1). */
export function inputBytes(text: string): Uint8Array {
  let t = text.trim();
  const line = /^(?:a=)?key-mgmt:\s*(\S+)\s+(\S+)\s*$/.exec(t);
  if (line) {
    if (line[1].toLowerCase() !== 'mikey') throw new UsageError(`key-mgmt protocol "${line[1]}" is not mikey`);
    t = line[2];
  }
  try {
    if (!line && /^[0-9a-fA-F]+$/.test(t) && t.length % 2 === 0) return fromHex(t);
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(t)) throw new SyntaxError('not base64');
    return fromBase64(t);
  } catch {
    throw new UsageError('input is neither hex, base64 nor an a=key-mgmt:mikey line');
  }
}

interface KeyReport {
  keyData: KemacItem[];
  srtp: { csId: number; masterKey: string; masterSalt: string }[];
}

function keyReport(message: Message, items: KemacItem[]): KeyReport {
  const keys = sessionKeys(nobleCrypto, message.header, items, findPayload(message, 'RAND')?.value);
  return { keyData: items, srtp: keys.map((k) => ({ csId: k.csId, masterKey: toHex(k.masterKey).toLowerCase(), masterSalt: toHex(k.masterSalt).toLowerCase() })) };
}

/** KEMAC opened with the PSK (RFC 3830 §3.1, §4.1.4): MAC over the whole message checked, then AES-CM. */
function openWithPsk(bytes: Uint8Array, end: number, message: Message, psk: Uint8Array): KeyReport {
  if (message.header.dataType !== DATA_TYPE.PSK_INIT) throw new UsageError(`--psk opens PSK I_MESSAGEs (data type 0), this is data type ${message.header.dataType}`);
  const kemac = message.payloads[message.payloads.length - 1];
  const t = findPayload(message, 'T');
  const rand = findPayload(message, 'RAND');
  if (!kemac || kemac.type !== 'KEMAC' || !t || !rand) throw new UsageError('a PSK I_MESSAGE needs T, RAND and a final KEMAC');
  const keys = transportKeys(nobleCrypto, psk, message.header.csbId, rand.value);
  if (kemac.macAlg === MAC_ALG.HMAC_SHA1_160 && !constantTimeEqual(hmacSha1(nobleCrypto, keys.authKey, [bytes.subarray(0, end - 20)]), kemac.mac)) {
    throw new UsageError('KEMAC MAC does not verify with this PSK');
  }
  if (kemac.encrAlg !== ENCR_ALG.AES_CM_128 && kemac.encrAlg !== ENCR_ALG.NULL) throw new UsageError(`KEMAC encryption ${kemac.encrAlg} is not supported`);
  const plain = kemac.encrAlg === ENCR_ALG.NULL ? kemac.encrData : kemacCipher(nobleCrypto, keys, message.header.csbId, t.value, kemac.encrData);
  return keyReport(message, decodeKeyData(plain, PAYLOAD.KEY_DATA));
}

async function decode(args: string[]): Promise<number> {
  const parsed = parseOptions(decodeHelp, args, { psk: { type: 'string' } }, true);
  if (parsed.positionals.length !== 1) throw new UsageError(USAGE);
  const bytes = inputBytes(parsed.positionals[0]);
  let psk: Uint8Array | undefined;
  if (parsed.values.psk !== undefined) {
    if (!/^([0-9a-fA-F]{2})+$/.test(parsed.values.psk)) throw new UsageError('--psk must be hex');
    psk = fromHex(parsed.values.psk);
  }
  try {
    const { message, end } = decodeMessageDetailed(bytes);
    const out: Record<string, unknown> = { header: headerJson(message.header), map: mapJson(message.header), payloads: message.payloads.map(payloadJson) };
    const kemac = findPayload(message, 'KEMAC');
    if (psk) Object.assign(out, openWithPsk(bytes, end, message, psk));
    else if (kemac && kemac.encrAlg === ENCR_ALG.NULL && kemac.macAlg === MAC_ALG.NULL && message.header.dataType === DATA_TYPE.PSK_INIT) {
      Object.assign(out, keyReport(message, decodeKeyData(kemac.encrData, PAYLOAD.KEY_DATA)));
    }
    process.stdout.write(`${JSON.stringify(out, bytesAsHex, 2)}\n`);
    return 0;
  } catch (e) {
    if (e instanceof MikeyError) throw new UsageError(e.message);
    throw e;
  }
}

async function encode(args: string[]): Promise<number> {
  const parsed = parseOptions(encodeHelp, args, { hex: { type: 'boolean', default: false } }, true);
  if (parsed.positionals.length !== 1) throw new UsageError(USAGE);
  const source = parsed.positionals[0] === '-' ? readFileSync(0, 'utf8') : parsed.positionals[0];
  let bytes: Uint8Array;
  try {
    bytes = encodeMessage(messageFromJson(JSON.parse(source)));
  } catch (e) {
    throw new UsageError(`cannot encode: ${(e as Error).message}`);
  }
  process.stdout.write(`${parsed.values.hex ? toHex(bytes).toLowerCase() : toBase64(bytes)}\n`);
  return 0;
}

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'decode') return decode(rest);
  if (sub === 'encode') return encode(rest);
  if (sub === 'offer') return offer(rest);
  throw new UsageError(USAGE);
}
