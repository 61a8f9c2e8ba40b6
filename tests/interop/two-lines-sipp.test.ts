// The seed paper's offer shape (Fig. 6, 7) between a real phone (XS engine) and SIPp, both ways.
// SIPp calls the phone with one INVITE of two m=audio lines (RTP/SAVP keyed, then RTP/AVP): the
// answer, read from SIPp's own message log, takes one line and disables the other with port 0
// (RFC 3264 §6), or the phone refuses with 488 when neither is acceptable. The phone calls SIPp
// playing a plain RTP phone with "fallback in one offer" on: one INVITE instead of three.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Key } from '../../hal/contracts.js';
import type { SrtpMode } from '../../modules/negotiation/capabilities.js';
import { DesktopHost } from '../../sim/host.js';
import { devCredentials, freePort, presetSettings, until } from '../support/desktop-phones.js';

const SIPP = '/usr/bin/sipp';
const SCENARIOS = join(dirname(fileURLToPath(import.meta.url)), 'sipp');
// RFC 4568 §9.1's inline key; and a MIKEY message no phone can use (three bytes).
const SDES_LINE = 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz';
const FORGED_MIKEY = 'a=key-mgmt:mikey AQID';

interface Sipp {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  /** The SIP messages SIPp logged (-trace_msg), as text. */
  messages(): string;
}

