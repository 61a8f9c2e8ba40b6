// A real Kamailio on loopback for the tests: registrar and proxy with digest authentication
// (tests/interop/kamailio/registrar-proxy.cfg), in the foreground, with a private runtime directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PhoneIdentity } from '../../modules/phone/identity.js';
import { DesktopHost } from '../../sim/host.js';
import { devCredentials } from './desktop-phones.js';

const KAMAILIO = '/usr/sbin/kamailio';
const CONFIG = join(dirname(fileURLToPath(import.meta.url)), '..', 'interop', 'kamailio', 'registrar-proxy.cfg');

export class Kamailio {
  log = '';
  private constructor(
    private readonly child: ChildProcess,
    private readonly runtime: string,
    readonly port: number,
  ) {}

  static async start(port: number, host = '127.0.0.1'): Promise<Kamailio> {
    if (!existsSync(KAMAILIO)) throw new Error(`Kamailio is missing: install the kamailio package (${KAMAILIO})`);
    const runtime = mkdtempSync(join(tmpdir(), 'kamailio-'));
    const child = spawn(KAMAILIO, ['-f', CONFIG, '-DD', '-E', '-l', `udp:${host}:${port}`, '-Y', runtime, '-m', '16', '-M', '4'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const k = new Kamailio(child, runtime, port);
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
    return k;
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
