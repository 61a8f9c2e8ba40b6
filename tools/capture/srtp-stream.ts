// One SRTP stream of a capture (a call, a direction, an SSRC) decrypted under the keys a key log gave
// for that call and direction (docs/key-log.md), in file order. A re-key appends a line: from the
// packet where the newer key authenticates on, that key is used (keys are tried newest first, never
// going back to an older one). The packet index continues across a re-key (RFC 3711 §3.3.1): the ROC
// a new key starts from is the one the stream reached, estimated as in RFC 3711 Appendix A.
import { nobleCrypto } from '../../hal/noble-crypto.js';
import type { KeyLogEntry } from '../../modules/phone/key-log.js';
import { SrtpContext } from '../../modules/srtp/context.js';
import { SrtpError } from '../../modules/srtp/errors.js';
import type { ProtectionProfileName } from '../../modules/srtp/protection-profile.js';
import { RolloverCounter } from '../../modules/srtp/rollover-counter.js';
import { unprotectRtp } from '../../modules/srtp/srtp.js';

/** A decrypted RTP packet with its SRTP index (2^16 · ROC + SEQ). */
export interface DecryptedPacket {
  readonly index: number;
  readonly rtp: Uint8Array;
}

/** The per-stream line of `phonectl capture decrypt` (docs/key-log.md). */
export interface StreamReport {
  readonly callId: string;
  readonly direction: 'tx' | 'rx';
  readonly ssrc: string;
  readonly profile: string;
  readonly packets: number;
  readonly decrypted: number;
  readonly authenticationFailures: number;
  readonly otherFailures: number;
  readonly losses: number;
  readonly firstSequence: number | null;
  readonly lastSequence: number | null;
  readonly roc: number;
  readonly keysUsed: number;
}

export class SrtpStream {
  readonly decryptedPackets: DecryptedPacket[] = [];
  private readonly contexts: (SrtpContext | undefined)[] = [];
  private readonly rollover = new RolloverCounter(0);
  private current = 0;
  private packets = 0;
  private authenticationFailures = 0;
  private otherFailures = 0;
  private lowest = Infinity;
  private highest = -Infinity;
  private firstSequence: number | null = null;
  private lastSequence: number | null = null;
  private readonly used = new Set<number>();

  /** `keys`: the lines of one call and direction, in file order, each with a known profile. */
  constructor(readonly keys: readonly KeyLogEntry[], readonly ssrc: number) {}

  /** A context for key j whose first packet starts at ROC `roc`, unless it already follows the stream. */
  private context(j: number, roc: number): SrtpContext {
    const known = this.contexts[j];
    if (known && (known.inboundRtp.has(this.ssrc) || known.initialRoc === roc)) return known;
    const k = this.keys[j];
    const made = new SrtpContext({ profile: k.profile as ProtectionProfileName, masterKey: k.masterKey, masterSalt: k.masterSalt, crypto: nobleCrypto, roc });
    this.contexts[j] = made;
    return made;
  }

  /** Decrypts one SRTP packet of the stream (capture order), counting what happens. */
  push(srtp: Uint8Array): void {
    this.packets++;
    const seq = (srtp[2] << 8) | srtp[3];
    let authentication = false;
    for (let j = this.keys.length - 1; j >= this.current; j--) {
      const context = this.context(j, Math.max(0, this.rollover.guess(seq)));
      const state = context.inboundRtp.get(this.ssrc);
      const roc = state ? state.rollover.guess(seq) : context.initialRoc;
      let rtp: Uint8Array;
      try {
        rtp = unprotectRtp(context, srtp);
      } catch (e) {
        if (!(e instanceof SrtpError)) throw e;
        if (e.reason === 'authentication') authentication = true;
        continue;
      }
      this.current = j;
      this.used.add(j);
      this.rollover.update(seq, roc);
      const index = roc * 65536 + seq;
      this.lowest = Math.min(this.lowest, index);
      this.highest = Math.max(this.highest, index);
      this.firstSequence ??= seq;
      this.lastSequence = seq;
      this.decryptedPackets.push({ index, rtp });
      return;
    }
    if (authentication) this.authenticationFailures++;
    else this.otherFailures++;
  }

  report(): StreamReport {
    const k = this.keys[0];
    const decrypted = this.decryptedPackets.length;
    return {
      callId: k.callId,
      direction: k.direction,
      ssrc: this.ssrc.toString(16).padStart(8, '0'),
      profile: this.keys[this.current].profile,
      packets: this.packets,
      decrypted,
      authenticationFailures: this.authenticationFailures,
      otherFailures: this.otherFailures,
      // Gaps in the extended sequence: indexes between the lowest and the highest never decrypted.
      losses: decrypted === 0 ? 0 : Math.max(0, this.highest - this.lowest + 1 - decrypted),
      firstSequence: this.firstSequence,
      lastSequence: this.lastSequence,
      roc: this.rollover.roc,
      keysUsed: this.used.size,
    };
  }
}
