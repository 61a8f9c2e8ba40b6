// SRTP for one call's media, whose master keys a re-key exchange may replace mid-call. A new master
// key means a new cryptographic context (RFC 3711 §3.2); the packet index goes on where the old
// context left it (§3.3.1: the ROC is not reset by re-keying), so the new context starts at the
// old one's ROC. Until the peer's first packet under its new key arrives, packets under the old
// receive key are still taken (they were in flight when the keys changed), then the old key is
// dropped: a key once replaced is never accepted again.
import type { Crypto } from '../../hal/contracts.js';
import type { RtpProtection } from '../../audio/rtp.js';
import { SrtpContext } from '../srtp/context.js';
import { SrtpError } from '../srtp/errors.js';
import type { ProtectionProfileName } from '../srtp/protection-profile.js';
import { protectRtp, unprotectRtp } from '../srtp/srtp.js';

export interface MasterKey {
  readonly masterKey: Uint8Array;
  readonly masterSalt: Uint8Array;
}

/** The highest ROC any SSRC of `states` has reached (one SSRC per direction in a call). */
function rocOf(states: Iterable<{ readonly roc: number }>): number {
  let roc = 0;
  for (const s of states) roc = Math.max(roc, s.roc);
  return roc;
}

export class RekeyableSrtp implements RtpProtection {
  private tx: SrtpContext;
  private rx: SrtpContext;
  /** The receive context a re-key replaced, until the peer's first packet under the new key. */
  private previousRx: SrtpContext | undefined;

  constructor(private readonly crypto: Crypto, private readonly profile: ProtectionProfileName, send: MasterKey, receive: MasterKey) {
    this.tx = new SrtpContext({ profile, ...send, crypto });
    this.rx = new SrtpContext({ profile, ...receive, crypto });
  }

  protect(packet: Uint8Array): Uint8Array {
    return protectRtp(this.tx, packet);
  }

  unprotect(packet: Uint8Array): Uint8Array | undefined {
    const clear = this.tryUnprotect(this.rx, packet);
    if (clear) {
      this.previousRx = undefined;
      return clear;
    }
    return this.previousRx && this.tryUnprotect(this.previousRx, packet);
  }

  /** Sends under a new master key from the next packet on. */
  rekeySend(key: MasterKey): void {
    this.tx = new SrtpContext({ profile: this.profile, ...key, crypto: this.crypto, roc: rocOf(this.tx.outboundRtp.values()) });
  }

  /** Takes packets under a new master key (and, for a while, the old one). */
  rekeyReceive(key: MasterKey): void {
    const roc = rocOf([...this.rx.inboundRtp.values()].map((s) => s.rollover));
    this.previousRx = this.rx;
    this.rx = new SrtpContext({ profile: this.profile, ...key, crypto: this.crypto, roc });
  }

  private tryUnprotect(context: SrtpContext, packet: Uint8Array): Uint8Array | undefined {
    // unprotectRtp works on a copy: a failed attempt leaves the packet for the other key.
    try {
      return unprotectRtp(context, packet);
    } catch (e) {
      if (e instanceof SrtpError || e instanceof RangeError) return undefined;
      throw e;
    }
  }
}
