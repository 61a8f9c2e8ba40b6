// `npm start`: boots one phone on the desktop XS host, in the terminal. See README for the flags.
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { KEYS, type Key } from '../hal/contracts.js';
import { ACCOUNT_TRANSPORTS, type AccountTransport } from '../modules/settings/model.js';
import { toBase64 } from '../modules/util/bytes.js';
import { ensureDevKeys } from './dev-keys.js';
import { provisionDevPeers } from './dev-peers.js';
import { DesktopHost, PortInUseError } from './host.js';
import { keysFromInput } from './keymap.js';
import { TerminalView } from './terminal.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

const { values } = parseArgs({
  options: {
    name: { type: 'string', default: 'alice' },
    'display-name': { type: 'string' },
    'sip-port': { type: 'string', default: '5060' },
    'tls-port': { type: 'string', default: '5061' },
    transport: { type: 'string' },
    address: { type: 'string', default: '127.0.0.1' },
    flash: { type: 'string' },
    keys: { type: 'string' },
    proxy: { type: 'string' },
    domain: { type: 'string' },
    registrar: { type: 'string' },
    password: { type: 'string' },
    'audio-in': { type: 'string' },
    'audio-out': { type: 'string' },
    'key-log': { type: 'string' },
    headless: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  process.stdout.write(`usage: npm start -- [--name alice] [--sip-port 5060] [--tls-port 5061] [--address 127.0.0.1]
                 [--flash var/<name>.flash] [--keys var/keys] [--proxy host:port]
                 [--domain example.test] [--registrar host:port] [--password secret] [--transport auto|udp|tcp|tls]
                 [--audio-in file.wav] [--audio-out var/<name>-received.wav]
                 [--key-log FILE] [--headless]\n`);
  process.exit(0);
}

const name = values.name!;
if (!/^[A-Za-z0-9._-]+$/.test(name)) {
  process.stderr.write(`--name must be letters, digits, ".", "_" or "-"\n`);
  process.exit(2);
}
const sipPort = Number(values['sip-port']);
if (!Number.isInteger(sipPort) || sipPort < 0 || sipPort > 65535) {
  process.stderr.write(`--sip-port must be a port number\n`);
  process.exit(2);
}
const tlsPort = Number(values['tls-port']);
if (!Number.isInteger(tlsPort) || tlsPort < 0 || tlsPort > 65535) {
  process.stderr.write(`--tls-port must be a port number\n`);
  process.exit(2);
}
const transport = values.transport;
if (transport !== undefined && !(ACCOUNT_TRANSPORTS as readonly string[]).includes(transport)) {
  process.stderr.write(`--transport must be one of ${ACCOUNT_TRANSPORTS.join(', ')}\n`);
  process.exit(2);
}
const varDir = join(ROOT, 'var');
mkdirSync(varDir, { recursive: true });
const flashPath = resolve(values.flash ?? join(varDir, `${name}.flash`));
const interactive = !values.headless && process.stdin.isTTY === true && process.stdout.isTTY === true;
const view = interactive ? new TerminalView(process.stdout, `Desk phone "${name}" on the XS engine — flash ${flashPath}`) : undefined;

let host: DesktopHost | undefined;
// The terminal is redrawn at most every REDRAW_MS: a flood logs a line per datagram, and a write to
// a terminal blocks Node while the terminal draws.
const REDRAW_MS = 30;
let redrawTimer: NodeJS.Timeout | undefined;
const redraw = () => {
  redrawTimer ??= setTimeout(() => {
    redrawTimer = undefined;
    if (host) view?.draw(host.screen, host.log);
  }, REDRAW_MS);
};

// Development keys (var/keys/): a CA and a certificate for this phone's SIP URI, made on first use,
// so the public-key modes work out of the box; the phone stores them in its flash on first start.
const sipUri = `sip:${name}@${values.domain ?? values.address}`;
const keysDir = resolve(values.keys ?? join(varDir, 'keys'));
const keys = ensureDevKeys(keysDir, [sipUri]);
const own = keys.phones.get(sipUri)!;
// The other development phones' certificates and the shared PSK: PKE, PSK and DHHMAC work between them.
provisionDevPeers(flashPath, keysDir, keys, sipUri);

/** Ends `npm start` with one line on stderr (no stack trace) and a non-zero status. */
function fail(line: string, status: number): never {
  if (interactive) process.stdin.setRawMode(false);
  process.stderr.write(`${line}\n`);
  process.exit(status);
}

// Ctrl-C from the start: a signal during boot stops the phone as cleanly as one later.
let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  if (interactive) process.stdin.setRawMode(false);
  process.stdin.pause();
  // BYE for a call in progress and un-REGISTER, answered or not within a bounded wait.
  await host?.shutdown();
  process.stdout.write(`\nphone "${name}" stopped\n`);
  process.exit(0);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());

const starting = DesktopHost.start({
  identity: {
    displayName: values['display-name'] ?? name,
    user: name,
    sipPort,
    tlsPort,
    ...(transport ? { transport: transport as AccountTransport } : {}),
    ...(values.proxy ? { outboundProxy: values.proxy } : {}),
    ...(values.domain ? { domain: values.domain } : {}),
    ...(values.registrar ? { registrar: values.registrar } : {}),
    ...(values.password ? { password: values.password } : {}),
  },
  provision: { ownKey: toBase64(own.privateKey), ownChain: [toBase64(own.certificate)], trustAnchors: [toBase64(keys.caCertificate)] },
  flashPath,
  address: values.address,
  audioInPath: values['audio-in'],
  audioOutPath: values['audio-out'] ?? join(varDir, `${name}-received.wav`),
  ...(values['key-log'] ? { keyLogPath: resolve(values['key-log']) } : {}),
  onDisplay: (lines) => (view ? redraw() : process.stdout.write(`${JSON.stringify({ screen: lines })}\n`)),
  onLog: (message) => (view ? redraw() : process.stdout.write(`${JSON.stringify({ log: message })}\n`)),
  // The phone cannot go on without its engine: say so once and end, never a silent zombie.
  onEngineExit: (line) => fail(`phone "${name}": ${line}`, 1),
});
try {
  host = await starting;
} catch (e) {
  if (e instanceof PortInUseError) fail(`--sip-port ${e.port}: ${e.message} (another phone or program holds it); choose another port with --sip-port`, 2);
  fail(`phone "${name}" did not start: ${(e as Error).message}`, 1);
}
redraw();

// Key presses reach the phone one after the other, in the order typed.
let keyQueue: Promise<void> = Promise.resolve();
function press(key: Key): void {
  keyQueue = keyQueue.then(() => host!.pressKey(key)).catch((e) => {
    process.stderr.write(`key ${key}: ${e.message}\n`);
  });
}

if (interactive) process.stdin.setRawMode(true);
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  if (chunk.includes('\x03')) return void shutdown();
  if (interactive) return keysFromInput(chunk).forEach(press);
  // Headless: one key name per line ("5", "OK", "Menu", ...).
  for (const line of chunk.split(/\r?\n/).map((l) => l.trim()).filter(Boolean)) {
    if ((KEYS as readonly string[]).includes(line)) press(line as Key);
    else process.stderr.write(`unknown key "${line}" (keys: ${KEYS.join(' ')})\n`);
  }
});
process.stdin.on('end', () => {
  if (!interactive) void keyQueue.then(shutdown);
});
