// Diffie-Hellman over the MODP groups MIKEY names in its DH payload (RFC 3830 §6.4): DH-Group 0 =
// OAKLEY 5 (1536-bit, RFC 3526 §2), 1 = OAKLEY 1 (768-bit, RFC 2409 §6.1), 2 = OAKLEY 2
// (1024-bit, RFC 2409 §6.2). The primes come from micro-rsa-dsa-dh. A private exponent is either
// full (as long as the prime) or short: RFC 3526 §8 estimates 2× the group's strength in bits is
// enough, which costs far fewer squarings.
import { DHGroups } from 'micro-rsa-dsa-dh/dh.js';
import type { Random } from '../../hal/contracts.js';
import { I2OSP, OS2IP, bitLength, modPow, type ModExpCounter } from './modexp.js';

export type DhGroupId = 0 | 1 | 2;

export interface DhGroup {
  readonly id: DhGroupId;
  readonly name: string;
  readonly p: bigint;
  readonly g: bigint;
  /** Length of a DH value on the wire (RFC 3830 §6.4: fixed by the group). */
  readonly bytes: number;
  /** Bits of a short exponent: about twice the strength RFC 3526 §8 gives the group. */
  readonly shortExponentBits: number;
}

function group(id: DhGroupId, name: string, key: string, shortExponentBits: number): DhGroup {
  const { p, g } = DHGroups[key];
  return { id, name, p, g, bytes: Math.ceil(bitLength(p) / 8), shortExponentBits };
}

export const DH_GROUPS: Readonly<Record<DhGroupId, DhGroup>> = {
  0: group(0, 'OAKLEY 5 (1536-bit MODP)', 'modp5', 240),
  1: group(1, 'OAKLEY 1 (768-bit MODP)', 'modp1', 160),
  2: group(2, 'OAKLEY 2 (1024-bit MODP)', 'modp2', 200),
};

export class DhError extends Error {
  // Defined, not assigned: XS on the device freezes Error.prototype, so `this.name = ...` throws.
  override name = 'DhError';
}

export function dhGroup(id: number): DhGroup | undefined {
  return id === 0 || id === 1 || id === 2 ? DH_GROUPS[id] : undefined;
}

export interface DhKeyPair {
  readonly group: DhGroup;
  readonly secret: bigint;
  /** g^x mod p, left-padded to the group's length. */
  readonly publicValue: Uint8Array;
}

/** Draws a private exponent in [2, 2^bits) (full: bits = |p| − 1) and computes g^x mod p. */
export function dhKeyPair(g: DhGroup, random: Random, short: boolean, counter?: ModExpCounter): DhKeyPair {
  const bits = short ? g.shortExponentBits : bitLength(g.p) - 1;
  let secret = 0n;
  while (secret < 2n) {
    const raw = OS2IP(random.bytes(Math.ceil(bits / 8)));
    secret = raw & ((1n << BigInt(bits)) - 1n);
  }
  return { group: g, secret, publicValue: I2OSP(modPow(g.g, secret, g.p, counter), g.bytes) };
}

/**
 * The shared secret (peer^x mod p) as the group's fixed length: MIKEY's TGK in the DH modes
 * (RFC 3830 §3.3). The peer's value must lie in [2, p−2] (RFC 2631 §2.1.5's range check), which
 * refuses the degenerate values 0, 1 and p−1.
 */
export function dhSharedSecret(pair: DhKeyPair, peerValue: Uint8Array, counter?: ModExpCounter): Uint8Array {
  const g = pair.group;
  if (peerValue.length !== g.bytes) throw new DhError(`DH value must be ${g.bytes} bytes, got ${peerValue.length}`);
  const y = OS2IP(peerValue);
  if (y < 2n || y > g.p - 2n) throw new DhError('DH value out of range');
  return I2OSP(modPow(y, pair.secret, g.p, counter), g.bytes);
}
