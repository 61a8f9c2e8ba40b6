// The SRTP cryptographic context (RFC 3711 §3.2): the master key, salt and MKI of one direction of
// one session, the session keys derived from them (§4.3), and the per-SSRC state (ROC, s_l, replay
// window for SRTP; SRTCP index and replay window for SRTCP).
import type { AesKey, Crypto, HmacSha1Key } from '../../hal/contracts.js';
import { AesCmCipher } from './ciphers/aes-cm.js';
import { AesF8Cipher } from './ciphers/aes-f8.js';
import { AesGcmCipher } from './ciphers/aes-gcm.js';
import { NullCipher } from './ciphers/null-cipher.js';
import type { AeadCipher, KeystreamCipher } from './ciphers/transform.js';
import {
  deriveSessionKey,
  isValidKdr,
  keyDerivationIndex,
  LABEL_SRTCP_AUTH,
  LABEL_SRTCP_ENCRYPTION,
  LABEL_SRTCP_SALT,
  LABEL_SRTP_AUTH,
  LABEL_SRTP_ENCRYPTION,
  LABEL_SRTP_SALT,
} from './key-derivation.js';
import { protectionProfile, type ProtectionProfile, type ProtectionProfileName } from './protection-profile.js';
import { checkReplayWindowSize, MIN_REPLAY_WINDOW, ReplayWindow } from './replay-window.js';
import { RolloverCounter } from './rollover-counter.js';

export interface SrtpContextOptions {
  readonly profile: ProtectionProfileName;
  readonly masterKey: Uint8Array;
  readonly masterSalt: Uint8Array;
  /** Crypto entry points: hal/noble-crypto.ts on hosts, hal/esp32/crypto.ts on the device. */
  readonly crypto: Crypto;
  /** Key derivation rate: 0 (derive once, the default) or a power of two up to 2^24 (RFC 3711 §4.3.1). */
  readonly kdr?: number;
  /** Master Key Identifier carried in every packet (RFC 3711 §3.1); none by default. */
  readonly mki?: Uint8Array;
  /** Replay window in packets, for SRTP and SRTCP alike (default and minimum 128). */
  readonly replayWindow?: number;
  /** ROC of every SSRC at its first packet (signalled by MIKEY, RFC 3830 §6.1); default 0. */
  readonly roc?: number;
}

/** The session keys of SRTP or of SRTCP for one key derivation index r. */
export interface SessionKeys {
  readonly r: number;
  readonly keystream: KeystreamCipher | null;
  readonly aead: AeadCipher | null;
  readonly auth: HmacSha1Key | null;
}

/** Receiver state of one SRTP SSRC. */
export interface InboundRtpState {
  readonly rollover: RolloverCounter;
  readonly replay: ReplayWindow;
}


export class SrtpContext {
  readonly profile: ProtectionProfile;
  readonly kdr: number;
  readonly mki: Uint8Array;
  readonly replayWindow: number;
  readonly initialRoc: number;
  private readonly crypto: Crypto;
  private readonly master: AesKey;
  /** The master salt as the 14 bytes the key derivation XORs in (RFC 7714 §12 pads 12 bytes). */
  private readonly salt14 = new Uint8Array(14);
  private rtpKeys: SessionKeys | undefined;
  private rtcpKeys: SessionKeys | undefined;
  /** Sender state per SSRC. */
  readonly outboundRtp = new Map<number, RolloverCounter>();
  /** Next SRTCP index to send per SSRC (RFC 3711 §3.4: starts at 0). */
  readonly outboundRtcp = new Map<number, number>();
  /**
   * Receiver state per SSRC. An entry is made only once a packet of that SSRC authenticates, so
   * forged packets with made-up SSRCs cost no memory.
   */
  readonly inboundRtp = new Map<number, InboundRtpState>();
  readonly inboundRtcp = new Map<number, ReplayWindow>();
  /** Scratch for the hot path: the 20-byte MAC, the ROC appended to the authenticated portion. */
  readonly macScratch = new Uint8Array(20);
  readonly rocScratch = new Uint8Array(4);
  readonly macParts: Uint8Array[] = [this.macScratch, this.rocScratch];
  readonly rtcpMacParts: Uint8Array[] = [this.macScratch];

