// Network on the device: ECMA-419 UDP sockets (Moddable "embedded:io/socket/udp", lwIP on ESP32),
// and the stream sockets of stream-network.ts.
// The SDK's write takes (buffer, address, port), as these typings say; the SDK's io.md still shows
// the older address-first order, which the source no longer uses.
import Net from 'net';
import UDP from 'embedded:io/socket/udp';
import type { Network, StreamNetwork, UdpSocket } from '../contracts.js';

/**
 * The SDK's UDP has close() (modules/io/socket/lwip/udp.c, xs_udp_close); @moddable/typings 5.6.0
 * omits it, so we follow the SDK.
 */
type ClosableUdp = UDP & { close(): void };

/** UDP here, with `streams` (stream-network.ts) for TCP and TLS. */
export function createUdpNetwork(streams: StreamNetwork): Network {
  return {
    listenTcp: streams.listenTcp,
    listenTls: streams.listenTls,
    connectTcp: streams.connectTcp,
    connectTls: streams.connectTls,
    get localAddress() {
      return Net.get('IP') ?? '0.0.0.0';
    },
    bindUdp(port, onDatagram): UdpSocket {
      const socket = new UDP({
        port,
        onReadable(count) {
          // One read() per waiting packet: each returns the packet with its source address and port.
          for (let i = 0; i < count; i++) {
            const packet = this.read();
            onDatagram({ data: new Uint8Array(packet), address: packet.address, port: packet.port });
          }
        },
      });
      return {
        port,
        send: (data, address, toPort) => socket.write(data, address, toPort),
        close: () => (socket as ClosableUdp).close(),
      };
    },
  };
}
