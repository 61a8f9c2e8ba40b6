// A SIP hop on loopback between a caller and a callee, for tests that count the offers a call took:
// datagrams from the callee go back to whoever last sent through the relay, all others go to the
// callee. It keeps every request line and body it passed toward the callee.
import { createSocket, type Socket } from 'node:dgram';

export interface SipRelay {
  readonly port: number;
  /** The requests passed to the callee, as text, in order. */
  readonly requests: string[];
  /** The responses passed back from the callee, as text, in order. */
  readonly responses: string[];
  close(): Promise<void>;
}

export async function startSipRelay(callee: number): Promise<SipRelay> {
  const socket: Socket = createSocket('udp4');
  const requests: string[] = [];
  const responses: string[] = [];
  let caller: { address: string; port: number } | undefined;
  socket.on('message', (data, from) => {
    const text = data.toString('latin1');
    if (from.port === callee) {
      responses.push(text);
      if (caller) socket.send(data, caller.port, caller.address);
      return;
    }
    caller = { address: from.address, port: from.port };
    requests.push(text);
    socket.send(data, callee, '127.0.0.1');
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  return {
    port: socket.address().port,
    requests,
    responses,
    close: () => new Promise<void>((r) => socket.close(() => r())),
  };
}

/** The INVITEs among `requests` (not their retransmissions: one per CSeq). */
export function invites(requests: readonly string[]): string[] {
  const seen = new Set<string>();
  return requests.filter((r) => {
    const cseq = /^CSeq:\s*(\d+ INVITE)/im.exec(r)?.[1];
    const id = /^Call-ID:\s*(\S+)/im.exec(r)?.[1];
    if (!r.startsWith('INVITE ') || !cseq || seen.has(`${id} ${cseq}`)) return false;
    seen.add(`${id} ${cseq}`);
    return true;
  });
}
