// Call set-up time over UDP, TCP and TLS through a real Kamailio (issue 14): three pairs of desktop
// phones (XS engine) register on one transport each, and calls are placed in rounds, one per
// transport in turn, so that the three are measured side by side under the same load. A call's
// set-up time is Kamailio's own clock from the caller's first INVITE (challenged with 407 when the
// phone has no digest nonce yet) to the caller's ACK of the 200, both read from Kamailio's transport log; the callee answers as
// soon as it rings. The first call of each pair also opens the TLS/TCP connection from Kamailio to
// the callee: it is reported apart (coldMs) and left out of the medians.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DesktopHost } from '../sim/host.js';
import { until } from '../tests/support/desktop-phones.js';
import { freeSipPort, Kamailio, pbxPhone } from '../tests/support/kamailio.js';
import { parseTable } from '../modules/negotiation/table.js';
import type { AccountTransport, Settings } from '../modules/settings/model.js';

const ROUNDS = 15;
const TRANSPORTS = ['udp', 'tcp', 'tls'] as const satisfies readonly AccountTransport[];

interface Pair {
  readonly transport: (typeof TRANSPORTS)[number];
  readonly caller: DesktopHost;
  readonly callee: DesktopHost;
  readonly calleeUser: string;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** One call: dial, auto-answer, connected on both sides, hang up, idle again. */
async function setUpTime(kamailio: Kamailio, pair: Pair): Promise<number> {
  const mark = kamailio.hops().length;
  for (const k of [...pair.calleeUser, 'OK']) await pair.caller.pressKey(k as never);
  await until(() => pair.caller.screen[0] === 'Connected' && pair.callee.screen[0] === 'Connected', `${pair.transport}: the call to connect`, 30000);
  // Calls are one at a time and only the caller sends requests until the hang-up: the first INVITE
  // in, and the first ACK in after the callee's 200 came through.
  const ackOf200 = () => {
    const hops = kamailio.hops().slice(mark);
    const ok = hops.findIndex((h) => h.dir === 'reply' && h.status === 200 && h.method === 'INVITE');
    return ok < 0 ? undefined : hops.slice(ok).find((h) => h.dir === 'in' && h.method === 'ACK');
  };
  await until(() => ackOf200() !== undefined, `${pair.transport}: the ACK of the 200 at Kamailio`);
  const invite = kamailio.hops().slice(mark).find((h) => h.dir === 'in' && h.method === 'INVITE')!;
  const ack = ackOf200()!;
  if (invite.proto !== pair.transport.toLowerCase()) throw new Error(`${pair.transport} pair: the INVITE came over ${invite.proto}`);
  await pair.caller.pressKey('Hangup');
  await until(() => pair.callee.screen[3] === 'Call ended' && pair.caller.screen[0] !== 'Connected', `${pair.transport}: the call to end`);
  return (ack.at - invite.at) * 1000;
}

export default async function callTransportsBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'call-transports-bench-'));
  const stops: (() => Promise<void>)[] = [];
  try {
    const sipPort = await freeSipPort();
    const kamailio = await Kamailio.start(sipPort, '127.0.0.1', { tcp: true, tls: { port: await freeSipPort([sipPort]), keysDir: join(dir, 'keys') } });
    stops.push(() => kamailio.stop());
    const pairs: Pair[] = [];
    for (const [i, transport] of TRANSPORTS.entries()) {
      const [callerUser, calleeUser] = [`10${i}1`, `10${i}2`];
      let callee: DesktopHost | undefined;
      // DH only: every call one offer, keyed the same way (with PKE first, a phone that learned its
      // peer's certificate re-offers, and calls would differ by a round trip).
      const settings = (s: Settings) => ({ ...s, priorities: parseTable('DH;AES_CM_128_HMAC_SHA1_80') });
      const caller = await pbxPhone(kamailio, dir, callerUser, { transport, settings });
      stops.push(() => caller.stop());
      callee = await pbxPhone(kamailio, dir, calleeUser, {
        transport,
        settings,
        host: { onDisplay: (lines) => lines[0] === 'Incoming call' && void callee?.pressKey('OK') },
      });
      stops.push(() => callee!.stop());
      await until(() => caller.screen[3] === 'Registered' && callee!.screen[3] === 'Registered', `the ${transport} pair to register`, 30000);
      pairs.push({ transport, caller, callee, calleeUser });
    }
    const times = new Map<string, number[]>(TRANSPORTS.map((t) => [t, []]));
    const cold = new Map<string, number>();
    for (let round = 0; round <= ROUNDS; round++) {
      for (const pair of pairs) {
        const ms = await setUpTime(kamailio, pair);
        if (round === 0) cold.set(pair.transport, ms);
        else times.get(pair.transport)!.push(ms);
      }
    }
    const [udp, tcp, tls] = TRANSPORTS.map((t) => median(times.get(t)!));
    process.stdout.write(
      `${JSON.stringify({
        bench: 'call-setup-transports',
        engine: 'xs',
        via: 'kamailio',
        measure: 'first INVITE to ACK at Kamailio, median',
        calls: ROUNDS,
        udpMs: +udp.toFixed(1),
        tcpMs: +tcp.toFixed(1),
        tlsMs: +tls.toFixed(1),
        ratioTcpToUdp: +(tcp / udp).toFixed(3),
        ratioTlsToUdp: +(tls / udp).toFixed(3),
        coldMs: Object.fromEntries([...cold].map(([t, ms]) => [t.toLowerCase(), +ms.toFixed(1)])),
      })}\n`,
    );
  } finally {
    for (const stop of stops.reverse()) await stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
