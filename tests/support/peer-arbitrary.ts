// Random runs of what changes a phone's peers, for property tests of the peer store: calls that
// learn a table and a certificate (as call-record.ts saves them), keys typed in the menu, keys
// deleted, peers forgotten (as the Known peers menu does). Certificates are a few KB, as real ones,
// so that runs fill the store and the eviction rule is exercised. Pure: runs under jest and on XS.
import fc from 'fast-check';
import { forgetPeer } from '../../modules/menu/known-peers.js';
import type { Settings } from '../../modules/settings/model.js';
import { tableArb } from './settings-arbitrary.js';

export type PeerOp =
  | { readonly kind: 'learn'; readonly peer: number; readonly certificateChars: number; readonly table: Settings['learnedPeers'][string]['table'] }
  | { readonly kind: 'key'; readonly peer: number; readonly psk: string }
  | { readonly kind: 'deleteKey'; readonly peer: number }
  | { readonly kind: 'forget'; readonly peer: number };

export const peerUri = (i: number) => `sip:peer${i}@example.com`;

/** A base64 string of `chars` characters standing for a certificate of that size. */
export const fakeCertificate = (chars: number, seed: number) => 'MII' + String.fromCharCode(65 + (seed % 26)).repeat(Math.max(1, chars - 3));

export function peerOpsArb(peers: number, maxOps: number): fc.Arbitrary<PeerOp[]> {
  const peer = fc.integer({ min: 0, max: peers - 1 });
  const op: fc.Arbitrary<PeerOp> = fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('learn' as const), peer, certificateChars: fc.integer({ min: 800, max: 4000 }), table: tableArb }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('key' as const), peer, psk: fc.constantFrom('00112233445566778899aabbccddeeff', 'ff'.repeat(32)) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('deleteKey' as const), peer }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('forget' as const), peer }) },
  );
  return fc.array(op, { minLength: 1, maxLength: maxOps });
}

/** The settings after `op` as the phone would ask the store to save them (`at`: the time). */
export function applyOp(s: Settings, op: PeerOp, at: number): Settings {
  const uri = peerUri(op.peer);
  switch (op.kind) {
    case 'learn':
      return {
        ...s,
        lastCall: { peer: uri, protection: 'mikey-priority', keyAgreement: 'PKE', suite: 'AES_CM_128_HMAC_SHA1_80', at },
        learnedPeers: { ...s.learnedPeers, [uri]: { table: op.table, learnedAt: at } },
        peerCertificates: { ...s.peerCertificates, [uri]: fakeCertificate(op.certificateChars, op.peer) },
      };
    case 'key':
      return { ...s, peerKeys: { ...s.peerKeys, [uri]: op.psk } };
    case 'deleteKey': {
      const peerKeys = { ...s.peerKeys };
      delete peerKeys[uri];
      return { ...s, peerKeys };
    }
    case 'forget':
      return forgetPeer(s, uri);
  }
}
