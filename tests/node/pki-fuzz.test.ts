// The DER reader and X.509 parser fuzzed at scale (Node only): 100,000 random inputs and 100,000
// mutations of real certificates; only DerError may come out.
import fc from 'fast-check';
import { DerError, children, decodeDer } from '../../modules/pki/der.js';
import { parseRsaPrivateKey } from '../../modules/pki/rsa-keys.js';
import { parseCertificate } from '../../modules/pki/x509.js';
import { fixtureBytes } from '../support/pki-fixtures.js';

function onlyDerErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof DerError)) throw e;
  }
}

describe('DER and X.509 at scale', () => {
  it('reads 100,000 random inputs as DER or a DerError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        onlyDerErrors(() => {
          const node = decodeDer(bytes);
          if (node.constructed) children(node);
        });
        onlyDerErrors(() => parseCertificate(bytes));
      }),
      { numRuns: 100_000 },
    );
  });

  it('parses 100,000 mutated certificates and keys or refuses them with a DerError', () => {
    const inputs = [fixtureBytes('alice'), fixtureBytes('inter-ca'), fixtureBytes('bob.key')];
    fc.assert(
      fc.property(fc.nat(2), fc.array(fc.tuple(fc.nat(2000), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 3 }), fc.nat(20), (which, flips, cut) => {
        const bad = inputs[which].slice(0, inputs[which].length - cut);
        for (const [at, x] of flips) bad[at % bad.length] ^= x;
        onlyDerErrors(() => (which === 2 ? parseRsaPrivateKey(bad) : parseCertificate(bad)));
      }),
      { numRuns: 100_000 },
    );
  });
});
