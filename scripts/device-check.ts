// `npm run device:check` (issue 12): the checks that need the Moddable SDK, which CI does not have.
// With $MODDABLE pointing at an SDK whose Linux host tools are built (docs/device.md):
//   1. the device build for the board (mcconfig -d -p esp32/esp32s3, no -m: the SDK's `all` target
//      runs pkill): the generated makefile's JavaScript targets, mc.xs.c and mc.resources.c, must
//      pass tsc, xsc, xsl and mcrez with no error;
//   2. main.ts and hal/esp32 type-checked against $MODDABLE/typings as mcconfig sets them up;
//   3. tests/device on Moddable's runtime: an instrumented release build for the Linux simulator
//      with the firmware's creation limits (manifest_firmware.json), run headless (mcsim under
//      xvfb-run); one JSON line per scenario, then the limits check and the media path bench,
//      compared with the same path on xsnap.
// Without $MODDABLE it says so in one line and exits 0. Output: JSON lines; exit 1 on any failure.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runDeviceApp, type DeviceLine } from './device-check-sim.js';
import { deviceVerdict, mediaBenchOnXsnap } from './device-check-report.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BOARD = 'esp32/esp32s3';
const WORK = join(ROOT, 'var', 'device-check');

const print = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);

function fail(check: string, detail: string): never {
  print({ check, pass: false, detail });
  process.exit(1);
}

/** Runs a command; its output, or a failure of `check` with the output's last lines. */
function run(check: string, command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): string {
  const r = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0) fail(check, `${command} ${args.join(' ')} exited ${r.status}: ${output.split('\n').slice(-15).join('\n')}`);
  return output;
}

