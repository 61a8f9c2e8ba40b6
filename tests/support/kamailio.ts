// A real Kamailio on loopback for the tests: registrar and proxy with digest authentication
// (tests/interop/kamailio/registrar-proxy.cfg), in the foreground, with a private runtime directory;
// UDP, and on request TCP on the same port and TLS on another (RFC 3261 §18, §26.2) with a server
// certificate from the development CA.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PhoneIdentity } from '../../modules/phone/identity.js';
import type { AccountTransport, Settings } from '../../modules/settings/model.js';
import { DesktopHost, type DesktopHostOptions } from '../../sim/host.js';
import { KAMAILIO, kamailioArgs, type KamailioListen } from '../../sim/kamailio-args.js';
import { devCredentials, presetSettings } from './desktop-phones.js';
import { withTransport } from './sip-transports.js';

/** Listeners besides UDP on the SIP port (sim/kamailio-args.ts). */
export type KamailioStreams = Omit<KamailioListen, 'host' | 'port'>;

/**
 * A port free on 127.0.0.1 for TCP and UDP both (Kamailio listens on the two with one number): a
 * free TCP port the system picks, kept if UDP can bind it too and it is not one of `except`.
 */
export async function freeSipPort(except: readonly number[] = []): Promise<number> {
  for (;;) {
    const tcp = createServer();
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
    const port = (tcp.address() as { port: number }).port;
    const udp = createSocket('udp4');
    const ok = await new Promise<boolean>((r) => {
      udp.once('error', () => r(false));
      udp.bind(port, '127.0.0.1', () => r(true));
    });
    if (ok) await new Promise<void>((r) => udp.close(() => r()));
    await new Promise<void>((r) => tcp.close(() => r()));
    if (ok && !except.includes(port)) return port;
  }
}

/** Resolves once a TCP connection to host:port is accepted. */
async function accepting(host: string, port: number, ms = 10000): Promise<void> {
  for (const deadline = Date.now() + ms; ; ) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, host, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`Kamailio does not accept TCP on ${host}:${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** One line of Kamailio's transport log. */
export interface KamailioHop {
  readonly dir: 'in' | 'out' | 'reply';
  readonly method: string;
  /** The reply's status code (dir 'reply'). */
  readonly status?: number;
  /** udp, tcp or tls. */
  readonly proto: string;
  /** The other end, ADDRESS:PORT. */
  readonly peer: string;
  /** Kamailio's clock, seconds. */
  readonly at: number;
  /** Size of a request received or sent. */
  readonly bytes?: number;
}

export class Kamailio {
  log = '';
  private constructor(
    private readonly child: ChildProcess,
    private readonly runtime: string,
    readonly port: number,
    readonly tlsPort?: number,
  ) {}

  static async start(port: number, host = '127.0.0.1', streams: KamailioStreams = {}): Promise<Kamailio> {
    const runtime = mkdtempSync(join(tmpdir(), 'kamailio-'));
    // The tests' development keys are 1024-bit (quick on XS): so is a CA made here first.
    const tls = streams.tls && { caBits: 1024, ...streams.tls };
    const child = spawn(KAMAILIO, kamailioArgs({ host, port, ...streams, tls }, runtime), { stdio: ['ignore', 'pipe', 'pipe'] });
    const k = new Kamailio(child, runtime, port, streams.tls?.port);
    child.stdout!.on('data', (d) => (k.log += d));
    child.stderr!.on('data', (d) => (k.log += d));
    // Kamailio logs its socket buffer sizes once it is ready to serve.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Kamailio did not start: ${k.log.slice(-2000)}`)), 10000);
      const poll = setInterval(() => {
        if (k.log.includes('SO_RCVBUF is finally')) {
          clearInterval(poll);
          clearTimeout(timer);
          resolve();
        }
      }, 50);
      child.on('exit', (code) => {
        clearInterval(poll);
        clearTimeout(timer);
        reject(new Error(`Kamailio exited with ${code}: ${k.log.slice(-2000)}`));
      });
    });
    if (streams.tcp || streams.tls || streams.mtuSwitch) await accepting(host, port);
    if (streams.tls) await accepting(host, streams.tls.port);
    return k;
  }

  /**
   * The transports Kamailio logged (the WITH_TCP lines of registrar-proxy.cfg): each request in
   * (`in INVITE over tls from ...`), out, and each reply in, with Kamailio's clock in seconds and,
   * for requests, their size in bytes.
   */
  hops(): KamailioHop[] {
    const hops: KamailioHop[] = [];
    const line = /NOTICE: <script>: (in reply \d+|in|out) (\w+) over (\w+) (?:from|to) ([\d.]+:\d+) at ([\d.]+)(?:, (\d+) bytes)?/g;
    for (const m of this.log.matchAll(line)) {
      const dir = m[1] === 'in' || m[1] === 'out' ? m[1] : 'reply';
      hops.push({ dir, status: dir === 'reply' ? Number(m[1].slice(9)) : undefined, method: m[2], proto: m[3].toLowerCase(), peer: m[4], at: Number(m[5]), bytes: m[6] ? Number(m[6]) : undefined });
    }
    return hops;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.runtime, { recursive: true, force: true });
  }
}

