// Backward compatibility with a plain RFC 3830 phone: a caller that knows nothing of priority
// tables (a signed-DH I_MESSAGE without the table extension, sent by a separate SIP user agent)
// still gets a MIKEY-keyed call from our phone, whose answer is a plain R_MESSAGE the caller checks.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nobleCrypto } from '../../hal/noble-crypto.js';
import { dhOffer } from '../../modules/mikey/dh.js';
import { loadPkCredentials } from '../../modules/mikey/pk-auth.js';
import { decodeMessage } from '../../modules/mikey/pk-wire.js';
import { PRIORITY_TABLE_EXTENSION } from '../../modules/negotiation/wire.js';
import { parseKeyMgmt } from '../../modules/sdp/key-mgmt.js';
import { audioDescription } from '../../modules/sdp/offer-answer.js';
import { effectiveAttributes, parseSdp, serializeSdp } from '../../modules/sdp/session-description.js';
import { fromBase64 } from '../../modules/util/bytes.js';
import { DesktopHost } from '../../sim/host.js';
import { devCredentials, freePort, until } from '../support/desktop-phones.js';
import { DgramHost, HOST } from './sip-dgram-host.js';

describe('a plain RFC 3830 MIKEY caller', () => {
  const dir = mkdtempSync(join(tmpdir(), 'plain-mikey-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gets a signed-DH call from our phone without any priority table', async () => {
    const provision = devCredentials(dir, ['9001', '9002']);
    const port = await freePort();
    const phone = await DesktopHost.start({ identity: { displayName: 'B', user: '9002', sipPort: port, tlsPort: 0 }, provision: provision('9002'), flashPath: join(dir, 'b.flash') });
    const legacy = await DgramHost.start(() => ({ account: { user: '9001', domain: HOST, password: '' }, outboundProxy: { address: HOST, port } }));
    try {
      const c = provision('9001');
      const self = loadPkCredentials('sip:9001@127.0.0.1', c.ownChain.map(fromBase64), fromBase64(c.ownKey), c.trustAnchors.map(fromBase64));
      const offer = dhOffer({ self, crypto: nobleCrypto, env: { random: { bytes: (n) => crypto.getRandomValues(new Uint8Array(n)) }, nowMs: Date.now() }, responderUri: 'sip:9002@127.0.0.1', ssrcs: [0, 0], group: 2 });
      const sdp = serializeSdp(audioDescription({ address: HOST, rtpPort: 40000, sessionId: '1', sessionVersion: 1, keying: { kind: 'mikey', message: offer.message } }));
      const { callId, actions } = legacy.ua.invite('sip:9002@127.0.0.1', sdp);
      legacy.run(actions);
      await until(() => phone.screen[0] === 'Incoming call', 'our phone to ring');
      expect(phone.screen[2]).toBe('Secure: DH');
      await phone.pressKey('OK');
      const answered = (await legacy.next('answered')) as { sdp: string };
      const answer = parseSdp(answered.sdp);
      const km = parseKeyMgmt(effectiveAttributes(answer, answer.media[0], 'key-mgmt')[0]);
      // The caller's own check of the R_MESSAGE: signature, identity, DH; then both hold the keys.
      const keys = offer.finish(km.data);
      expect(keys).toHaveLength(2);
      // A plain phone gets a plain answer: no table extension in it.
      expect(decodeMessage(km.data).payloads.some((p) => p.type === 'GENEXT' && p.extType === PRIORITY_TABLE_EXTENSION)).toBe(false);
      expect(phone.log.some((l) => l.includes(': Secure DH CM128/80;'))).toBe(true);
      legacy.run(legacy.ua.hangup(callId));
      await until(() => phone.screen[3] === 'Call ended', 'the BYE');
    } finally {
      legacy.close();
      await phone.stop();
    }
  });
});
