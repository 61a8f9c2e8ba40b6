// A firmware entry for testing the desktop host's stream sockets from inside XS
// (tests/node/host-streams.test.ts). The test sends {type: 'probe', cmd, ...} events; the probe
// opens listeners (each accepted stream echoes what it gets back), connects, writes and closes
// through the HAL, and logs every stream event as one line:
//   listening L PORT | listen failed MESSAGE | accepted S from ADDR:PORT | connecting S to ADDR:PORT
//   | data S HEX | echoed S LENGTH | closed S clean|ERROR
// Streams are numbered in the order the probe saw them, from 1.
import type { StreamEvents, StreamListener, StreamSocket, TlsCredentials } from '../../hal/contracts.js';
import { onHostEvent, unpackParts } from '../../hal/host/channel.js';
import { createHostHal, type HostHal } from '../../hal/host/hal.js';
import { toHex, utf8Encode } from '../../modules/util/bytes.js';

let hal: HostHal | undefined;
let credentials: TlsCredentials | undefined;
const sockets = new Map<number, StreamSocket>();
const listeners = new Map<number, StreamListener>();
let nextStream = 1;
let nextListener = 1;

function track(socket: StreamSocket, echo: boolean): StreamEvents {
  const n = nextStream++;
  sockets.set(n, socket);
  return {
    onData(data) {
      // An echoing stream's bytes are checked by its peer: the log says how many came.
      if (echo) socket.write(data);
      hal!.log(echo ? `echoed ${n} ${data.length}` : `data ${n} ${toHex(data)}`);
    },
    onClose(error) {
      sockets.delete(n);
      hal!.log(`closed ${n} ${error ?? 'clean'}`);
    },
  };
}

function probe(h: HostHal, header: Record<string, unknown>, payload: Uint8Array): void {
  switch (header.cmd) {
    case 'credentials': {
      const parts = unpackParts(payload).map((p) => p.slice());
      const chain = Number(header.chain);
      credentials = { privateKey: parts[0], chain: parts.slice(1, 1 + chain), trustAnchors: parts.slice(1 + chain) };
      break;
    }
    case 'listen': {
      const accept = (socket: StreamSocket) => {
        const events = track(socket, true);
        h.log(`accepted ${nextStream - 1} from ${socket.remoteAddress}:${socket.remotePort}`);
        return events;
      };
      try {
        const l = header.tls ? h.network.listenTls(Number(header.port), credentials!, accept) : h.network.listenTcp(Number(header.port), accept);
        const n = nextListener++;
        listeners.set(n, l);
        h.log(`listening ${n} ${l.port}`);
      } catch (e) {
        h.log(`listen failed ${(e as Error).message}`);
      }
      break;
    }
    case 'unlisten':
      listeners.get(Number(header.listener))?.close();
      listeners.delete(Number(header.listener));
      break;
    case 'connect': {
      const address = String(header.address);
      const port = Number(header.port);
      let socket: StreamSocket | undefined;
      // The events close over the socket returned: the host delivers nothing before this returns.
      const events = track({ remoteAddress: address, remotePort: port, write: (d) => socket!.write(d), close: () => socket!.close() }, false);
      h.log(`connecting ${nextStream - 1} to ${address}:${port}`);
      socket = header.serverName !== undefined
        ? h.network.connectTls(address, port, String(header.serverName), credentials!, events)
        : h.network.connectTcp(address, port, events);
      if (header.text !== undefined) socket.write(utf8Encode(String(header.text)));
      break;
    }
    case 'write':
      sockets.get(Number(header.stream))?.write(header.text !== undefined ? utf8Encode(String(header.text)) : payload.slice());
      break;
    case 'close':
      sockets.get(Number(header.stream))?.close();
      break;
    default:
      throw new RangeError(`unknown probe command ${String(header.cmd)}`);
  }
}

onHostEvent((event) => {
  if (event.header.type === 'boot') {
    hal = createHostHal();
    return;
  }
  if (event.header.type === 'probe') return probe(hal!, event.header, event.payload);
  hal!.dispatchHostEvent(event);
});
