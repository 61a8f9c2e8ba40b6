// baresip (Debian's, 1.0) as a scripted peer: a config directory with G.711, audio from and to
// WAV files, one auto-answering account, and its ctrl_tcp module to drive it with commands
// (netstring-framed JSON: {"command": ..., "params": ...}).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { ensureDevServerKeys, type DevServerKeys } from '../../sim/dev-keys.js';
import { DesktopHost, type DesktopHostOptions } from '../../sim/host.js';
import { encodeWav } from '../../sim/wav.js';
import { devCredentials, freePort, presetSettings, until } from './desktop-phones.js';
import type { AccountTransport } from '../../modules/settings/model.js';
import { withTransport } from './sip-transports.js';

const BARESIP = '/usr/bin/baresip';

export interface Baresip {
  readonly child: ChildProcess;
  log(): string;
  /**
   * Connects to ctrl_tcp (once baresip is ready): commands go over it, and baresip's events (e.g.
   * CALL_DTMF_START) come back on it, collected in `messages`.
   */
  control(): Promise<BaresipControl>;
}

export interface BaresipControl {
  /** Every JSON message baresip sent: command responses and events. */
  readonly messages: Record<string, unknown>[];
  /** Sends one command; resolves with its response. */
  command(command: string, params: string): Promise<Record<string, unknown>>;
  close(): void;
}

export interface BaresipOptions {
  readonly dir: string;
  readonly sipPort: number;
  readonly ctrlPort: number;
  readonly user: string;
  /** baresip's account media encryption, e.g. 'srtp-mand'; none for plain RTP. */
  readonly mediaenc?: string;
  /** baresip's RTP port range; tests that may run side by side give different ones. */
  readonly rtpPorts?: string;
  /**
   * SIP over TLS as well, on sipPort + 1 (baresip's choice) with this certificate; the CA is what
   * it trusts. OpenSSL's security level 1 because the development CA is 1024-bit RSA.
   */
  readonly tls?: DevServerKeys;
}

export function startBaresip(o: BaresipOptions): Baresip {
  if (!existsSync(BARESIP)) throw new Error(`${BARESIP} is missing: apt-get install baresip`);
  writeFileSync(
    join(o.dir, 'config'),
    [
      `sip_listen 127.0.0.1:${o.sipPort}`,
      'module_path /usr/lib/baresip/modules',
      'module g711.so',
      'module aufile.so',
      'module srtp.so',
      'module_app account.so',
      'module_app menu.so',
      'module_app ctrl_tcp.so',
      `ctrl_tcp_listen 127.0.0.1:${o.ctrlPort}`,
      `audio_source aufile,${join(o.dir, 'in.wav')}`,
      `audio_player aufile,${join(o.dir, 'out.wav')}`,
      `rtp_ports ${o.rtpPorts ?? '42200-42300'}`,
      ...(o.tls ? [`sip_certificate ${join(o.dir, 'sip-cert.pem')}`, `sip_cafile ${o.tls.caPemPath}`] : []),
      '',
    ].join('\n'),
  );
  const env = { ...process.env };
  if (o.tls) {
    // baresip reads its certificate and key from one file.
    writeFileSync(join(o.dir, 'sip-cert.pem'), readFileSync(o.tls.chainPemPath, 'utf8') + readFileSync(o.tls.privateKeyPemPath, 'utf8'));
    writeFileSync(
      join(o.dir, 'openssl.cnf'),
      'openssl_conf = init\n[init]\nssl_conf = ssl\n[ssl]\nsystem_default = tls\n[tls]\nCipherString = DEFAULT:@SECLEVEL=1\n',
    );
    env.OPENSSL_CONF = join(o.dir, 'openssl.cnf');
  }
  // baresip's microphone: a 1 kHz tone, 3 s.
  writeFileSync(join(o.dir, 'in.wav'), encodeWav(Int16Array.from({ length: 24000 }, (_, n) => Math.round(6000 * Math.sin((2 * Math.PI * 1000 * n) / 8000)))));
  const enc = o.mediaenc ? `;mediaenc=${o.mediaenc}` : '';
  writeFileSync(join(o.dir, 'accounts'), `<sip:${o.user}@127.0.0.1>;regint=0${enc};answermode=auto\n`);
  let log = '';
  const child = spawn(BARESIP, ['-f', o.dir, '-t', '60'], { stdio: ['ignore', 'pipe', 'pipe'], env });
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  return { child, log: () => log, control: () => control(o.ctrlPort) };
}