  constructor(options: SrtpContextOptions) {
    const profile = protectionProfile(options.profile);
    if (!profile) throw new RangeError(`unknown SRTP protection profile ${options.profile}`);
    if (options.masterKey.length !== profile.masterKeyLength) {
      throw new RangeError(`${profile.name} needs a ${profile.masterKeyLength}-byte master key, got ${options.masterKey.length}`);
    }
    if (options.masterSalt.length !== profile.masterSaltLength) {
      throw new RangeError(`${profile.name} needs a ${profile.masterSaltLength}-byte master salt, got ${options.masterSalt.length}`);
    }
    const kdr = options.kdr ?? 0;
    if (!isValidKdr(kdr)) throw new RangeError(`key derivation rate must be 0 or a power of 2 up to 2^24, got ${kdr}`);
    const mki = options.mki ?? new Uint8Array(0);
    if (mki.length > 255) throw new RangeError('MKI longer than 255 bytes');
    const roc = options.roc ?? 0;
    if (!Number.isInteger(roc) || roc < 0 || roc > 0xffffffff) throw new RangeError(`ROC must be a 32-bit unsigned integer, got ${roc}`);
    this.profile = profile;
    this.kdr = kdr;
    this.mki = mki.slice();
    this.replayWindow = options.replayWindow ?? MIN_REPLAY_WINDOW;
    checkReplayWindowSize(this.replayWindow);
    this.initialRoc = roc;
    this.crypto = options.crypto;
    this.master = options.crypto.aesKey(options.masterKey);
    this.salt14.set(options.masterSalt);
  }

  /** SRTP session keys for packet index `index` (48 bits), derived again only when r changes. */
  srtpKeys(index: number): SessionKeys {
    const r = keyDerivationIndex(index, this.kdr);
    const keys = this.rtpKeys;
    if (keys && keys.r === r) return keys;
    return (this.rtpKeys = this.derive(r, 6, LABEL_SRTP_ENCRYPTION, LABEL_SRTP_AUTH, LABEL_SRTP_SALT));
  }

  /**
   * SRTCP session keys for SRTCP index `index`. With kdr 0 the label sits where the SRTP labels do
   * (libsrtp, pion); with kdr > 0, r is 32 bits wide below the label, as NIST's SRTP KDF vectors have it.
   */
  srtcpKeys(index: number): SessionKeys {
    const r = keyDerivationIndex(index, this.kdr);
    const keys = this.rtcpKeys;
    if (keys && keys.r === r) return keys;
    const rBytes = this.kdr === 0 ? 6 : 4;
    return (this.rtcpKeys = this.derive(r, rBytes, LABEL_SRTCP_ENCRYPTION, LABEL_SRTCP_AUTH, LABEL_SRTCP_SALT));
  }

  outboundRtpState(ssrc: number): RolloverCounter {
    let state = this.outboundRtp.get(ssrc);
    if (!state) this.outboundRtp.set(ssrc, (state = new RolloverCounter(this.initialRoc)));
    return state;
  }

  /** A receiver state for an SSRC seen for the first time; the caller stores it once the packet authenticates. */
  newInboundRtpState(): InboundRtpState {
    return { rollover: new RolloverCounter(this.initialRoc), replay: new ReplayWindow(this.replayWindow) };
  }

  private derive(r: number, rBytes: 4 | 6, encLabel: number, authLabel: number, saltLabel: number): SessionKeys {
    const p = this.profile;
    const key = (label: number, length: number) => deriveSessionKey(this.master, this.salt14, label, r, rBytes, length);
    const auth = p.authKeyLength > 0 ? this.crypto.hmacSha1Key(key(authLabel, p.authKeyLength)) : null;
    if (p.cipher === 'NULL') return { r, keystream: new NullCipher(), aead: null, auth };
    const sessionKey = key(encLabel, p.sessionKeyLength);
    const sessionSalt = key(saltLabel, p.sessionSaltLength);
    switch (p.cipher) {
      case 'AES_CM':
        return { r, keystream: new AesCmCipher(this.crypto.aesKey(sessionKey), sessionSalt), aead: null, auth };
      case 'AES_F8':
        return { r, keystream: new AesF8Cipher(this.crypto, sessionKey, sessionSalt), aead: null, auth };
      case 'AES_GCM':
        return { r, keystream: null, aead: new AesGcmCipher(this.crypto.aesKey(sessionKey), sessionSalt), auth: null };
    }
  }
}
