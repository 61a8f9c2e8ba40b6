// A crypto provider (hal/contracts.ts Crypto) that works like nobleCrypto until `failing` is set,
// then throws from every key it makes or already made: a fault injected into a phone's handling.
// Pure (no Node APIs): runs under jest and on XS.
import type { AesKey, Crypto, HmacSha1Key } from '../../hal/contracts.js';
import { nobleCrypto } from '../../hal/noble-crypto.js';

export class FaultyCrypto implements Crypto {
  failing = false;

  aesKey(key: Uint8Array): AesKey {
    this.check();
    const inner = nobleCrypto.aesKey(key);
    return {
      encryptBlock: (i, o) => (this.check(), inner.encryptBlock(i, o)),
      ctrXor: (iv, d) => (this.check(), inner.ctrXor(iv, d)),
    };
  }

  hmacSha1Key(key: Uint8Array): HmacSha1Key {
    this.check();
    const inner = nobleCrypto.hmacSha1Key(key);
    return { mac: (parts, out) => (this.check(), inner.mac(parts, out)) };
  }

  private check(): void {
    if (this.failing) throw new Error('crypto provider fault (injected)');
  }
}