/** ctrl_tcp's framing: netstrings (<length>:<bytes>,) of JSON. */
function control(port: number): Promise<BaresipControl> {
  return new Promise((resolve, reject) => {
    const messages: Record<string, unknown>[] = [];
    const waiting = new Map<string, (m: Record<string, unknown>) => void>();
    let buffer = '';
    let tokens = 0;
    const socket = connect(port, '127.0.0.1', () => {
      socket.off('error', reject);
      resolve({
        messages,
        command: (command, params) =>
          new Promise((done) => {
            const token = `t${++tokens}`;
            waiting.set(token, done);
            const json = JSON.stringify({ command, params, token });
            socket.write(`${Buffer.byteLength(json)}:${json},`);
          }),
        close: () => socket.destroy(),
      });
    });
    socket.once('error', reject);
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      buffer += d;
      for (let m = /^(\d+):/.exec(buffer); m && buffer.length > m[0].length + Number(m[1]); m = /^(\d+):/.exec(buffer)) {
        const message = JSON.parse(buffer.slice(m[0].length, m[0].length + Number(m[1]))) as Record<string, unknown>;
        buffer = buffer.slice(m[0].length + Number(m[1]) + 1);
        messages.push(message);
        const done = typeof message.token === 'string' ? waiting.get(message.token) : undefined;
        if (done && message.response) {
          waiting.delete(message.token as string);
          done(message);
        }
      }
    });
  });
}

export interface PhoneAndBaresip {
  readonly baresip: Baresip;
  readonly ctrl: BaresipControl;
  /** Our phone on the desktop XS host; keying baresip's user number calls it. */
  readonly phone: DesktopHost;
  /** Stops our phone, closes the control connection and kills baresip. */
  stop(): Promise<void>;
}

/**
 * baresip as sip:PEER@127.0.0.1 (SDES with SRTP mandatory, auto-answer) and our phone USER (SRTP
 * Mandatory) whose outbound proxy is baresip's SIP port, both started and ready; `phone` adds start
 * options to our phone (e.g. keyLogPath). Without `transport`, SIP over UDP and our phone offers SDES
 * there (settings.sdesOverNonTls); with it, our phone's account uses that transport with SDES over
 * non-TLS transports off (the default): TCP to baresip's SIP port, TLS to its TLS port (baresip's
 * certificate from the development CA).
 */
export async function phoneAndBaresip(
  dir: string,
  user: string,
  peer: string,
  rtpPorts?: string,
  phone: Partial<Pick<DesktopHostOptions, 'keyLogPath' | 'audioInPath'>> = {},
  transport?: Extract<AccountTransport, 'tcp' | 'tls'>,
): Promise<PhoneAndBaresip> {
  const sipPort = await freePort();
  const tls = transport === 'tls' ? ensureDevServerKeys(join(dir, 'keys'), 'baresip', { bits: 1024 }) : undefined;
  const baresip = startBaresip({ dir, sipPort, ctrlPort: await freePort(), user: peer, mediaenc: 'srtp-mand', rtpPorts, tls });
  let ctrl: BaresipControl | undefined;
  try {
    await until(() => baresip.log().includes('baresip is ready'), 'baresip to start', 15000);
    ctrl = await baresip.control();
    const flashPath = join(dir, `${user}.flash`);
    // Over UDP, our phone offers SDES only with the setting (issue 14).
    presetSettings(flashPath, (s) => (transport ? withTransport({ ...s, srtpMode: 'Mandatory' }, transport) : { ...s, srtpMode: 'Mandatory', sdesOverNonTls: true }));
    const proxy = `127.0.0.1:${transport === 'tls' ? sipPort + 1 : sipPort}`;
    const host = await DesktopHost.start({ ...phone, identity: { displayName: 'P', user, sipPort: 0, tlsPort: 0, outboundProxy: proxy }, provision: devCredentials(dir, [user])(user), flashPath });
    const control = ctrl;
    return {
      baresip,
      ctrl: control,
      phone: host,
      async stop() {
        await host.stop();
        control.close();
        baresip.child.kill('SIGKILL');
      },
    };
  } catch (e) {
    ctrl?.close();
    baresip.child.kill('SIGKILL');
    throw e;
  }
}
