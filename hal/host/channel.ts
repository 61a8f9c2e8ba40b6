// The XS side of the desktop host's command channel. Each message is one frame:
//   u32 big-endian JSON length | JSON (UTF-8) | binary payload (the rest)
// Queries from XS to the Node side go through xsnap's synchronous issueCommand(); events from the
// Node side arrive through globalThis.handleCommand. The Node side (sim/host.ts) uses the same
// encodeFrame and decodeFrame.
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

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? (bytes.buffer as ArrayBuffer)
    : (bytes.slice().buffer as ArrayBuffer);
}

/** Asks the Node side something and waits for the answer (xsnap blocks this machine meanwhile). */
export function query(op: string, args: Record<string, unknown> = {}, payload?: Uint8Array): Frame {
  const answer = decodeFrame(new Uint8Array(issueCommand(toArrayBuffer(encodeFrame({ op, ...args }, payload)))));
  if (typeof answer.header.error === 'string') throw new Error(`host ${op}: ${answer.header.error}`);
  return answer;
}

/** Installs the handler for events the Node side sends into the machine. */
export function onHostEvent(handler: (event: Frame) => void): void {
  (globalThis as { handleCommand?: (message: ArrayBuffer) => ArrayBuffer }).handleCommand = (message) => {
    handler(decodeFrame(new Uint8Array(message)));
    return new ArrayBuffer(0);
  };
}
