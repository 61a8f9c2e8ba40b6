// Development key log (PhoneIdentity.keyLog; `npm start -- --key-log FILE`): one line per SRTP master
// key and salt that goes in force, per direction, so a capture can be decrypted. Modelled on the TLS
// key log (NSS SSLKEYLOGFILE: `LABEL <id> <secret>`), with what finds the stream in a capture:
//
//   SRTP_MASTER <call-id> <tx|rx> <ssrc|-> <profile> <master key hex> <master salt hex> <local> <remote>
//
// tx: packets the phone sends, from <local> to <remote>, with SSRC <ssrc> (8 hex digits). rx: packets
// it receives, at <local>, from the peer announced at <remote>; <ssrc> is the peer's once a packet
// came in, "-" before. <local> and <remote> are the call's RTP address:port. A re-key adds lines: the
// latest line of a direction holds the key in force. The phone logs each line as `keylog <line>`
// (hal.log); the desktop host appends <line> to the file (sim/host.ts). Format: docs/key-log.md.
// Off on a real phone: the lines give away the call's keys.
import type { SrtpSuiteName } from '../negotiation/capabilities.js';
import { fromHex, toHex } from '../util/bytes.js';

/** A master key and salt (RFC 3711 §3.2.1). */
interface MasterKey {
  readonly masterKey: Uint8Array;
  readonly masterSalt: Uint8Array;
}

/** The keys a call takes in force: either direction may change alone (a re-key's ACK, the peer's new SDES key). */
export interface KeysInForce {
  readonly send?: MasterKey;
  readonly receive?: MasterKey;
}

/** Where a call's RTP flows (MediaSession.streams()). */
export interface MediaStreams {
  /** This phone's RTP address:port. */
  readonly local: string;
  /** The peer's RTP address:port, as its SDP gave it. */
  readonly remote: string;
  readonly sendSsrc: number;
  /** The SSRC the peer sends with, once a packet came in. */
  readonly receiveSsrc?: number;
}

/** Logs the keys a call takes in force, one `keylog SRTP_MASTER ...` line per direction given. */
export type KeyLog = (callId: string, suite: SrtpSuiteName, keys: KeysInForce, streams: MediaStreams) => void;

/** One line of the key log file. */
export interface KeyLogEntry {
  readonly callId: string;
  readonly direction: 'tx' | 'rx';
  readonly ssrc?: number;
  readonly profile: string;
  readonly masterKey: Uint8Array;
  readonly masterSalt: Uint8Array;
  readonly local: string;
  readonly remote: string;
}

export const KEY_LOG_LABEL = 'SRTP_MASTER';
/** The prefix of the phone's log lines that carry key log lines. */
export const KEY_LOG_PREFIX = 'keylog ';

const ssrcText = (ssrc: number | undefined) => (ssrc === undefined ? '-' : (ssrc >>> 0).toString(16).padStart(8, '0'));

export function formatKeyLogEntry(e: KeyLogEntry): string {
  return [KEY_LOG_LABEL, e.callId, e.direction, ssrcText(e.ssrc), e.profile, toHex(e.masterKey).toLowerCase(), toHex(e.masterSalt).toLowerCase(), e.local, e.remote].join(' ');
}

const HEX = /^(?:[0-9a-f]{2})+$/;
const ADDRESS = /^\S+:\d{1,5}$/;

/**
 * One line of a key log file; undefined for a comment (#), a blank line or another label, which a
 * reader skips as NSS does. A malformed SRTP_MASTER line throws RangeError naming the field.
 */
export function parseKeyLogLine(line: string): KeyLogEntry | undefined {
  const fields = line.trim().split(/\s+/);
  if (fields[0] !== KEY_LOG_LABEL) return undefined;
  if (fields.length !== 9) throw new RangeError(`${KEY_LOG_LABEL} has 8 fields, got ${fields.length - 1}`);
  const [, callId, direction, ssrc, profile, key, salt, local, remote] = fields;
  if (direction !== 'tx' && direction !== 'rx') throw new RangeError(`direction must be tx or rx, got "${direction}"`);
  if (ssrc !== '-' && !/^[0-9a-f]{8}$/.test(ssrc)) throw new RangeError(`SSRC must be 8 hex digits or "-", got "${ssrc}"`);
  if (!HEX.test(key) || !HEX.test(salt)) throw new RangeError('master key and salt must be lowercase hex');
  if (!ADDRESS.test(local) || !ADDRESS.test(remote)) throw new RangeError('local and remote must be address:port');
  return {
    callId, direction, profile, local, remote, masterKey: fromHex(key), masterSalt: fromHex(salt),
    ...(ssrc === '-' ? {} : { ssrc: Number.parseInt(ssrc, 16) }),
  };
}

/** A key log writing `keylog <line>` to `log`, or doing nothing when not `enabled`. */
export function keyLog(log: (line: string) => void, enabled: boolean): KeyLog {
  return (callId, suite, keys, streams) => {
    if (!enabled) return;
    for (const [direction, k, ssrc] of [['tx', keys.send, streams.sendSsrc], ['rx', keys.receive, streams.receiveSsrc]] as const) {
      if (k) log(KEY_LOG_PREFIX + formatKeyLogEntry({ callId, direction, ssrc, profile: suite, masterKey: k.masterKey, masterSalt: k.masterSalt, local: streams.local, remote: streams.remote }));
    }
  };
}
