// Drives tests/support/stream-probe-entry.ts on a desktop host: the firmware side of the stream
// socket tests (tests/node/host-streams*.test.ts), with the development keys as its TLS identity.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packParts } from '../../hal/host/channel.js';
import { DesktopHost } from '../../sim/host.js';
import type { StreamLimits } from '../../sim/streams.js';
import { until } from './desktop-phones.js';

const PROBE = join(dirname(fileURLToPath(import.meta.url)), 'stream-probe-entry.ts');

export interface ProbeIdentity {
  readonly chain: readonly Uint8Array[];
  readonly privateKey: Uint8Array;
  readonly trustAnchors: readonly Uint8Array[];
}

export class StreamProbe {
  private constructor(readonly host: DesktopHost) {}

  static async start(flashPath: string, identity: ProbeIdentity, streamLimits?: Partial<StreamLimits>): Promise<StreamProbe> {
    const host = await DesktopHost.start({ identity: { displayName: 'probe', user: 'probe', sipPort: 0 }, flashPath, firmwareEntry: PROBE, streamLimits });
    const probe = new StreamProbe(host);
    await probe.command('credentials', { chain: identity.chain.length }, packParts([identity.privateKey, ...identity.chain, ...identity.trustAnchors]));
    return probe;
  }

  command(cmd: string, args: Record<string, unknown> = {}, payload?: Uint8Array): Promise<void> {
    return this.host.send({ type: 'probe', cmd, ...args }, payload);
  }

  /** The first log line matching `pattern`, once there is one. */
  async line(pattern: RegExp, what = String(pattern)): Promise<RegExpExecArray> {
    let found: RegExpExecArray | null = null;
    await until(() => this.host.log.some((l) => (found = pattern.exec(l)) !== null), what);
    return found!;
  }

  /** Opens a listener; its port. */
  async listen(tls: boolean, port = 0): Promise<number> {
    const before = this.host.log.length;
    await this.command('listen', { tls, port });
    const line = this.host.log.slice(before).find((l) => l.startsWith('listening ') || l.startsWith('listen failed '));
    if (!line?.startsWith('listening ')) throw new Error(line ?? 'no listen answer');
    return Number(line.split(' ')[2]);
  }

  /** Connects from the probe (`args`: port, serverName for TLS, text to write at once); the stream's number. */
  async connect(args: Record<string, unknown>): Promise<number> {
    const before = this.host.log.length;
    await this.command('connect', { address: '127.0.0.1', ...args });
    const line = this.host.log.slice(before).find((l) => l.startsWith('connecting '));
    if (!line) throw new Error('the probe did not connect');
    return Number(line.split(' ')[1]);
  }

  /** The bytes stream `n` delivered so far, in order. */
  received(n: number): Buffer {
    const prefix = `data ${n} `;
    return Buffer.from(this.host.log.filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length)).join(''), 'hex');
  }

  /** How stream `n` ended ('clean' or the error), once it has. */
  async closed(n: number): Promise<string> {
    return (await this.line(new RegExp(`^closed ${n} (.*)$`), `stream ${n} to close`))[1];
  }

  stop(): Promise<void> {
    return this.host.stop();
  }
}

/** TCP and TCP-server handles this process holds (Node's active resources). */
export function tcpHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPWrap' || r === 'TCPServerWrap' || r === 'TLSWrap').length;
}
