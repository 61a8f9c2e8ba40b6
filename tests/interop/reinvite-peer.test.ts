// Re-INVITEs from a separate SIP user agent (Node, its own MIKEY initiator) to our phone in a
// signed-DH call: offers the phone must refuse with 488 while the call and its keys go on (a
// replayed I_MESSAGE, RFC 3830 §5.4; a downgrade to plain RTP; an undecodable MIKEY message), then
// a real re-key whose keys the peer derives itself and the phone reports, a hold and a resume,
// and a 488 to the phone's own re-key, after which the call goes on under the keys it had. Then a
// stream the peer moves (RFC 3264 §8.3.1), and re-INVITEs without an offer (RFC 3261 §14.2): the
// phone offers in its 200, takes the answer in the ACK, and ends the call when the ACK has none.
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nobleCrypto } from '../../hal/noble-crypto.js';
import { dhOffer } from '../../modules/mikey/dh.js';
import { loadPkCredentials, type PkCredentials } from '../../modules/mikey/pk-auth.js';
import type { SrtpKeys } from '../../modules/mikey/pk-keys.js';
import { mediaDirection } from '../../modules/sdp/direction.js';
import { parseKeyMgmt } from '../../modules/sdp/key-mgmt.js';
import { audioDescription, type AudioDescription } from '../../modules/sdp/offer-answer.js';
import { effectiveAttributes, parseSdp, serializeSdp } from '../../modules/sdp/session-description.js';
import type { UaEvent } from '../../modules/sip/user-agent.js';
import { fromBase64, fromHex, toHex } from '../../modules/util/bytes.js';
import { RekeyableSrtp } from '../../modules/phone/media-protection.js';
import type { ProtectionProfileName } from '../../modules/srtp/protection-profile.js';
import { DesktopHost } from '../../sim/host.js';
import { devCredentials, freePort, until } from '../support/desktop-phones.js';
import { lastLoggedKey } from '../support/key-log.js';
import { DgramHost, HOST } from './sip-dgram-host.js';

const PHONE_URI = 'sip:9102@127.0.0.1';

function newOffer(self: PkCredentials): ReturnType<typeof dhOffer> {
  return dhOffer({ self, crypto: nobleCrypto, env: { random: { bytes: (n) => crypto.getRandomValues(new Uint8Array(n)) }, nowMs: Date.now() }, responderUri: PHONE_URI, ssrcs: [0, 0], group: 2 });
}

function description(version: number, keying: AudioDescription['keying'], direction: AudioDescription['direction'] = 'sendrecv', rtpPort = 40000): string {
  return serializeSdp(audioDescription({ address: HOST, rtpPort, sessionId: '1', sessionVersion: version, keying, direction }));
}

function keyHex(k: SrtpKeys): string {
  return toHex(k.masterKey) + toHex(k.masterSalt);
}

function lastKeyLine(host: DesktopHost, direction: 'send' | 'receive'): { suite: string; key: string } {
  const { suite, key } = lastLoggedKey(host.log, direction);
  return { suite, key };
}

function lastKey(host: DesktopHost, direction: 'send' | 'receive'): string {
  return lastKeyLine(host, direction).key;
}

/** The peer's signed-DH call to our phone, connected, with the keys the peer derived. */
async function callFromPeer(dir: string, flash: string) {
  const provision = devCredentials(dir, ['9101', '9102']);
  const port = await freePort();
  // The peer speaks UDP only: the phone keeps to UDP (with Auto, a re-key INVITE over 1,300 bytes goes over TCP, RFC 3261 §18.1.1).
  const phone = await DesktopHost.start({ identity: { displayName: 'B', user: '9102', sipPort: port, tlsPort: 0, transport: 'udp', keyLog: true }, provision: provision('9102'), flashPath: join(dir, flash) });
  const peer = await DgramHost.start(() => ({ account: { user: '9101', domain: HOST, password: '' }, outboundProxy: { address: HOST, port } }));
  /** The next event of `type` after the first `seen` events. */
  const next = (type: UaEvent['type'], seen: number): Promise<UaEvent> => peer.waitFor((e) => e.type === type && peer.events.indexOf(e) >= seen, `a ${type} event`);
  try {
    const c = provision('9101');
    const self = loadPkCredentials('sip:9101@127.0.0.1', c.ownChain.map(fromBase64), fromBase64(c.ownKey), c.trustAnchors.map(fromBase64));
    const first = newOffer(self);
    const firstSdp = description(1, { kind: 'mikey', message: first.message });
    const { callId, actions } = peer.ua.invite(PHONE_URI, firstSdp);
    peer.run(actions);
    await until(() => phone.screen[0] === 'Incoming call', 'our phone to ring');
    await phone.pressKey('OK');
    const answered = (await peer.next('answered')) as { sdp: string };
    const answer = parseSdp(answered.sdp);
    const keys = first.finish(parseKeyMgmt(effectiveAttributes(answer, answer.media[0], 'key-mgmt')[0]).data);
    await until(() => phone.screen[0] === 'Connected', 'the call to connect');
    expect([lastKey(phone, 'receive'), lastKey(phone, 'send')]).toEqual([keyHex(keys[0]), keyHex(keys[1])]);
    return { phone, peer, next, self, first, callId, keys };
  } catch (e) {
    peer.close();
    await phone.stop();
    throw e;
  }
}

