// Stream sockets on the desktop XS host (the StreamNetwork contract): the Node side (sim/streams.ts)
// holds the TCP and TLS sockets, Node's net and tls; this side keeps each stream's events and talks
// over the channel. Operations:
//   query stream.listen {id, port, tls?, chain?} payload: credentials (packParts) → {port}
//   query stream.unlisten {id}
//   post  stream.connect {id, address, port, serverName?, chain?} payload: credentials when TLS
//   post  stream.write {id} payload: bytes;   post stream.close {id}
// Events from the Node side: {type: 'accepted', listener, id, address, port}, {type: 'stream', id}
// with the bytes, {type: 'closed', id, error?}. Streams this side opens have positive ids; those
// the Node side accepts have negative ids, so the two never meet.
import type { StreamEvents, StreamListener, StreamNetwork, StreamSocket, TlsCredentials } from '../contracts.js';
import { type Frame, packParts, post, query } from './channel.js';

export interface HostStreams extends StreamNetwork {
  /** Handles a stream event from the Node side; false if `event` is not one. */
  dispatch(event: Frame): boolean;
}

/** The credentials as one payload: the private key, then the chain (header `chain` = its length), then the anchors. */
function credentialsPayload(c: TlsCredentials): { chain: number; payload: Uint8Array } {
  return { chain: c.chain.length, payload: packParts([c.privateKey, ...c.chain, ...c.trustAnchors]) };
}

interface Open {
  events: StreamEvents;
  /** close() was called: no more data is delivered; the Node side's 'closed' ends it. */
  closing: boolean;
}

export function createHostStreams(): HostStreams {
  const streams = new Map<number, Open>();
  const listeners = new Map<number, (socket: StreamSocket) => StreamEvents>();
  let nextId = 1;

  function socket(id: number, remoteAddress: string, remotePort: number): StreamSocket {
    return {
      remoteAddress,
      remotePort,
      write: (data) => {
        const open = streams.get(id);
        if (open && !open.closing) post('stream.write', { id }, data);
      },
      close: () => {
        const open = streams.get(id);
        if (!open || open.closing) return;
        open.closing = true;
        post('stream.close', { id });
      },
    };
  }

  function listen(port: number, credentials: TlsCredentials | undefined, onAccept: (socket: StreamSocket) => StreamEvents): StreamListener {
    const id = nextId++;
    const tls = credentials ? credentialsPayload(credentials) : undefined;
    const bound = Number(query('stream.listen', { id, port, tls: tls !== undefined, chain: tls?.chain ?? 0 }, tls?.payload).header.port);
    listeners.set(id, onAccept);
    return {
      port: bound,
      close: () => {
        if (listeners.delete(id)) query('stream.unlisten', { id });
      },
    };
  }

  function connect(address: string, port: number, tls: { serverName: string; credentials: TlsCredentials } | undefined, events: StreamEvents): StreamSocket {
    const id = nextId++;
    streams.set(id, { events, closing: false });
    if (tls) {
      const { chain, payload } = credentialsPayload(tls.credentials);
      post('stream.connect', { id, address, port, serverName: tls.serverName, chain }, payload);
    } else {
      post('stream.connect', { id, address, port });
    }
    return socket(id, address, port);
  }

  return {
    listenTcp: (port, onAccept) => listen(port, undefined, onAccept),
    listenTls: (port, credentials, onAccept) => listen(port, credentials, onAccept),
    connectTcp: (address, port, events) => connect(address, port, undefined, events),
    connectTls: (address, port, serverName, credentials, events) => connect(address, port, { serverName, credentials }, events),

    dispatch({ header, payload }) {
      const id = Number(header.id);
      switch (header.type) {
        case 'accepted': {
          const onAccept = listeners.get(Number(header.listener));
          // A listener closed meanwhile: the connection is refused.
          if (!onAccept) {
            post('stream.close', { id });
            return true;
          }
          // Registered before onAccept runs: a close() inside it must find the stream.
          const open: Open = { events: { onData: () => {}, onClose: () => {} }, closing: false };
          streams.set(id, open);
          const accepted = socket(id, String(header.address), Number(header.port));
          try {
            open.events = onAccept(accepted);
          } catch (e) {
            accepted.close();
            throw e;
          }
          return true;
        }
        case 'stream': {
          const open = streams.get(id);
          if (open && !open.closing) open.events.onData(payload.slice());
          return true;
        }
        case 'closed': {
          const open = streams.get(id);
          streams.delete(id);
          open?.events.onClose(typeof header.error === 'string' ? header.error : undefined);
          return true;
        }
        default:
          return false;
      }
    },
  };
}
