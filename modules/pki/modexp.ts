// Modular exponentiation for RSA and Diffie-Hellman, on micro-rsa-dsa-dh's BigInt square-and-multiply
// (XS has native BigInt). An optional counter records how many exponentiations a party performed,
// which is what the benchmark reports per side and what "deferred work" defers.
import { pow } from 'micro-rsa-dsa-dh/utils.js';

export { I2OSP, OS2IP } from 'micro-rsa-dsa-dh/utils.js';

/** Counts modular exponentiations; pass one in to measure a party's work. */
export interface ModExpCounter {
  count: number;
}

export function modPow(base: bigint, exponent: bigint, modulus: bigint, counter?: ModExpCounter): bigint {
  if (counter) counter.count++;
  return pow(base, exponent, modulus);
}

export function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}
