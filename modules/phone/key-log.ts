// Development key log (PhoneIdentity.keyLog): one log line per SRTP master key and salt that goes
// in force, per direction, so a capture can be decrypted (tests/interop/*-capture.test.ts).
// Off on a real phone: the lines give away the call's keys.
import type { SrtpSuiteName } from '../negotiation/capabilities.js';
import { toHex } from '../util/bytes.js';

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

/** Logs the keys a call takes in force: `keylog <call> <send|receive> <suite> <key hex><salt hex>`. */
export type KeyLog = (callId: string, suite: SrtpSuiteName, keys: KeysInForce) => void;

/** A key log writing to `log`, or doing nothing when not `enabled`. */
export function keyLog(log: (line: string) => void, enabled: boolean): KeyLog {
  return (callId, suite, keys) => {
    if (!enabled) return;
    for (const [direction, k] of [['send', keys.send], ['receive', keys.receive]] as const) {
      if (k) log(`keylog ${callId} ${direction} ${suite} ${toHex(k.masterKey)}${toHex(k.masterSalt)}`);
    }
  };
}
