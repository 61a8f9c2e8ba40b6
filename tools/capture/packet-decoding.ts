// The UDP datagram in a captured frame, by the frame's link type (tcpdump.org LINKTYPE_ values):
// Ethernet (1, with up to two 802.1Q/802.1ad tags), raw IP (101) and raw IPv4 (228), Linux cooked
// capture SLL (113) and SLL2 (276), BSD loopback/null (0, the address family in the capturing host's
// byte order). IPv4 (RFC 791) and UDP (RFC 768) only; anything else is skipped with its reason.
// Never throws: a frame cut short is skipped as "truncated".

export interface UdpDatagram {
  readonly kind: 'udp';
  readonly source: string;
  readonly sourcePort: number;
  readonly destination: string;
  readonly destinationPort: number;
  /** The UDP header's length field (header and payload). */
  readonly udpLength: number;
  readonly payload: Uint8Array;
}

export type SkipReason = 'link type' | 'not IPv4' | 'not UDP' | 'fragment' | 'truncated';

export interface Skipped {
  readonly kind: 'skipped';
  readonly reason: SkipReason;
}

const ETHERTYPE_IPV4 = 0x0800;
const VLAN_TAGS = new Set([0x8100, 0x88a8]);
const AF_INET = 2;

const skip = (reason: SkipReason): Skipped => ({ kind: 'skipped', reason });
const u16 = (b: Uint8Array, at: number) => (b[at] << 8) | b[at + 1];

/** Where the IPv4 header starts in the frame, or why there is none. */
function ipv4Offset(linkType: number, frame: Uint8Array): number | Skipped {
  switch (linkType) {
    case 1: {
      let at = 12;
      for (let tags = 0; tags <= 2; tags++, at += 4) {
        if (frame.length < at + 2) return skip('truncated');
        const type = u16(frame, at);
        if (type === ETHERTYPE_IPV4) return at + 2;
        if (!VLAN_TAGS.has(type)) return skip('not IPv4');
      }
      return skip('not IPv4');
    }
    case 101:
    case 228:
      return 0;
    case 113:
      if (frame.length < 16) return skip('truncated');
      return u16(frame, 14) === ETHERTYPE_IPV4 ? 16 : skip('not IPv4');
    case 276:
      if (frame.length < 20) return skip('truncated');
      return u16(frame, 0) === ETHERTYPE_IPV4 ? 20 : skip('not IPv4');
    case 0: {
      if (frame.length < 4) return skip('truncated');
      const be = ((frame[0] << 24) | (frame[1] << 16) | (frame[2] << 8) | frame[3]) >>> 0;
      const le = ((frame[3] << 24) | (frame[2] << 16) | (frame[1] << 8) | frame[0]) >>> 0;
      return be === AF_INET || le === AF_INET ? 4 : skip('not IPv4');
    }
    default:
      return skip('link type');
  }
}

const address = (b: Uint8Array, at: number) => `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;

/** The UDP datagram a frame carries, or why it is skipped. */
export function decodeUdp(linkType: number, frame: Uint8Array): UdpDatagram | Skipped {
  const ip = ipv4Offset(linkType, frame);
  if (typeof ip !== 'number') return ip;
  if (frame.length < ip + 20) return skip(frame.length > ip && frame[ip] >> 4 !== 4 ? 'not IPv4' : 'truncated');
  if (frame[ip] >> 4 !== 4) return skip('not IPv4');
  const headerLength = (frame[ip] & 0x0f) * 4;
  const totalLength = u16(frame, ip + 2);
  if (headerLength < 20 || totalLength < headerLength) return skip('not IPv4');
  if (frame[ip + 9] !== 17) return skip('not UDP');
  // More Fragments set or a non-zero offset (RFC 791 §3.1): a piece of a datagram.
  if ((u16(frame, ip + 6) & 0x3fff) !== 0) return skip('fragment');
  const udp = ip + headerLength;
  if (frame.length < ip + totalLength || totalLength < headerLength + 8) return skip('truncated');
  const udpLength = u16(frame, udp + 4);
  if (udpLength < 8 || udp + udpLength > ip + totalLength) return skip('truncated');
  return {
    kind: 'udp',
    source: address(frame, ip + 12),
    sourcePort: u16(frame, udp),
    destination: address(frame, ip + 16),
    destinationPort: u16(frame, udp + 2),
    udpLength,
    payload: frame.subarray(udp + 8, udp + udpLength),
  };
}
