// `npm run pbx`: Kamailio as registrar and proxy on loopback (127.0.0.1:5070, realm example.test,
// digest accounts 1001/1001-secret and 1002/1002-secret), in the foreground until Ctrl-C.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const KAMAILIO = '/usr/sbin/kamailio';
const CONFIG = join(dirname(fileURLToPath(import.meta.url)), '..', 'tests', 'interop', 'kamailio', 'registrar-proxy.cfg');
const listen = process.argv[2] ?? '127.0.0.1:5070';

if (!existsSync(KAMAILIO)) {
  process.stderr.write('Kamailio is not installed: apt-get install kamailio\n');
  process.exit(2);
}
const runtime = mkdtempSync(join(tmpdir(), 'kamailio-'));
const child = spawn(KAMAILIO, ['-f', CONFIG, '-DD', '-E', '-l', `udp:${listen}`, '-Y', runtime, '-m', '16', '-M', '4'], { stdio: 'inherit' });
process.stdout.write(`Kamailio on udp:${listen}, realm example.test; phones: npm start -- --name 1001 --domain example.test --registrar ${listen} --proxy ${listen} --password 1001-secret\n`);
const stop = () => child.kill('SIGTERM');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
child.on('exit', (code) => {
  rmSync(runtime, { recursive: true, force: true });
  process.exit(code ?? 0);
});
