// Stream sockets on the device (the StreamNetwork contract): TCP listeners and connections on the
// SDK's ECMA-419 sockets ("embedded:io/socket/listener", "embedded:io/socket/tcp"; tcp-stream.ts
// says what they give and lack), TLS on the SDK's TLS (tls-stream.ts). Bounded for a small heap: at
// most MAX_STREAMS streams at once (a connection beyond is closed as it is accepted, a connect
// beyond ends at once with an error) and MAX_LISTENERS listeners. A stream the phone closes hears
// onClose once, as its own event; one that ends by itself hears it from the socket's event.
import Listener from 'embedded:io/socket/listener';
import type TCP from 'embedded:io/socket/tcp';
import type { StreamEvents, StreamListener, StreamNetwork, StreamSocket, Timers, TlsCredentials } from '../contracts.js';
import { TcpStream } from './tcp-stream.js';
import { type StreamLayer, tlsLayer, type TlsRole } from './tls-stream.js';

export const MAX_STREAMS = 16;
export const MAX_LISTENERS = 4;

/** The SDK's listener has close() (modules/io/socket/lwip/listener.js); its typings omit it. */
type ClosableListener = Listener & { close(): void };

/** Plain TCP: bytes pass as they come. */
function plainLayer(stream: TcpStream, events: StreamEvents): StreamLayer {
  stream.attach({
    onConnected: () => stream.settled(),
    onReadable: (count) => {
      const data = new Uint8Array(count);
      stream.readInto(data);
      events.onData(data);
    },
    onEnd: (error) => events.onClose(error),
  });
  return { write: (data) => stream.send(data.slice()), close: () => stream.close() };
}

export function createStreamNetwork(timers: Timers): StreamNetwork {
  let streams = 0;
  let listeners = 0;

  /** Runs `stream` under `tls` (or plain) for `events`; the socket the phone holds. */
  function open(stream: TcpStream, remoteAddress: string, remotePort: number, tls: TlsRole | undefined, events: StreamEvents): StreamSocket {
    streams++;
    let ended = false;
    const counted: StreamEvents = {
      onData: (data) => events.onData(data),
      onClose: (error) => {
        if (ended) return;
        ended = true;
        streams--;
        events.onClose(error);
      },
    };
    const layer = tls ? tlsLayer(stream, tls, counted) : plainLayer(stream, counted);
    return {
      remoteAddress,
      remotePort,
      write: (data) => void (ended || layer.write(data)),
      close: () => {
        if (ended) return;
        layer.close();
        timers.set(0, () => counted.onClose(undefined));
      },
    };
  }

  function listen(port: number, credentials: TlsCredentials | undefined, onAccept: (socket: StreamSocket) => StreamEvents): StreamListener {
    if (listeners >= MAX_LISTENERS) throw new Error(`too many listeners (${MAX_LISTENERS})`);
    const accept = (from: TCP) => {
      if (streams >= MAX_STREAMS) return from.close();
      const stream = new TcpStream({ from }, timers);
      // The events are the phone's answer to the socket: they reach the socket once it returns.
      let events: StreamEvents | undefined;
      const relay: StreamEvents = { onData: (d) => events?.onData(d), onClose: (e) => events?.onClose(e) };
      const socket = open(stream, stream.remoteAddress, stream.remotePort, credentials ? { server: credentials } : undefined, relay);
      try {
        events = onAccept(socket);
      } catch (e) {
        socket.close();
        throw e;
      }
    };
    const listener = new Listener({
      port,
      onReadable(count) {
        for (let i = 0; i < count; i++) {
          const from = this.read();
          if (from) accept(from);
        }
      },
    });
    listeners++;
    let closed = false;
    return {
      port: listener.port,
      close: () => {
        if (closed) return;
        closed = true;
        listeners--;
        (listener as ClosableListener).close();
      },
    };
  }

  function connect(address: string, port: number, tls: TlsRole | undefined, events: StreamEvents): StreamSocket {
    if (streams >= MAX_STREAMS) {
      timers.set(0, () => events.onClose(`too many open streams (${MAX_STREAMS})`));
      return { remoteAddress: address, remotePort: port, write: () => {}, close: () => {} };
    }
    return open(new TcpStream({ address, port }, timers), address, port, tls, events);
  }

  return {
    listenTcp: (port, onAccept) => listen(port, undefined, onAccept),
    listenTls: (port, credentials, onAccept) => listen(port, credentials, onAccept),
    connectTcp: (address, port, events) => connect(address, port, undefined, events),
    connectTls: (address, port, serverName, credentials, events) => connect(address, port, { client: credentials, serverName }, events),
  };
}
