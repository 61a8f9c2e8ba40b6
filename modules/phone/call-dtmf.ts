// DTMF during a connected call as RFC 4733 telephone-events in the call's own RTP stream (same
// SSRC, sequence numbers and SRTP protection as the audio, §2.1): keypad digits are queued and
// each is sent as one event; events from the peer are decoded, shown and counted, never played.
// Events go only to a peer whose SDP listed telephone-event/8000 (§7.1.1), with its payload type.
import { AUDIO_FRAME_SAMPLES } from '../../hal/contracts.js';
import { DtmfReceiver, DtmfSender, type DtmfDigit, type DtmfPacket } from '../../audio/dtmf.js';
import { MediaParseError } from '../../audio/errors.js';
import type { RtpPacket, RtpSender } from '../../audio/rtp.js';

/** The keypad keys that are DTMF digits (§3.2 events 0-11; the keypad has no A-D). */
export const DTMF_KEYS = '0123456789*#';

/**
 * Shortest event sent, in 20 ms frames: 100 ms, above the 40 ms a DTMF receiver must accept
 * (ITU-T Q.24) even when the key is released at once.
 */
export const MIN_EVENT_FRAMES = 5;

export interface CallDtmfConfig {
  /** The payload type the peer's SDP gave telephone-event/8000; undefined: the peer takes none. */
  readonly sendPayloadType: number | undefined;
  /** Payload types that carry telephone-events to this phone (those of both SDPs). */
  readonly receivePayloadTypes: readonly number[];
  /** Called when what the display shows changes (a digit sent or received, DTMF refused). */
  readonly onChange: () => void;
}

export interface CallDtmfStats {
  /** Events sent and event packets sent. */
  readonly digitsSent: number;
  readonly packetsSent: number;
  /** Events received (each counted once, however many packets carried it, §2.5.2). */
  readonly digitsReceived: number;
  /** Telephone-event packets whose payload was malformed. */
  readonly malformed: number;
}

interface Pending {
  readonly digit: DtmfDigit;
  held: boolean;
}

/** Keeps the last `n` characters. */
function tail(text: string, n: number): string {
  return text.length > n ? text.slice(text.length - n) : text;
}

export class CallDtmf {
  private readonly queue: Pending[] = [];
  private readonly sender = new DtmfSender(AUDIO_FRAME_SAMPLES);
  private readonly receiver = new DtmfReceiver();
  /** End packets of the finished event still to send, one per frame (§2.5.1: the final packet thrice, at the update interval). */
  private ending: DtmfPacket[] = [];
  private frames = 0;
  private sent = '';
  private received = '';
  private packetsSent = 0;
  private malformed = 0;
  private refused = false;

  constructor(private readonly config: CallDtmfConfig) {}

  /** Whether the peer accepted telephone-events. */
  get enabled(): boolean {
    return this.config.sendPayloadType !== undefined;
  }

  /** A digit key went down: its event is sent once the events before it are done. */
  press(digit: DtmfDigit): void {
    if (!this.enabled) {
      this.refused = true;
      this.config.onChange();
      return;
    }
    this.queue.push({ digit, held: true });
  }

  /** The key went up: its event ends once it has lasted MIN_EVENT_FRAMES. */
  release(digit: DtmfDigit): void {
    for (const p of this.queue) if (p.digit === digit && p.held) p.held = false;
  }

  /**
   * Called once per 20 ms frame in place of the audio packet. While an event is under way it sends
   * that frame's event packet and advances the media clock by the frame (the event takes the
   * audio's time, §2.5.1) and returns true; otherwise it returns false and the audio goes out.
   */
  frame(rtp: RtpSender, send: (packet: Uint8Array) => void): boolean {
    const pt = this.config.sendPayloadType;
    if (pt === undefined) return false;
    let packet: DtmfPacket | undefined = this.ending.shift();
    if (packet === undefined) {
      const current = this.queue[0];
      if (current === undefined) return false;
      if (!this.sender.active) {
        // The event starts at the timestamp the audio packet of this frame would have had (§2.3).
        this.sender.start(current.digit, rtp.timestamp);
        this.frames = 0;
        this.sent += current.digit;
        this.config.onChange();
      }
      const done = this.frames >= MIN_EVENT_FRAMES && !current.held;
      const next = done ? this.sender.stop() : this.sender.frame();
      this.frames++;
      // frame() ends the event itself when its duration field would overflow (§2.5.1: a long event is cut into segments; this phone ends it).
      if (done || !this.sender.active) {
        this.queue.shift();
        this.ending = next.slice(1);
      }
      packet = next[0];
    }
    send(rtp.packet(packet.payload, pt, packet.timestamp, packet.marker));
    rtp.skip(AUDIO_FRAME_SAMPLES);
    this.packetsSent++;
    return true;
  }

  /**
   * A packet of the call's stream: true when it is a telephone-event (handled here, not audio).
   * A malformed event payload is counted and dropped.
   */
  receive(packet: RtpPacket): boolean {
    if (!this.config.receivePayloadTypes.includes(packet.payloadType)) return false;
    try {
      for (const n of this.receiver.receive(packet.timestamp, packet.payload)) {
        if (n.phase !== 'start') continue;
        this.received += n.digit;
        this.config.onChange();
      }
    } catch (e) {
      if (!(e instanceof MediaParseError)) throw e;
      this.malformed++;
    }
    return true;
  }

  /** The display line for DTMF in this call, or undefined when there is none to show. */
  line(): string | undefined {
    if (this.sent !== '' && this.received !== '') return `S:${tail(this.sent, 7)} R:${tail(this.received, 7)}`;
    if (this.received !== '') return `DTMF: ${tail(this.received, 14)}`;
    if (this.sent !== '') return `Sent: ${tail(this.sent, 14)}`;
    if (this.refused) return 'DTMF not accepted';
    return undefined;
  }

  stats(): CallDtmfStats {
    return { digitsSent: this.sent.length, packetsSent: this.packetsSent, digitsReceived: this.received.length, malformed: this.malformed };
  }
}
