// The XS side of the desktop host's command channel. Each message is one frame:
//   u32 big-endian JSON length | JSON (UTF-8) | binary payload (the rest)
// Queries from XS to the Node side go through xsnap's synchronous issueCommand(); events from the
// Node side arrive through globalThis.handleCommand. The Node side (sim/host.ts) uses the same
// encodeFrame and decodeFrame. Operations with nothing to answer (post: a datagram out, a timer, a
// log line...) travel together in one batch frame, as the reply to the event being handled or just
// before the next query: each issueCommand is a round trip between two processes, and a datagram
// once cost eight of them (issue 13, OPTIONS slow under a flood).
import { utf8Decode, utf8Encode } from '../../modules/util/bytes.js';

export interface Frame {
  readonly header: Record<string, unknown>;
  readonly payload: Uint8Array;
}

export function encodeFrame(header: Record<string, unknown>, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  const json = utf8Encode(JSON.stringify(header));
  const out = new Uint8Array(4 + json.length + payload.length);
  new DataView(out.buffer).setUint32(0, json.length);
  out.set(json, 4);
  out.set(payload, 4 + json.length);
  return out;
}

export function decodeFrame(bytes: Uint8Array): Frame {
  if (bytes.length < 4) throw new RangeError('channel frame shorter than its length field');
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.length).getUint32(0);
  if (4 + length > bytes.length) throw new RangeError('channel frame JSON overruns the frame');
  const header = JSON.parse(utf8Decode(bytes.subarray(4, 4 + length))) as Record<string, unknown>;
  return { header, payload: bytes.subarray(4 + length) };
}

/** Byte strings in one: each preceded by its u32 big-endian length. */
export function packParts(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += 4 + p.length;
  const out = new Uint8Array(length);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const p of parts) {
    view.setUint32(at, p.length);
    out.set(p, at + 4);
    at += 4 + p.length;
  }
  return out;
}

/** The byte strings of packParts' output, in order (views into `packed`). */
export function unpackParts(packed: Uint8Array): Uint8Array[] {
  const view = new DataView(packed.buffer, packed.byteOffset, packed.length);
  const parts: Uint8Array[] = [];
  let at = 0;
  while (at < packed.length) {
    if (at + 4 > packed.length) throw new RangeError('packed part shorter than its length field');
    const length = view.getUint32(at);
    if (at + 4 + length > packed.length) throw new RangeError('packed part overruns its container');
    parts.push(packed.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return parts;
}

/** Frames in one: a "batch" frame whose payload is the frames packed (packParts). */
export function encodeBatch(frames: readonly Uint8Array[]): Uint8Array {
  return encodeFrame({ op: 'batch' }, packParts(frames));
}

/** The frames of a batch frame's payload, in order. */
export function decodeBatch(payload: Uint8Array): Frame[] {
  return unpackParts(payload).map(decodeFrame);
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? (bytes.buffer as ArrayBuffer)
    : (bytes.slice().buffer as ArrayBuffer);
}

/** Posted operations not yet sent; bounded by what one event does. */
const outbox: Uint8Array[] = [];
/** Whether an event from the Node side is being handled: its reply will carry the outbox. */
let handling = false;

function ask(op: string, frame: Uint8Array): Frame {
  const answer = decodeFrame(new Uint8Array(issueCommand(toArrayBuffer(frame))));
  if (typeof answer.header.error === 'string') throw new Error(`host ${op}: ${answer.header.error}`);
  return answer;
}

/** Sends what was posted so far, ahead of anything later. */
function flush(): void {
  if (outbox.length > 0) ask('batch', encodeBatch(outbox.splice(0)));
}

/** Asks the Node side something and waits for the answer (xsnap blocks this machine meanwhile). */
export function query(op: string, args: Record<string, unknown> = {}, payload?: Uint8Array): Frame {
  flush();
  return ask(op, encodeFrame({ op, ...args }, payload));
}

/**
 * Tells the Node side to do something that needs no answer. It is carried out in order with the
 * queries, once the current event is handled; the Node side logs a failure (an unknown socket...).
 */
export function post(op: string, args: Record<string, unknown> = {}, payload?: Uint8Array): void {
  outbox.push(encodeFrame({ op, ...args }, payload));
  if (!handling) flush();
}

/** Installs the handler for events the Node side sends into the machine. */
export function onHostEvent(handler: (event: Frame) => void): void {
  (globalThis as { handleCommand?: (message: ArrayBuffer) => ArrayBuffer }).handleCommand = (message) => {
    handling = true;
    try {
      handler(decodeFrame(new Uint8Array(message)));
    } finally {
      handling = false;
    }
    // What the event posted is the reply: no extra round trip.
    if (outbox.length === 0) return new ArrayBuffer(0);
    return toArrayBuffer(encodeBatch(outbox.splice(0)));
  };
}
