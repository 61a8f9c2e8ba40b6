// Drives Moddable's XS engine as built by @agoric/xsnap: the `xsnap-worker` binary speaks
// netstrings (length ":" bytes ",") on file descriptors 3 (to the worker) and 4 (from it).
// We use the pipe protocol directly rather than @agoric/xsnap's Node API, so that the host process
// needs no SES lockdown (which would freeze the globals jest and the terminal UI rely on).
//
// Commands to the worker:  "e<js>" evaluate, "?<bytes>" call globalThis.handleCommand(ArrayBuffer),
//                          "/<bytes>" answer to a query the worker made.
// Messages from it:        ".<meter json>\x01<bytes>" done (bytes = an ArrayBuffer result, if any),
//                          "!<text>" uncaught exception, "?<bytes>" a synchronous issueCommand()
//                          query from inside XS, which must be answered before the worker goes on.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

/** xsnap's meter for one crank: computrons, allocation and live heap slots. */
export interface XsMeter {
  compute: number;
  allocate: number;
  currentHeapCount: number;
  [key: string]: unknown;
}

export interface XsReply {
  reply: Uint8Array;
  meter: XsMeter;
}

/**
 * Answers a query that XS code made with issueCommand(). XS waits, blocked, for the answer, so it
 * may come asynchronously (binding a socket, say) without anything else running in the machine.
 */
export type QueryHandler = (query: Uint8Array) => Uint8Array | Promise<Uint8Array>;

export interface XsWorkerOptions {
  /** Answers issueCommand() calls made inside XS (default: echo). */
  onQuery?: QueryHandler;
  /** Turns an exception of onQuery into the answer XS receives. */
  onQueryError?: (error: unknown) => Uint8Array;
  /** Receives each line XS prints (its `print` global); by default they are kept in `stdout`. */
  onPrint?: (line: string) => void;
  /** xsnap's computron limit per crank; 0 for none. */
  meteringLimit?: number;
  /** Called once if the worker process ends without close() (a crash, a kill): `reason` says how. */
  onExit?: (reason: string) => void;
}

/** Where npm built the worker binary at install. */
export function xsnapWorkerPath(): string {
  const require = createRequire(import.meta.url);
  const pkg = dirname(require.resolve('@agoric/xsnap/package.json'));
  const bin = join(pkg, 'xsnap-native', 'xsnap', 'build', 'bin', 'lin', 'release', 'xsnap-worker');
  if (!existsSync(bin)) {
    throw new Error(`xsnap-worker is not built at ${bin}: run "npm rebuild @agoric/xsnap"`);
  }
  return bin;
}

function netstring(parts: Uint8Array[]): Buffer {
  const length = parts.reduce((n, p) => n + p.length, 0);
  return Buffer.concat([Buffer.from(`${length}:`), ...parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.length)), Buffer.from(',')]);
}

export class XsWorker {
  private readonly child: ChildProcess;
  private readonly toWorker: Writable;
  private input: Buffer = Buffer.alloc(0);
  private pending: { resolve: (r: XsReply) => void; reject: (e: Error) => void } | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private exited: Error | undefined;
  private closing = false;
  readonly stdout: string[] = [];

  private readonly onQuery: QueryHandler;
  private readonly onQueryError: (error: unknown) => Uint8Array;

  constructor(options: XsWorkerOptions = {}) {
    this.onQuery = options.onQuery ?? ((q) => q);
    this.onQueryError = options.onQueryError ?? ((e) => new TextEncoder().encode(String(e)));
    const onPrint = options.onPrint;
    const meteringLimit = options.meteringLimit ?? 0;
    const args = ['xsnap-phone'];
    if (meteringLimit > 0) args.push('-l', String(meteringLimit));
    this.child = spawn(xsnapWorkerPath(), args, {
      stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'],
    });
    const stdio = this.child.stdio as unknown as [null, Readable, Readable, Writable, Readable];
    this.toWorker = stdio[3];
    let partial = '';
    stdio[1].setEncoding('utf8');
    stdio[1].on('data', (chunk: string) => {
      partial += chunk;
      const lines = partial.split('\n');
      partial = lines.pop()!;
      for (const line of lines) (onPrint ?? ((l: string) => this.stdout.push(l)))(line);
    });
    stdio[2].setEncoding('utf8');
    // Once we close the pipes, the worker reports the EOF it sees: expected, so not shown.
    stdio[2].on('data', (chunk: string) => this.closing || process.stderr.write(`[xs] ${chunk}`));
    stdio[4].on('data', (chunk: Buffer) => this.onData(chunk));
    this.toWorker.on('error', () => {});
    this.child.on('exit', (code, signal) => {
      this.exited = new Error(`xsnap-worker exited (code ${code}, signal ${signal})`);
      this.pending?.reject(this.exited);
      this.pending = undefined;
      if (!this.closing) options.onExit?.(this.exited.message);
    });
  }

  /** The worker's process id (the xsnap-worker binary, not Node). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Evaluates a script in the worker's global scope. */
  evaluate(code: string): Promise<XsReply> {
    return this.send([Buffer.from('e'), Buffer.from(code, 'utf8')]);
  }

  /** Calls globalThis.handleCommand(ArrayBuffer) inside the worker. */
  command(message: Uint8Array): Promise<XsReply> {
    return this.send([Buffer.from('?'), message]);
  }

  async close(): Promise<void> {
    if (this.exited) return;
    this.closing = true;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.toWorker.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(timer);
  }

  private send(parts: Uint8Array[]): Promise<XsReply> {
    const run = () =>
      new Promise<XsReply>((resolve, reject) => {
        if (this.exited) return reject(this.exited);
        this.pending = { resolve, reject };
        this.toWorker.write(netstring(parts));
      });
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private onData(chunk: Buffer): void {
    this.input = this.input.length ? Buffer.concat([this.input, chunk]) : chunk;
    for (;;) {
      const colon = this.input.indexOf(0x3a);
      if (colon < 0) return;
      const length = Number(this.input.subarray(0, colon).toString('latin1'));
      if (!Number.isSafeInteger(length)) throw new Error('xsnap protocol error: bad netstring length');
      if (this.input.length < colon + 1 + length + 1) return;
      const message = this.input.subarray(colon + 1, colon + 1 + length);
      this.input = this.input.subarray(colon + 1 + length + 1);
      // A plain copy: a Buffer's slices may share Node's pooled ArrayBuffer.
      this.onMessage(new Uint8Array(message));
    }
  }

  private onMessage(message: Uint8Array): void {
    const kind = message[0];
    if (kind === 0x3f /* ? */) {
      Promise.resolve()
        .then(() => this.onQuery(message.subarray(1)))
        .then(
          (answer) => this.toWorker.write(netstring([Buffer.from('/'), answer])),
          (e) => this.toWorker.write(netstring([Buffer.from('/'), this.onQueryError(e)])),
        );
      return;
    }
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) return;
    if (kind === 0x2e /* . */) {
      const separator = message.indexOf(1, 1);
      const meter = separator >= 0 ? JSON.parse(new TextDecoder().decode(message.subarray(1, separator))) : {};
      pending.resolve({ reply: message.subarray(separator >= 0 ? separator + 1 : 1), meter });
    } else if (kind === 0x21 /* ! */) {
      pending.reject(new Error(`uncaught exception in XS: ${new TextDecoder().decode(message.subarray(1))}`));
    } else {
      pending.reject(new Error(`xsnap protocol error: unknown message ${String.fromCharCode(kind)}`));
    }
  }
}
