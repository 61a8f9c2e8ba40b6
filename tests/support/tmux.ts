// Drives a terminal program the way a person would: tmux runs it in a pseudo-terminal, send-keys
// types, capture-pane reads the screen.
import { execFileSync } from 'node:child_process';

export class TmuxSession {
  private constructor(readonly name: string) {}

  static start(name: string, command: string, cwd: string, width = 100, height = 40): TmuxSession {
    try {
      execFileSync('tmux', ['-V']);
    } catch {
      throw new Error('tmux is not installed: .ci/run installs it (apt-get install tmux)');
    }
    execFileSync('tmux', ['new-session', '-d', '-s', name, '-x', String(width), '-y', String(height), '-c', cwd, command]);
    return new TmuxSession(name);
  }

  /** Types keys; each argument is a tmux key name ("5", "Enter", "Up", "C-c") or literal text. */
  sendKeys(...keys: string[]): void {
    execFileSync('tmux', ['send-keys', '-t', this.name, ...keys]);
  }

  screen(): string {
    try {
      return execFileSync('tmux', ['capture-pane', '-p', '-t', this.name], { encoding: 'utf8' });
    } catch {
      return '';
    }
  }

  alive(): boolean {
    try {
      execFileSync('tmux', ['has-session', '-t', this.name], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  }

  /** Waits until the screen satisfies `check` (bounded: about 15 s). */
  async waitFor(check: (screen: string) => boolean, what: string): Promise<string> {
    for (let i = 0; i < 300; i++) {
      const screen = this.screen();
      if (check(screen)) return screen;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${what}; screen:\n${this.screen()}`);
  }

  kill(): void {
    if (this.alive()) execFileSync('tmux', ['kill-session', '-t', this.name]);
  }
}
