// The Debian packages check that `npm test` and .ci/run start with (.ci/peers, list in .ci/packages),
// run against stub dpkg-query, id and apt-get on a PATH of their own: nothing is installed or removed
// on this machine. All there: silent. Missing, not root: one line naming them and the command, exit 1.
// Missing, root: announced, then apt-get update and install of exactly those. No dpkg: one line.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BASH = '/bin/bash';
/** The packages the tests need, as the README and the interop suites name them. */
const PEERS = ['tshark', 'sip-tester', 'baresip', 'kamailio', 'kamailio-tls-modules', 'libsrtp2-dev', 'python3-gst-1.0', 'gir1.2-gst-plugins-base-1.0', 'tmux', 'spin'];

function which(tool: string): string {
  return spawnSync(BASH, ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
}

/** A bin directory with the few real tools the check uses and stubs for the package tools. */
function stubBin(dir: string, o: { dpkg: boolean; aptFails?: boolean }): string {
  const bin = join(dir, `bin-${Math.random().toString(36).slice(2)}`);
  mkdirSync(bin);
  for (const tool of ['sed', 'tr', 'grep', 'dirname', 'cat', 'sh', 'bash', 'node']) symlinkSync(which(tool), join(bin, tool));
  const stub = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!${BASH}\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  if (o.dpkg) {
    stub('dpkg-query', 'p="${@: -1}"; for i in $STUB_INSTALLED; do [ "$i" = "$p" ] && { printf "install ok installed"; exit 0; }; done; echo "dpkg-query: no packages found matching $p" >&2; exit 1');
  }
  stub('id', 'echo "$STUB_UID"');
  stub('apt-get', `echo "apt-get $*" >> "$STUB_CALLS"; exit ${o.aptFails ? 100 : 0}`);
  stub('debconf-set-selections', 'cat > /dev/null');
  return bin;
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  apt: string[];
}

function check(dir: string, o: { installed: string[]; uid: number; dpkg?: boolean; aptFails?: boolean; command?: string[] }): Run {
  const calls = join(dir, `calls-${Math.random().toString(36).slice(2)}`);
  writeFileSync(calls, '');
  const bin = stubBin(dir, { dpkg: o.dpkg ?? true, aptFails: o.aptFails });
  const [cmd, ...args] = o.command ?? [BASH, join(ROOT, '.ci', 'peers')];
  const r = spawnSync(cmd, args, {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60000,
    env: { PATH: bin, HOME: dir, STUB_INSTALLED: o.installed.join(' '), STUB_UID: String(o.uid), STUB_CALLS: calls },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, apt: readFileSync(calls, 'utf8').split('\n').filter(Boolean) };
}

/** Every package named in .ci/packages (comments after "#"), read here independently of .ci/peers. */
function listed(): string[] {
  return readFileSync(join(ROOT, '.ci', 'packages'), 'utf8').split('\n').flatMap((l) => l.replace(/#.*/, '').trim().split(/\s+/)).filter(Boolean);
}

describe('the Debian packages check before npm test', () => {
  const dir = mkdtempSync(join(tmpdir(), 'peer-check-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists every peer the tests use, in one file that .ci/run does not repeat', () => {
    expect(listed()).toEqual(expect.arrayContaining(PEERS));
    const run = readFileSync(join(ROOT, '.ci', 'run'), 'utf8');
    for (const p of PEERS) expect(run).not.toContain(p);
  });

  it('is silent and installs nothing when every package is there', () => {
    expect(check(dir, { installed: listed(), uid: 1000 })).toEqual({ status: 0, stdout: '', stderr: '', apt: [] });
    expect(check(dir, { installed: listed(), uid: 0 })).toEqual({ status: 0, stdout: '', stderr: '', apt: [] });
  });

  it('stops at once with one line naming the missing packages and the install command when not root', () => {
    const installed = listed().filter((p) => p !== 'tshark' && p !== 'kamailio');
    expect(check(dir, { installed, uid: 1000 })).toEqual({
      status: 1,
      stdout: '',
      stderr: 'npm test: missing Debian packages: tshark kamailio; install them with: sudo apt-get install -y --no-install-recommends tshark kamailio\n',
      apt: [],
    });
  });

  it('as root, says what it installs and installs exactly the missing packages with apt-get', () => {
    const installed = listed().filter((p) => p !== 'baresip' && p !== 'tmux');
    const r = check(dir, { installed, uid: 0 });
    expect(r).toMatchObject({ status: 0, stderr: '' });
    expect(r.stdout.trim().split('\n')).toEqual(['installing the Debian packages the tests need: baresip tmux (apt-get, as root)']);
    expect(r.apt).toEqual(['apt-get update -qq', 'apt-get install -y -qq --no-install-recommends baresip tmux']);
    expect(check(dir, { installed, uid: 0, aptFails: true }).status).not.toBe(0);
  });

  it('without dpkg names every package in one line and stops', () => {
    const r = check(dir, { installed: [], uid: 1000, dpkg: false });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    for (const p of listed()) expect(r.stderr).toContain(` ${p}`);
  });

  it('`npm test` itself stops there, before type-checks and suites, with exit status non-zero', () => {
    const installed = listed().filter((p) => p !== 'sip-tester');
    const r = check(dir, { installed, uid: 1000, command: [process.execPath, realpathSync(which('npm')), 'test'] });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('npm test: missing Debian packages: sip-tester; install them with: sudo apt-get install -y --no-install-recommends sip-tester\n');
    expect(r.stdout).not.toMatch(/^> \S+ typecheck$/m);
    expect(r.stderr).not.toMatch(/PASS|FAIL/);
  });
});
