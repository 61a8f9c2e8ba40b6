// `npm run pbx`: Kamailio as registrar and proxy on loopback (realm example.test, digest accounts
// 1000 to 1099 with password USER-secret), UDP and TCP on 127.0.0.1:5070 and TLS on 127.0.0.1:5071
// with a certificate from the development CA in var/keys (the one `npm start` phones trust), in
// the foreground until Ctrl-C. Arguments: [HOST:PORT [TLS_PORT]].
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KAMAILIO, kamailioArgs } from './kamailio-args.js';

const [host, port] = (process.argv[2] ?? '127.0.0.1:5070').split(':');
const tlsPort = Number(process.argv[3] ?? Number(port) + 1);
const keysDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'var', 'keys');
const runtime = mkdtempSync(join(tmpdir(), 'kamailio-'));
let args: string[];
try {
  args = kamailioArgs({ host, port: Number(port), tcp: true, tls: { port: tlsPort, keysDir } }, runtime);
} catch (e) {
  rmSync(runtime, { recursive: true, force: true });
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(2);
}
const child = spawn(KAMAILIO, args, { stdio: 'inherit' });
const pbx = `${host}:${port}`;
process.stdout.write(
  `Kamailio on udp and tcp:${pbx}, tls:${host}:${tlsPort}, realm example.test; phones: npm start -- --name 1001 --domain example.test --registrar ${pbx} --proxy ${pbx} --password 1001-secret` +
    ` (over TLS: --registrar ${host}:${tlsPort} --proxy ${host}:${tlsPort} --transport tls)\n`,
);
const stop = () => child.kill('SIGTERM');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
child.on('exit', (code) => {
  rmSync(runtime, { recursive: true, force: true });
  process.exit(code ?? 0);
});