function startSipp(dir: string, scenario: string, args: string[]): Sipp {
  if (!existsSync(SIPP)) throw new Error('SIPp is missing: install the sip-tester package');
  const file = join(dir, `${scenario}-${Math.random().toString(36).slice(2)}.log`);
  const child = spawn(SIPP, ['-sf', join(SCENARIOS, scenario), '-i', '127.0.0.1', '-nostdin', '-timeout', '25s', '-trace_msg', '-message_file', file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.resume();
  child.stderr!.resume();
  return { child, exited: new Promise((r) => child.on('close', r)), messages: () => (existsSync(file) ? readFileSync(file, 'latin1') : '') };
}

/**
 * The SIP messages of SIPp's log that start with `firstLine`. Each entry is a line of dashes and a
 * time, "UDP message sent|received ...:", a blank line, then the message.
 */
function logged(text: string, firstLine: RegExp): string[] {
  return text.split(/\n(?=-{10,} \d)/).map((e) => e.replace(/^-+[^\n]*\n[^\n]*\n/, '').trimStart()).filter((m) => firstLine.test(m));
}

const mLines = (message: string) => message.split(/\r?\n/).filter((l) => l.startsWith('m='));

describe('the paper offer shape and SIPp', () => {
  const dir = mkdtempSync(join(tmpdir(), 'two-lines-sipp-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const provision = devCredentials(dir, ['7001', '7002']);

  async function phone(user: string, mode: SrtpMode, fallback: boolean, outboundProxy = ''): Promise<{ host: DesktopHost; port: number }> {
    const port = await freePort();
    const flash = join(dir, `${user}-${mode}-${fallback}-${port}.flash`);
    // SIPp speaks UDP: the phone offers its SDES rung there only with the setting (issue 14).
    presetSettings(flash, (s) => ({ ...s, srtpMode: mode, fallbackInOneOffer: fallback, sdesOverNonTls: true }));
    // SIPp speaks UDP here: the phone keeps to UDP (with Auto, a MIKEY INVITE over 1,300 bytes goes over TCP, RFC 3261 §18.1.1).
    const host = await DesktopHost.start({ identity: { displayName: 'P', user, sipPort: port, tlsPort: 0, transport: 'udp', ...(outboundProxy ? { outboundProxy } : {}) }, provision: provision(user), flashPath: flash });
    return { host, port };
  }

  /** SIPp offers the paper's shape with `keyLine` on the SAVP line; the phone picks up if it rings. */
  async function offerToPhone(mode: SrtpMode, keyLine: string): Promise<{ answer: string; log: string[] }> {
    const { host, port } = await phone('7002', mode, false);
    const sippPort = await freePort();
    const sipp = startSipp(dir, 'uac-two-lines.xml', [`127.0.0.1:${port}`, '-s', '7002', '-p', String(sippPort), '-mp', String(sippPort + 2), '-m', '1', '-key', 'keyline', keyLine]);
    try {
      let exited = false;
      void sipp.exited.then(() => (exited = true));
      await until(() => exited || host.screen[0] === 'Incoming call', 'the phone to ring or refuse');
      if (!exited) await host.pressKey('OK');
      expect(await sipp.exited).toBe(0);
      const answer = logged(sipp.messages(), /^SIP\/2\.0 (200|488) /).find((m) => /CSeq: 1 INVITE/.test(m));
      if (!answer) throw new Error(`no final answer in SIPp's log:\n${sipp.messages().slice(-3000)}`);
      return { answer, log: host.log };
    } finally {
      sipp.child.kill('SIGKILL');
      await host.stop();
    }
  }

  it('an Optional phone answers SDES on the SAVP line, the AVP line at port 0', async () => {
    const { answer } = await offerToPhone('Optional', SDES_LINE);
    expect(answer).toMatch(/^SIP\/2\.0 200 /);
    const m = mLines(answer);
    expect(m).toHaveLength(2);
    expect(m[0]).toMatch(/^m=audio [1-9]\d* RTP\/SAVP /);
    expect(m[1]).toMatch(/^m=audio 0 RTP\/AVP /);
    // The a=crypto answer line sits under the taken line (RFC 4568 §7.1.2).
    expect(answer.split('m=audio 0 ')[0]).toMatch(/\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:/);
  });

  it('an Optional phone that cannot use the MIKEY line answers as Fig. 6 draws it: SAVP at port 0, AVP taken', async () => {
    const { answer, log } = await offerToPhone('Optional', FORGED_MIKEY);
    expect(answer).toMatch(/^SIP\/2\.0 200 /);
    const m = mLines(answer);
    expect(m[0]).toMatch(/^m=audio 0 RTP\/SAVP /);
    expect(m[1]).toMatch(/^m=audio [1-9]\d* RTP\/AVP /);
    expect(m).toHaveLength(2);
    expect(log.some((l) => l.includes('taking m= line 2 of 2 (RTP/AVP)'))).toBe(true);
  });

  it('a phone with SRTP off takes the AVP line of an SDES offer', async () => {
    const { answer } = await offerToPhone('Off', SDES_LINE);
    expect(mLines(answer).map((l) => l.split(' ').slice(1, 3).join(' '))).toEqual([expect.stringMatching(/^0 RTP\/SAVP$/), expect.stringMatching(/^[1-9]\d* RTP\/AVP$/)]);
  });

  it('a Mandatory phone with no usable key on either line refuses with 488', async () => {
    const { answer } = await offerToPhone('Mandatory', FORGED_MIKEY);
    expect(answer).toMatch(/^SIP\/2\.0 488 /);
  });

  it('answers a re-INVITE that adds a video line with both lines, the video one at port 0 (RFC 3264 §8)', async () => {
    const { host, port } = await phone('7002', 'Optional', false);
    const sippPort = await freePort();
    const sipp = startSipp(dir, 'uac-reinvite-video.xml', [`127.0.0.1:${port}`, '-s', '7002', '-p', String(sippPort), '-mp', String(sippPort + 2), '-m', '1']);
    try {
      await until(() => host.screen[0] === 'Incoming call', 'the phone to ring');
      await host.pressKey('OK');
      expect(await sipp.exited).toBe(0);
      const answers = logged(sipp.messages(), /^SIP\/2\.0 200 /).filter((m) => /CSeq: [12] INVITE/.test(m));
      expect(answers.map(mLines)).toEqual([
        [expect.stringMatching(/^m=audio [1-9]\d* RTP\/AVP /)],
        [expect.stringMatching(/^m=audio [1-9]\d* RTP\/AVP /), 'm=video 0 RTP/AVP 96'],
      ]);
    } finally {
      sipp.child.kill('SIGKILL');
      await host.stop();
    }
  });

  /** The phone (Optional) calls SIPp's plain-RTP-only scenario; returns the INVITEs SIPp received. */
  async function callPlainSipp(scenario: string, fallback: boolean): Promise<string[]> {
    const sippPort = await freePort();
    const sipp = startSipp(dir, scenario, ['-p', String(sippPort), '-mp', String(sippPort + 2)]);
    await new Promise((r) => setTimeout(r, 500));
    const { host } = await phone('7001', 'Optional', fallback, `127.0.0.1:${sippPort}`);
    try {
      for (const k of ['7', '0', '0', '2', 'OK'] as Key[]) await host.pressKey(k);
      await until(() => host.screen[0] === 'Connected', 'the plain call to connect');
      expect(host.screen[2]).toBe('NOT ENCRYPTED');
      await host.pressKey('Hangup');
      await until(() => host.screen[3] === 'Call ended', 'the call to end');
      return logged(sipp.messages(), /^INVITE /);
    } finally {
      sipp.child.kill('SIGKILL');
      await host.stop();
    }
  }

  it('reaches SIPp as a plain RTP phone in one INVITE with the setting, three without', async () => {
    const one = await callPlainSipp('uas-two-lines-plain.xml', true);
    expect(one).toHaveLength(1);
    expect(mLines(one[0]).map((l) => l.split(' ')[2])).toEqual(['RTP/SAVP', 'RTP/AVP']);
    const three = await callPlainSipp('uas-plain-only.xml', false);
    expect(three.map((i) => mLines(i).map((l) => l.split(' ')[2]))).toEqual([['RTP/SAVP'], ['RTP/SAVP'], ['RTP/AVP']]);
  });

  it('never runs two audio streams: an answer enabling both lines is hung up (BYE) without media', async () => {
    const sippPort = await freePort();
    const sipp = startSipp(dir, 'uas-two-lines-both.xml', ['-p', String(sippPort), '-mp', String(sippPort + 2), '-m', '1']);
    await new Promise((r) => setTimeout(r, 500));
    const { host } = await phone('7001', 'Optional', true, `127.0.0.1:${sippPort}`);
    try {
      for (const k of ['7', '0', '0', '2', 'OK'] as Key[]) await host.pressKey(k);
      // SIPp's scenario ends well only once it received the phone's BYE.
      expect(await sipp.exited).toBe(0);
      expect(host.log.some((l) => l.includes('the answer takes two audio lines at once'))).toBe(true);
      expect(host.log.some((l) => / connected with /.test(l))).toBe(false);
      expect(logged(sipp.messages(), /^INVITE /)).toHaveLength(1);
    } finally {
      sipp.child.kill('SIGKILL');
      await host.stop();
    }
  });

  it("takes the one-line answer of SIPp's plain-only scenario (it ignores the second m= line) as the AVP line", async () => {
    const one = await callPlainSipp('uas-plain-only.xml', true);
    expect(one).toHaveLength(1);
    expect(mLines(one[0])).toHaveLength(2);
  });
});
