// `phonectl capture decrypt CAPTURE --key-log FILE [--wav-dir DIR]`: the SRTP streams of the calls a
// key log names (docs/key-log.md), found in a pcap or pcapng capture, decrypted; one JSON line per
// stream, then one for the capture; with --wav-dir each stream's G.711 as an 8 kHz WAV file.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseKeyLogLine, type KeyLogEntry } from '../../modules/phone/key-log.js';
import { isProtectionProfileName } from '../../modules/srtp/protection-profile.js';
import { writeWav } from '../../sim/wav.js';
import { decryptCapture } from '../capture/capture-streams.js';
import { streamAudio } from '../capture/stream-audio.js';
import { type CommandHelp, helpFor, parseOptions } from '../format/help.js';
import { jsonLine } from '../format/json-line.js';
import { UsageError } from '../phonectl.js';

const DECRYPT: CommandHelp = {
  name: 'capture decrypt',
  summary: 'decrypt the SRTP streams a key log names in a pcap/pcapng capture, one JSON line per stream',
  usage: 'capture decrypt CAPTURE.pcap[ng] --key-log FILE [--wav-dir DIR]',
  options: [
    { flag: '--key-log FILE', description: 'the SRTP key log (npm start -- --key-log FILE; docs/key-log.md), required' },
    { flag: '--wav-dir DIR', description: "write each stream's G.711 audio there as an 8 kHz 16-bit mono WAV" },
  ],
  notes: [
    'Reads pcap and pcapng (tshark, dumpcap, tcpdump) over Ethernet, raw IPv4, Linux cooked (SLL, SLL2)',
    'or loopback; IPv4 and UDP only. A tx line\'s stream is UDP from <local> to <remote>, an rx line\'s',
    'any UDP to <local>; a re-key\'s newer key takes over from the first packet it authenticates.',
    'Each stream line: {"callId", "direction", "ssrc", "profile", "packets", "decrypted",',
    '"authenticationFailures", "otherFailures", "losses", "firstSequence", "lastSequence", "roc",',
    '"keysUsed", "wav"}; the last line: {"capture": {"frames", "udp", "srtp", "notSrtp", "skipped"}}.',
    'Exit status: 0 every stream of the key log found and decrypted without failure, 1 otherwise, 2 bad input.',
  ],
};

export const help: CommandHelp = {
  name: 'capture',
  summary: 'work on packet captures of calls: decrypt their SRTP with a key log, to numbers and WAV files',
  usage: 'capture decrypt CAPTURE.pcap[ng] --key-log FILE [--wav-dir DIR]',
  subcommands: [DECRYPT],
};

function readKeyLog(path: string): KeyLogEntry[] {
  const entries: KeyLogEntry[] = [];
  readFileSync(path, 'utf8').split('\n').forEach((line, i) => {
    try {
      const e = parseKeyLogLine(line);
      if (e && !isProtectionProfileName(e.profile)) throw new RangeError(`unknown SRTP profile ${e.profile}`);
      if (e) entries.push(e);
    } catch (error) {
      throw new UsageError(`${path} line ${i + 1}: ${(error as Error).message}`);
    }
  });
  if (entries.length === 0) throw new UsageError(`${path} has no SRTP_MASTER line`);
  return entries;
}

/** A file name for a stream: its call, direction and SSRC, with only file-safe characters. */
const wavName = (callId: string, direction: string, ssrc: string) => `${callId.replace(/[^A-Za-z0-9._-]/g, '_')}-${direction}-${ssrc}.wav`;

export async function run(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  if (action !== 'decrypt') throw new UsageError(`usage: phonectl ${help.usage}`);
  const { values, positionals } = parseOptions(helpFor(help, args), rest, { 'key-log': { type: 'string' }, 'wav-dir': { type: 'string' } }, true);
  if (positionals.length !== 1) throw new UsageError(`one capture file expected (usage: phonectl ${DECRYPT.usage})`);
  if (!values['key-log']) throw new UsageError(`--key-log is required (usage: phonectl ${DECRYPT.usage})`);
  const entries = readKeyLog(values['key-log']);
  const capture = readFileSync(positionals[0]);
  const { streams, notFound, summary } = decryptCapture(capture, entries);
  const wavDir = values['wav-dir'];
  if (wavDir) mkdirSync(wavDir, { recursive: true });
  let clean = notFound.length === 0;
  for (const stream of streams) {
    const report = stream.report();
    let wav: string | undefined;
    if (wavDir) {
      wav = join(wavDir, wavName(report.callId, report.direction, report.ssrc));
      writeWav(wav, streamAudio(stream.decryptedPackets));
    }
    if (report.decrypted === 0 || report.authenticationFailures + report.otherFailures > 0) clean = false;
    process.stdout.write(`${jsonLine({ ...report, wav })}\n`);
  }
  for (const e of notFound) {
    process.stdout.write(`${jsonLine({ callId: e.callId, direction: e.direction, ssrc: e.ssrc === undefined ? null : e.ssrc.toString(16).padStart(8, '0'), profile: e.profile, packets: 0 })}\n`);
  }
  process.stdout.write(`${jsonLine({ capture: summary })}\n`);
  return clean ? 0 : 1;
}
