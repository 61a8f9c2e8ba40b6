// Bad stream peers against a phone in a call (RFC 3261 §18 leaves their handling to the
// implementation; the phone's bounds are in docs/sip-streams.md): while two phones talk through a
// real Kamailio over TCP, strangers open more connections to the callee's SIP port than it keeps
// (12) and never send, a few more to its TLS port never start a handshake, and one sends an
// endless header. The phone cuts them all off — the endless header at its header bound, the silent
// ones by eviction or when their time for a first message (or the handshake) runs out — and the
// call goes on: audio keeps arriving, the BYE crosses Kamailio's connections, and a second call
// connects.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callAndAnswer, until } from '../support/desktop-phones.js';
import { freeSipPort, Kamailio, pbxPhone } from '../support/kamailio.js';

const STRANGERS = 24;

interface Stranger {
  readonly socket: Socket;
  closed: boolean;
  /** Bytes written before the phone closed the connection. */
  sent: number;
}

function open(port: number): Promise<Stranger> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const s: Stranger = { socket, closed: false, sent: 0 };
    socket.once('connect', () => resolve(s));
    socket.once('error', reject);
    socket.on('close', () => (s.closed = true));
    socket.on('error', () => undefined);
  });
}

/** Writes header lines without end, 1 KiB every 5 ms, until the phone closes (at most 1 MiB). */
function endlessHeader(s: Stranger): void {
  const line = Buffer.from(`X-Endless: ${'a'.repeat(1011)}\r\n`);
  s.socket.write('INVITE sip:1002@example.test SIP/2.0\r\n');
  const pump = setInterval(() => {
    if (s.closed || s.sent >= 1024 * 1024) clearInterval(pump);
    else {
      s.socket.write(line);
      s.sent += line.length;
    }
  }, 5);
}

describe('silent and endless stream peers during a call through Kamailio', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stream-abuse-'));
  const stops: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('cuts them off and the call goes on', async () => {
    const kamailio = await Kamailio.start(await freeSipPort(), '127.0.0.1', { tcp: true });
    stops.push(() => kamailio.stop());
    const alice = await pbxPhone(kamailio, dir, '1001', { transport: 'tcp' });
    stops.push(() => alice.stop());
    // Bob plays Alice's microphone (the host's 440 Hz tone): the times of the frames that carry it.
    const heard: number[] = [];
    const bob = await pbxPhone(kamailio, dir, '1002', { transport: 'tcp', host: { onAudio: (e, f, t) => e === 'played' && f.some((x) => Math.abs(x) > 2000) && heard.push(t) } });
    stops.push(() => bob.stop());
    await until(() => alice.screen[3] === 'Registered' && bob.screen[3] === 'Registered', `both phones to register\n${kamailio.log.slice(-2000)}`, 30000);
    await callAndAnswer(alice, bob, '1002', 'the first call');
    expect(kamailio.hops().filter((h) => h.method === 'INVITE').map((h) => h.proto)).toEqual(expect.arrayContaining(['tcp']));
    const bobPort = Number(bob.log.map((l) => /listening for SIP on 127\.0\.0\.1:(\d+)/.exec(l)?.[1]).find(Boolean));
    const bobTlsPort = Number(bob.log.map((l) => /listening for SIP over TLS on 127\.0\.0\.1:(\d+)/.exec(l)?.[1]).find(Boolean));

    const abuseStart = performance.now();
    const strangers: Stranger[] = [];
    for (let i = 0; i < STRANGERS; i++) strangers.push(await open(bobPort));
    // And some on the TLS port that never start their handshake.
    for (let i = 0; i < 4; i++) strangers.push(await open(bobTlsPort));
    stops.push(() => strangers.forEach((s) => s.socket.destroy()));
    const endless = await open(bobPort);
    stops.push(() => void endless.socket.destroy());
    endlessHeader(endless);

    // The endless header is cut at the header bound (16 KiB), long before the 1 MiB we would send.
    await until(() => endless.closed, 'the endless header to be cut off', 15000);
    expect(endless.sent).toBeLessThan(256 * 1024);
    expect(bob.log).toContainEqual(expect.stringMatching(/^SIP connection \d+ \(TCP from 127\.0\.0\.1:\d+\) closed: header section over 16384 bytes$/));
    // The silent ones: evicted beyond the bound, the rest when their 10 s for a message (or for the
    // TLS handshake) run out.
    await until(() => strangers.every((s) => s.closed), `the silent connections to be closed (${strangers.filter((s) => !s.closed).length} open)`, 40000);
    expect(bob.log.filter((l) => /SIP connection \d+ \(TCP from 127\.0\.0\.1:\d+\) closed/.test(l)).length).toBeGreaterThanOrEqual(STRANGERS + 1);

    const abuseEnd = performance.now();

    // The call went on meanwhile: Alice's tone played at Bob all along (50 frames a second, at least half
    // of them played while the silent ones took their 10 s), and it ends through Kamailio over TCP.
    expect([alice.screen[0], bob.screen[0]]).toEqual(['Connected', 'Connected']);
    expect(bob.log.filter((l) => / ended: sent/.test(l))).toEqual([]);
    expect(heard.filter((t) => t > abuseStart && t < abuseEnd).length).toBeGreaterThan(((abuseEnd - abuseStart) / 20) * 0.5);
    await alice.pressKey('Hangup');
    await until(() => bob.screen[3] === 'Call ended', 'the BYE to reach Bob over TCP through Kamailio');
    expect(Number(/dropped (\d+)/.exec(bob.log.find((l) => / ended: sent/.test(l))!)![1])).toBe(0);
    expect(kamailio.hops().filter((h) => h.method === 'BYE').every((h) => h.proto === 'tcp')).toBe(true);
    await callAndAnswer(alice, bob, '1002', 'a second call');
    await bob.pressKey('Hangup');
    await until(() => alice.screen[3] === 'Call ended', 'the second call to end');
  });
});
