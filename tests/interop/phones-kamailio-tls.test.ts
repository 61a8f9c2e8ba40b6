// Two desktop phones (XS engine) through a real Kamailio, one on UDP and one on TLS (RFC 3261
// §18, §26.2): both register with digest authentication, each calls the other through the proxy
// with MIKEY, and Kamailio's log shows each request arriving and leaving on the transport of the
// phone it comes from and goes to. A loopback capture of the TLS legs holds TLS records only:
// tshark finds no SIP, SDP or MIKEY there, dissected or as text, while the UDP leg of the same
// capture shows the same calls' SIP and MIKEY in clear.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DesktopHost } from '../../sim/host.js';
import { callAndAnswer, until } from '../support/desktop-phones.js';
import { freeSipPort, Kamailio, pbxPhone, type KamailioHop } from '../support/kamailio.js';
import { startLoopbackCapture } from '../support/loopback-capture.js';
import { countFrames, tlsStreamView } from '../support/tshark-streams.js';

/** The distinct transports (and peers, for UDP) an INVITE came in on, went out on, and was answered on. */
function inOut(hops: KamailioHop[]): Record<'in' | 'out' | 'ok', string[]> {
  const at = (h: KamailioHop) => (h.proto === 'udp' ? `udp ${h.peer}` : h.proto);
  const distinct = (dir: KamailioHop['dir'], status?: number) => [...new Set(hops.filter((h) => h.dir === dir && (status === undefined || h.status === status)).map(at))];
  return { in: distinct('in'), out: distinct('out'), ok: distinct('reply', 200) };
}

function port(host: DesktopHost, what: RegExp): number {
  return Number(host.log.map((l) => what.exec(l)?.[1]).find(Boolean));
}

describe('a UDP phone and a TLS phone through Kamailio', () => {
  const dir = mkdtempSync(join(tmpdir(), 'phones-kamailio-tls-'));
  const stops: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('register, call each other with MIKEY both ways, and the TLS legs show no SIP in clear', async () => {
    const sipPort = await freeSipPort();
    const tlsPort = await freeSipPort([sipPort]);
    const kamailio = await Kamailio.start(sipPort, '127.0.0.1', { tcp: true, tls: { port: tlsPort, keysDir: join(dir, 'keys') } });
    stops.push(() => kamailio.stop());
    const pcap = join(dir, 'calls.pcap');
    const capture = await startLoopbackCapture(pcap, `tcp or (udp and port ${sipPort})`);
    let captured = false;
    stops.push(async () => void (captured || (await capture.stop(0))));
    // tshark's "Capturing on" comes a moment before its filter takes packets.
    await new Promise((r) => setTimeout(r, 1000));
    const udp = await pbxPhone(kamailio, dir, '1001', { transport: 'udp' });
    stops.push(() => udp.stop());
    const tls = await pbxPhone(kamailio, dir, '1002', { transport: 'tls' });
    stops.push(() => tls.stop());
    await until(() => udp.screen[3] === 'Registered' && tls.screen[3] === 'Registered', `both phones to register\n${tls.log.join('\n')}\n${kamailio.log.slice(-2000)}`, 30000);
    const udpPeer = `127.0.0.1:${port(udp, /listening for SIP on 127\.0\.0\.1:(\d+)/)}`;
    const tlsListener = port(tls, /listening for SIP over TLS on 127\.0\.0\.1:(\d+)/);
    expect(tlsListener).toBeGreaterThan(0);

    const hops = (method: string, since: number): KamailioHop[] => kamailio.hops().slice(since).filter((h) => h.method === method);
    // REGISTER: the UDP phone's over UDP from its SIP port, the TLS phone's over TLS.
    expect(hops('REGISTER', 0).filter((h) => h.dir === 'in').map((h) => (h.peer === udpPeer ? `udp phone ${h.proto}` : `other ${h.proto}`)).sort()).toEqual(
      expect.arrayContaining(['udp phone udp', 'other tls']),
    );
    expect(hops('REGISTER', 0).filter((h) => h.dir === 'in' && h.proto === 'tcp')).toEqual([]);

    // UDP phone calls the TLS phone: in over UDP, out over TLS; the answer back over TLS.
    let mark = kamailio.hops().length;
    await callAndAnswer(udp, tls, '1002', 'UDP to TLS');
    expect(udp.screen[2]).toMatch(/^\uE000 (DH|PKE|RSA-R|DHHMAC|PSK) /);
    expect(tls.screen[2]).toBe(udp.screen[2]);
    const invite1 = hops('INVITE', mark);
    // Each offer comes in twice (challenged with 407, then with credentials) and is relayed once.
    expect(inOut(invite1)).toEqual({ in: [`udp ${udpPeer}`], out: ['tls'], ok: ['tls'] });
    await new Promise((r) => setTimeout(r, 600));
    await udp.pressKey('Hangup');
    await until(() => tls.screen[3] === 'Call ended', 'the BYE to reach the TLS phone');
    expect(hops('BYE', mark).filter((h) => h.dir === 'out').map((h) => h.proto)).toEqual(['tls']);

    // The TLS phone calls the UDP phone: in over TLS, out over UDP.
    mark = kamailio.hops().length;
    await callAndAnswer(tls, udp, '1001', 'TLS to UDP');
    expect(tls.screen[2]).toMatch(/^\uE000 (DH|PKE|RSA-R|DHHMAC|PSK) /);
    expect(udp.screen[2]).toBe(tls.screen[2]);
    const invite2 = hops('INVITE', mark);
    // The second call may take two offers: the callee's learned priorities can point to PKE now that
    // each phone holds the other's certificate from the first call's signed exchange.
    expect(inOut(invite2)).toEqual({ in: ['tls'], out: [`udp ${udpPeer}`], ok: [`udp ${udpPeer}`] });
    await new Promise((r) => setTimeout(r, 600));
    await tls.pressKey('Hangup');
    await until(() => udp.screen[3] === 'Call ended', 'the BYE to reach the UDP phone');
    expect(hops('BYE', mark).filter((h) => h.dir === 'in').map((h) => h.proto)).toEqual(['tls']);
    for (const host of [udp, tls]) {
      const ended = host.log.filter((l) => / ended: sent/.test(l));
      expect(ended).toHaveLength(2);
      for (const l of ended) expect(Number(/received (\d+)/.exec(l)![1])).toBeGreaterThan(10);
    }
    captured = true;
    await capture.stop();

    // The TLS legs: Kamailio's TLS port and the TLS phone's listener.
    const view = tlsStreamView(pcap, [tlsPort, tlsListener]);
    expect(view.clientHellos).toBeGreaterThanOrEqual(1);
    expect(view.tlsAppData).toBeGreaterThan(8);
    expect(view).toMatchObject({ notTls: 0, dissectedSip: 0, clearText: 0 });
    // The same capture's UDP leg: the same calls' INVITEs and MIKEY, which tshark does read in clear.
    const udpLeg = `udp.port == ${sipPort} && udp.port == ${udpPeer.split(':')[1]}`;
    expect(countFrames(pcap, `${udpLeg} && sip.Method == "INVITE"`)).toBeGreaterThanOrEqual(2);
    expect(countFrames(pcap, `${udpLeg} && mikey`)).toBeGreaterThanOrEqual(2);
  });
});