describe('re-INVITEs from another SIP user agent', () => {
  const dir = mkdtempSync(join(tmpdir(), 'reinvite-peer-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses bad re-key offers with 488 and keeps the call, re-keys, is held, and takes a refusal of its own re-key', async () => {
    const { phone, peer, next, self, first, callId, keys } = await callFromPeer(dir, 'b.flash');
    try {
      const refusals: [string, string][] = [
        ['a replayed I_MESSAGE', description(2, { kind: 'mikey', message: first.message })],
        ['a downgrade to plain RTP', description(3, { kind: 'none' })],
        ['an undecodable MIKEY message', description(4, { kind: 'mikey', message: new Uint8Array([1, 0, 2, 3, 4, 5]) })],
      ];
      for (const [what, sdp] of refusals) {
        const seen = peer.events.length;
        peer.run(peer.ua.reinvite(callId, sdp));
        const failed = (await next('reinviteFailed', seen)) as { status: number };
        expect([what, failed.status]).toEqual([what, 488]);
      }
      // Each for its own reason, as the phone logs it.
      const reasons = phone.log.filter((l) => l.includes('re-INVITE refused: '));
      expect(reasons).toHaveLength(3);
      [/replayed I_MESSAGE/, /RTP\/AVP would change the call's protection/, /MIKEY/].forEach((re, i) => expect(reasons[i]).toMatch(re));
      // The call goes on under its first keys.
      expect(phone.screen[0]).toBe('Connected');
      expect(phone.log.filter((l) => l.startsWith('keylog '))).toHaveLength(2);

      // A real re-key: the peer derives the new keys from the phone's R_MESSAGE; the phone reports the same.
      const second = newOffer(self);
      let seen = peer.events.length;
      peer.run(peer.ua.reinvite(callId, description(5, { kind: 'mikey', message: second.message })));
      const rekeyed = parseSdp(((await next('reinviteAnswered', seen)) as { sdp: string }).sdp);
      const newKeys = second.finish(parseKeyMgmt(effectiveAttributes(rekeyed, rekeyed.media[0], 'key-mgmt')[0]).data);
      await until(() => phone.log.filter((l) => l.startsWith('keylog ')).length === 4, 'the phone to take the new keys (send on the ACK)');
      expect([lastKey(phone, 'receive'), lastKey(phone, 'send')]).toEqual([keyHex(newKeys[0]), keyHex(newKeys[1])]);
      expect(keyHex(newKeys[0])).not.toBe(keyHex(keys[0]));

      // Hold: sendonly with the keys in force (no key-mgmt); the phone answers recvonly, also without one.
      seen = peer.events.length;
      peer.run(peer.ua.reinvite(callId, description(6, { kind: 'established' }, 'sendonly')));
      const held = parseSdp(((await next('reinviteAnswered', seen)) as { sdp: string }).sdp);
      expect(held.media[0].protocol).toBe('RTP/SAVP');
      expect(mediaDirection(held, held.media[0])).toBe('recvonly');
      expect(effectiveAttributes(held, held.media[0], 'key-mgmt')).toEqual([]);
      await until(() => phone.screen[0] === 'Held by peer', 'the held screen');
      expect(phone.screen[1]).toBe('9101@127.0.0.1');

      // The peer resumes; the phone re-keys (Up) and the peer refuses: the call keeps its keys.
      seen = peer.events.length;
      peer.run(peer.ua.reinvite(callId, description(7, { kind: 'established' })));
      const resumed = parseSdp(((await next('reinviteAnswered', seen)) as { sdp: string }).sdp);
      expect(mediaDirection(resumed, resumed.media[0])).toBe('sendrecv');
      await until(() => phone.screen[0] === 'Connected', 'the phone to show the resume');
      seen = peer.events.length;
      await phone.pressKey('Up');
      const rekey = parseSdp(((await next('reinvite', seen)) as { sdp: string }).sdp);
      expect(effectiveAttributes(rekey, rekey.media[0], 'key-mgmt')).toHaveLength(1);
      peer.run(peer.ua.rejectReinvite(callId, 488));
      await until(() => phone.log.some((l) => l.endsWith('rekey refused with 488; the call goes on unchanged')), 'the phone to take the refusal');
      expect(phone.screen[0]).toBe('Connected');
      expect([lastKey(phone, 'receive'), lastKey(phone, 'send')]).toEqual([keyHex(newKeys[0]), keyHex(newKeys[1])]);

      peer.run(peer.ua.hangup(callId));
      await until(() => phone.screen[3] === 'Call ended', 'the BYE');
    } finally {
      peer.close();
      await phone.stop();
    }
  });

  it('follows a stream the peer moves, offers in its 200 to a re-INVITE without one, and ends the call when the ACK has no answer', async () => {
    const { phone, peer, next, callId } = await callFromPeer(dir, 'c.flash');
    const moved = createSocket('udp4');
    const arrived: { data: Buffer; port: number }[] = [];
    moved.on('message', (data, rinfo) => arrived.push({ data, port: rinfo.port }));
    await new Promise<void>((resolve) => moved.bind(0, HOST, resolve));
    try {
      const phoneRtp = Number(/media 127\.0\.0\.1:(\d+) <->/.exec(phone.log.find((l) => l.includes(' connected with '))!)![1]);
      // The peer moves its stream to another port (RFC 3264 §8.3.1): the phone's SRTP follows it.
      let seen = peer.events.length;
      peer.run(peer.ua.reinvite(callId, description(2, { kind: 'established' }, 'sendrecv', moved.address().port)));
      const answer = parseSdp(((await next('reinviteAnswered', seen)) as { sdp: string }).sdp);
      expect([answer.media[0].protocol, mediaDirection(answer, answer.media[0])]).toEqual(['RTP/SAVP', 'sendrecv']);
      await until(() => arrived.length >= 10, 'the phone\'s audio at the new port');
      expect(phone.log).toContain(`call ${callId}: media now to ${HOST}:${moved.address().port}`);
      // Every packet comes from the call's RTP port and is SRTP under the key the phone sends with.
      const { suite, key } = lastKeyLine(phone, 'send');
      const master = { masterKey: fromHex(key.slice(0, 32)), masterSalt: fromHex(key.slice(32)) };
      const srtp = new RekeyableSrtp(nobleCrypto, suite as ProtectionProfileName, master, master);
      for (const p of arrived.slice(0, 10)) {
        expect(p.port).toBe(phoneRtp);
        expect(srtp.unprotect(new Uint8Array(p.data))).toBeDefined();
      }

      // No offer: the phone's 200 offers the call as it stands (SRTP, keys in force, no key-mgmt),
      // and the answer in the ACK holds the phone (sendonly) and moves the stream back.
      seen = peer.events.length;
      peer.run(peer.ua.reinvite(callId, ''));
      const offer = parseSdp(((await next('reinviteOffered', seen)) as { sdp: string }).sdp);
      const audio = offer.media[0];
      expect([audio.protocol, audio.port, mediaDirection(offer, audio), effectiveAttributes(offer, audio, 'key-mgmt').length]).toEqual(['RTP/SAVP', phoneRtp, 'sendrecv', 0]);
      // While its offer waits for the answer, the phone makes no other (RFC 3264 §4): Down does nothing.
      await phone.pressKey('Down');
      expect(phone.log.filter((l) => l.includes('re-INVITE to '))).toEqual([]);
      peer.run(peer.ua.ackReinvite(callId, description(3, { kind: 'established' }, 'sendonly')));
      await until(() => phone.screen[0] === 'Held by peer', 'the phone to take the answer in the ACK');
      expect(phone.log).toContain(`call ${callId}: media now to ${HOST}:40000`);

      // No offer again, and an ACK without the answer: the phone ends the call with BYE (RFC 3261 §13.3.1.4).
      seen = peer.events.length;
      peer.run(peer.ua.reinvite(callId, ''));
      await next('reinviteOffered', seen);
      peer.run(peer.ua.ackReinvite(callId, ''));
      expect(await next('ended', seen)).toEqual({ type: 'ended', callId, reason: 'remote-bye' });
      expect(phone.log).toContain(`call ${callId}: answer in the ACK unusable: the ACK has no answer`);
      await until(() => phone.screen[3] === 'Call failed', 'the phone to show the failed call');
    } finally {
      moved.close();
      peer.close();
      await phone.stop();
    }
  });
});
