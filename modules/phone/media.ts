// One call's audio: captured 20 ms frames are G.711-encoded, put in RTP (RFC 3550), protected
// with SRTP (RFC 3711) when the call is keyed, and sent to the peer; received packets are
// unprotected, parsed and queued in the jitter buffer, from which one frame is played per
// captured frame. A packet that fails SRTP authentication or parsing is dropped and counted.
// DTMF (RFC 4733 telephone-events, call-dtmf.ts) shares the stream: an event takes the frames
// it lasts in place of audio, and received events go to it instead of the jitter buffer.
import { AUDIO_FRAME_SAMPLES, AUDIO_SAMPLE_RATE, type Datagram, type Hal, type UdpSocket } from '../../hal/contracts.js';
import { decodeG711, encodeG711, G711_PAYLOAD_TYPE, type G711Law } from '../../audio/g711.js';
import { JitterBuffer } from '../../audio/jitter-buffer.js';
import { PLAIN_RTP, RtpReceiver, RtpSender } from '../../audio/rtp.js';
import type { ProtectionProfileName } from '../srtp/protection-profile.js';
import { RekeyableSrtp, type MasterKey } from './media-protection.js';
import type { CallDtmf } from './call-dtmf.js';
import type { MediaStreams } from './key-log.js';

/** SRTP master keys for each direction of the call. */
export interface MediaKeys {
  readonly profile: ProtectionProfileName;
  readonly send: { readonly masterKey: Uint8Array; readonly masterSalt: Uint8Array };
  readonly receive: { readonly masterKey: Uint8Array; readonly masterSalt: Uint8Array };
}

export interface MediaStats {
  readonly sent: number;
  readonly received: number;
  /** Packets refused by SRTP (authentication, replay) or by the RTP parser. */
  readonly dropped: number;
  readonly played: number;
  readonly concealed: number;
}

export class MediaSession {
  private readonly sender: RtpSender;
  private readonly receiver: RtpReceiver;
  private readonly jitter = new JitterBuffer();
  private sent = 0;
  private running = true;
  /** False while the call is on hold in our sending direction (RFC 3264 §8.4). */
  private sending = true;
  private spurtStart = true;
  private readonly srtp: RekeyableSrtp | undefined;

  constructor(
    private readonly hal: Hal,
    private readonly socket: UdpSocket,
    private remote: { readonly address: string; readonly port: number },
    keys: MediaKeys | undefined,
    private readonly law: G711Law = 'PCMU',
    private readonly dtmf?: CallDtmf,
  ) {
    this.srtp = keys && new RekeyableSrtp(hal.crypto, keys.profile, keys.send, keys.receive);
    const protection = this.srtp ?? PLAIN_RTP;
    const r = hal.random.bytes(10);
    const view = new DataView(r.buffer, r.byteOffset, r.length);
    this.sender = new RtpSender(
      { ssrc: view.getUint32(0), payloadType: G711_PAYLOAD_TYPE[law], sequenceNumber: view.getUint16(4), timestamp: view.getUint32(6) },
      protection,
    );
    this.receiver = new RtpReceiver(AUDIO_SAMPLE_RATE, protection);
    hal.audio.start((frame) => this.onCaptured(frame));
  }

  /** A datagram on the call's RTP port. */
  onDatagram(datagram: Datagram): void {
    if (!this.running) return;
    const got = this.receiver.receive(datagram.data, this.hal.clock.monotonicMs());
    if (!got || this.dtmf?.receive(got.packet) || got.packet.payloadType !== G711_PAYLOAD_TYPE[this.law]) return;
    this.jitter.push(got.packet.timestamp, decodeG711(this.law, got.packet.payload));
  }

  /** Starts or stops sending (hold, resume); playout goes on, with concealment while nothing arrives. */
  setSending(sending: boolean): void {
    this.sending = sending;
  }

  /** Where the peer now takes the audio (RFC 3264 §8.3.1); false if it had not moved. */
  retarget(remote: { readonly address: string; readonly port: number }): boolean {
    if (remote.address === this.remote.address && remote.port === this.remote.port) return false;
    this.remote = { address: remote.address, port: remote.port };
    return true;
  }

  /** The call's RTP addresses and SSRCs, as the key log names a stream. */
  streams(): MediaStreams {
    const receiveSsrc = this.receiver.sourceSsrc;
    return {
      local: `${this.hal.network.localAddress}:${this.socket.port}`,
      remote: `${this.remote.address}:${this.remote.port}`,
      sendSsrc: this.sender.ssrc,
      ...(receiveSsrc === undefined ? {} : { receiveSsrc }),
    };
  }

  /** A re-key: new master keys for sending and/or receiving (see RekeyableSrtp). */
  rekey(keys: { readonly send?: MasterKey; readonly receive?: MasterKey }): void {
    if (!this.srtp) throw new RangeError('a plain RTP call has no keys to change');
    if (keys.receive) this.srtp.rekeyReceive(keys.receive);
    if (keys.send) this.srtp.rekeySend(keys.send);
  }

  private onCaptured(frame: Int16Array): void {
    if (!this.running || frame.length !== AUDIO_FRAME_SAMPLES) return;
    if (this.sending) {
      // The marker bit starts a talkspurt (RFC 3551 §4.1): the first packet and the first after hold.
      const send = (packet: Uint8Array) => this.socket.send(packet, this.remote.address, this.remote.port);
      if (!this.dtmf?.frame(this.sender, send)) send(this.sender.audio(encodeG711(this.law, frame), AUDIO_FRAME_SAMPLES, this.spurtStart));
      this.sent++;
      this.spurtStart = false;
    } else {
      // The media clock runs on while nothing is sent (RFC 3550 §5.1), as in silence suppression.
      this.sender.skip(AUDIO_FRAME_SAMPLES);
      this.spurtStart = true;
    }
    this.hal.audio.play(this.jitter.pull().frame);
  }

  stats(): MediaStats {
    const r = this.receiver.stats();
    const j = this.jitter.stats();
    return { sent: this.sent, received: r.received, dropped: r.dropped, played: j.played, concealed: j.concealed };
  }

  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.hal.audio.stop();
    this.socket.close();
  }
}
