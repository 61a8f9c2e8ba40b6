// Runs the device check's app (tests/device) on Moddable's Linux simulator, headless: mcsim under
// xvfb-run, its trace lines read from stdout line by line (stdbuf: mcsim's stdout is a pipe here).
// mcsim never exits by itself, so the run ends at the app's last line ({"device":"done"}), at an
// "XS abort" (the machine died: stack overflow, memory full, an unhandled exception), or at the
// time limit; then the whole process group (xvfb-run, Xvfb, mcsim) is stopped.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** One JSON line the app printed (a scenario, the heap marks, the bench, the end). */
export type DeviceLine = Record<string, unknown>;

/** Long enough for the slowest scenario on a busy 2-core machine; the run takes about 40 s. */
const TIME_LIMIT_MS = 10 * 60 * 1000;

export function runDeviceApp(mcsim: string, library: string, env: NodeJS.ProcessEnv): Promise<DeviceLine[]> {
  return new Promise((resolve) => {
    const child = spawn('xvfb-run', ['-a', 'stdbuf', '-oL', '-eL', mcsim, library], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: DeviceLine[] = [];
    let ended = false;
    const end = (last?: DeviceLine) => {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      if (last) lines.push(last);
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
      resolve(lines);
    };
    const timer = setTimeout(() => end({ scenario: 'runtime', pass: false, detail: `no end line within ${TIME_LIMIT_MS / 1000} s` }), TIME_LIMIT_MS);
    const read = (line: string) => {
      if (line.startsWith('XS abort')) return end({ scenario: 'runtime', pass: false, detail: line });
      if (!line.startsWith('{')) return;
      try {
        const parsed = JSON.parse(line) as DeviceLine;
        if (parsed.device === 'done') return end();
        lines.push(parsed);
      } catch {
        lines.push({ scenario: 'runtime', pass: false, detail: `unreadable line: ${line.slice(0, 200)}` });
      }
    };
    createInterface({ input: child.stdout! }).on('line', read);
    createInterface({ input: child.stderr! }).on('line', read);
    child.on('exit', (code) => end({ scenario: 'runtime', pass: false, detail: `the simulator exited (${code}) before the end line` }));
  });
}