/**
 * Desktop phones with the accounts of registrar-proxy.cfg (1001, 1002, ... in realm example.test),
 * registering at `kamailio` and calling through it as their outbound proxy, each with a development
 * certificate for sip:USER@example.test and a flash image in `dir`.
 */
export function pbxPhones(kamailio: Kamailio, dir: string, users: readonly string[], identity: Partial<PhoneIdentity> = {}): Promise<DesktopHost[]> {
  const provision = devCredentials(dir, users, 'example.test');
  const pbx = `127.0.0.1:${kamailio.port}`;
  return Promise.all(
    users.map((user) =>
      DesktopHost.start({
        identity: { displayName: user, user, sipPort: 0, tlsPort: 0, domain: 'example.test', registrar: pbx, outboundProxy: pbx, password: `${user}-secret`, ...identity },
        provision: provision(user),
        flashPath: join(dir, `${user}.flash`),
      }),
    ),
  );
}

export interface PbxPhoneOptions {
  /** The account's transport; TLS registers at and calls through Kamailio's TLS port. */
  readonly transport?: AccountTransport;
  /** More settings, written into the flash image before the phone boots. */
  readonly settings?: (s: Settings) => Settings;
  readonly identity?: Partial<PhoneIdentity>;
  /** More start options (audio hooks...). */
  readonly host?: Partial<Omit<DesktopHostOptions, 'identity' | 'provision' | 'flashPath'>>;
}

/**
 * One desktop phone with an account of registrar-proxy.cfg (USER / USER-secret in realm
 * example.test) registering at `kamailio` and calling through it, on the transport given: its
 * registrar and outbound proxy are Kamailio's TLS port for TLS, its SIP port otherwise.
 */
export function pbxPhone(kamailio: Kamailio, dir: string, user: string, o: PbxPhoneOptions = {}): Promise<DesktopHost> {
  const transport = o.transport ?? 'auto';
  const port = transport === 'tls' ? kamailio.tlsPort : kamailio.port;
  if (port === undefined) throw new Error('this Kamailio has no TLS listener');
  const pbx = `127.0.0.1:${port}`;
  const flashPath = join(dir, `${user}.flash`);
  presetSettings(flashPath, (s) => withTransport(o.settings ? o.settings(s) : s, transport));
  return DesktopHost.start({
    ...o.host,
    identity: { displayName: user, user, sipPort: 0, tlsPort: 0, domain: 'example.test', registrar: pbx, outboundProxy: pbx, password: `${user}-secret`, ...o.identity },
    provision: devCredentials(dir, [user], 'example.test')(user),
    flashPath,
  });
}