/** The one makefile mcconfig wrote under `out`. */
function makefileDir(out: string): string {
  const found = execFileSync('find', [out, '-name', 'makefile', '-path', '*/tmp/*'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  if (found.length !== 1) fail('mcconfig', `expected one makefile under ${out}, found ${found.length}`);
  return dirname(found[0]);
}

/**
 * The esp32 makefile reads ESP-IDF's version (`git describe` in $IDF_PATH) before any target; the
 * JavaScript targets use nothing of ESP-IDF. Without one, a stand-in repository answers it.
 */
function idfPath(): string {
  if (process.env.IDF_PATH) return process.env.IDF_PATH;
  const standIn = join(WORK, 'no-esp-idf');
  if (!existsSync(join(standIn, '.git'))) {
    mkdirSync(standIn, { recursive: true });
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=device-check', '-c', 'user.email=device-check@localhost', ...args], { cwd: standIn });
    git('init', '-q');
    git('commit', '-q', '--allow-empty', '-m', 'stand-in for ESP-IDF: the JavaScript targets do not use it');
  }
  return standIn;
}

/** Stage 1: the device build's JavaScript targets. */
function deviceBuild(env: NodeJS.ProcessEnv): string {
  const out = join(WORK, 'esp32');
  mkdirSync(out, { recursive: true });
  const buildEnv = { ...env, IDF_PATH: idfPath() };
  run('mcconfig', 'mcconfig', ['-d', '-p', BOARD, '-o', out, join(ROOT, 'manifest.json'), 'ssid=device-check', 'password=device-check'], ROOT, buildEnv);
  const dir = makefileDir(join(out, 'tmp'));
  // -B: every stage runs each time, so each is seen to pass (the targets are up to date otherwise).
  const subclass = BOARD.split('/')[1];
  const output = run('device-build', 'make', ['-B', '-f', 'makefile', '-o', join(dir, `xsProj-${subclass}`, 'build', 'config', 'sdkconfig.h'), join(dir, 'mc.xs.c'), join(dir, 'mc.resources.c')], dir, buildEnv);
  const stages = { tsc: /^# tsc /m.test(output), xsc: /^# xsc /m.test(output), xsl: /^# xsl /m.test(output), mcrez: /^# mcrez /m.test(output) };
  const errors = output.split('\n').filter((l) => /error/i.test(l) && !/^# (tsc|xsc) /.test(l));
  const instances = /### (\d+) instances/.exec(output)?.[1];
  const pass = Object.values(stages).every(Boolean) && errors.length === 0 && existsSync(join(dir, 'mc.xs.c'));
  print({ check: 'device-build', board: BOARD, pass, stages, xslInstances: instances === undefined ? null : Number(instances), errors: errors.slice(0, 10) });
  if (!pass) process.exit(1);
  return dir;
}

/** Stage 2: main.ts and hal/esp32 against the SDK's typings, with mcconfig's paths, no skipLibCheck. */
function typeCheck(buildDir: string, env: NodeJS.ProcessEnv): void {
  const config = join(WORK, 'tsconfig.esp32-sdk.json');
  writeFileSync(
    config,
    JSON.stringify({
      extends: join(buildDir, 'modules', 'tsconfig-base.json'),
      compilerOptions: { noEmit: true, strict: true, noUnusedLocals: true, noUnusedParameters: true, skipLibCheck: false },
      files: [join(ROOT, 'main.ts')],
      include: [join(ROOT, 'hal', 'esp32', '*.ts')],
    }),
  );
  const r = spawnSync('tsc', ['-p', config], { cwd: ROOT, env, encoding: 'utf8' });
  const errors = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.includes('error'));
  print({ check: 'typecheck-sdk-typings', typings: join(env.MODDABLE!, 'typings'), pass: r.status === 0, errors: errors.slice(0, 10) });
  if (r.status !== 0) process.exit(1);
}

/** Stage 3: build tests/device for the simulator and run it. */
async function deviceApp(env: NodeJS.ProcessEnv): Promise<DeviceLine[]> {
  const out = join(WORK, 'lin');
  mkdirSync(out, { recursive: true });
  run('mcconfig', 'mcconfig', ['-i', '-p', 'lin', '-o', out, join(ROOT, 'tests', 'device', 'manifest.json')], ROOT, env);
  const dir = makefileDir(join(out, 'tmp'));
  // `build`, not `all`: nothing launched, nothing killed (a release build has no pkill anyway).
  run('device-app-build', 'make', ['-f', 'makefile', 'build'], dir, env);
  const library = execFileSync('find', [join(out, 'bin'), '-name', 'mc.so'], { encoding: 'utf8' }).trim();
  return runDeviceApp(join(env.MODDABLE!, 'build', 'bin', 'lin', 'release', 'mcsim'), library, env);
}

function sdkVersion(moddable: string): { version: string; commit: string | null } {
  const version = existsSync(join(moddable, 'tools', 'VERSION')) ? readFileSync(join(moddable, 'tools', 'VERSION'), 'utf8').trim() : 'unknown';
  const git = spawnSync('git', ['-C', moddable, 'rev-parse', 'HEAD'], { encoding: 'utf8' });
  return { version, commit: git.status === 0 ? git.stdout.trim() : (process.env.MODDABLE_COMMIT ?? null) };
}

async function main(): Promise<void> {
  const moddable = process.env.MODDABLE;
  if (!moddable) {
    process.stdout.write('device:check: skipped: $MODDABLE is not set (a Moddable SDK with its Linux host tools built, see docs/device.md)\n');
    return;
  }
  const tools = join(moddable, 'build', 'bin', 'lin', 'release');
  for (const tool of ['mcconfig', 'xsc', 'xsl', 'mcrez', 'mcsim']) if (!existsSync(join(tools, tool))) fail('sdk', `${join(tools, tool)} is missing: build the SDK's host tools (docs/device.md)`);
  if (spawnSync('xvfb-run', ['--help']).error) fail('sdk', 'xvfb-run is missing: apt-get install xvfb (mcsim needs a display)');
  mkdirSync(WORK, { recursive: true });
  // mcconfig compiles the .ts modules with the tsc on PATH: this project's TypeScript.
  const env = { ...process.env, PATH: `${tools}:${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH}` };
  print({ check: 'sdk', pass: true, moddable, ...sdkVersion(moddable) });
  const buildDir = deviceBuild(env);
  typeCheck(buildDir, env);
  const lines = await deviceApp(env);
  for (const line of lines) if (line.bench === undefined) print(line);
  const firmware = JSON.parse(readFileSync(join(ROOT, 'manifest_firmware.json'), 'utf8')) as { creation: DeviceCreation };
  const xsnap = await mediaBenchOnXsnap();
  const verdict = deviceVerdict(lines, firmware.creation, xsnap);
  for (const line of verdict.lines) print(line);
  if (!verdict.pass) process.exit(1);
}

export interface DeviceCreation {
  readonly chunk: { readonly initial: number };
  readonly heap: { readonly initial: number };
  readonly stack: number;
}

await main();
