// A tshark capture on loopback for the tests that check what crosses the wire: started and waited
// for until tshark says it is capturing, stopped with SIGINT so that the pcap file is complete.
import { spawn, spawnSync } from 'node:child_process';
import { until } from './desktop-phones.js';

export interface LoopbackCapture {
  /** Stops tshark and waits for it to exit, after `settleMs` for the last packets to pass. */
  stop(settleMs?: number): Promise<void>;
}

/** Captures UDP on 127.0.0.1 matching the BPF `filter` into `pcap`; fails clearly without tshark. */
export async function startLoopbackCapture(pcap: string, filter = 'udp and host 127.0.0.1'): Promise<LoopbackCapture> {
  if (spawnSync('tshark', ['--version']).status !== 0) throw new Error('tshark is not installed: .ci/run installs it (apt-get install tshark)');
  const capture = spawn('tshark', ['-i', 'lo', '-f', filter, '-w', pcap, '-q'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  capture.stderr.on('data', (d) => (log += d));
  await until(() => log.includes('Capturing on'), `tshark to start capturing\n${log}`, 15000);
  return {
    async stop(settleMs = 500) {
      await new Promise((r) => setTimeout(r, settleMs));
      const exited = new Promise((r) => capture.once('exit', r));
      capture.kill('SIGINT');
      await exited;
    },
  };
}
