// The re-INVITEs a PBX sends, from SIPp as a real peer on a plain call it places to our phone
// (tests/interop/sipp/uac-reinvite-offerless.xml): one without an offer, whose ACK answers with the
// stream moved to another port (RFC 3261 §14.2, RFC 3264 §8.3.1); a hold with c=0.0.0.0 (RFC 3264
// §8.4); and one without an offer whose ACK has no answer, which the phone ends with BYE
// (RFC 3261 §13.3.1.4). The phone's audio is caught at the port SIPp moved the stream to.
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseRtp } from '../../audio/rtp.js';
import { DesktopHost } from '../../sim/host.js';
import { devCredentials, freePort, until } from '../support/desktop-phones.js';

const SIPP = '/usr/bin/sipp';
const SCENARIO = join(dirname(fileURLToPath(import.meta.url)), 'sipp', 'uac-reinvite-offerless.xml');

describe('re-INVITEs without an offer, from SIPp', () => {
  const dir = mkdtempSync(join(tmpdir(), 'reinvite-sipp-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('offers in its 200, follows the stream the ACK moves, is held by c=0.0.0.0, and ends the call when an ACK has no answer', async () => {
    if (!existsSync(SIPP)) throw new Error('SIPp is missing: install the sip-tester package');
    const [phonePort, sippPort] = [await freePort(), await freePort()];
    // SIPp's media port is -mp; the scenario moves the stream to [media_port+4].
    const mediaPort = sippPort + 2;
    const moved = createSocket('udp4');
    const arrived: { data: Buffer; port: number }[] = [];
    moved.on('message', (data, rinfo) => arrived.push({ data, port: rinfo.port }));
    await new Promise<void>((resolve) => moved.bind(mediaPort + 4, '127.0.0.1', resolve));
    const phone = await DesktopHost.start({ identity: { displayName: 'P', user: '7301', sipPort: phonePort, tlsPort: 0 }, provision: devCredentials(dir, ['7301'])('7301'), flashPath: join(dir, 'p.flash') });
    const sippLog = join(dir, 'sipp.log');
    const sipp = spawn(
      SIPP,
      ['-sf', SCENARIO, '-i', '127.0.0.1', '-p', String(sippPort), '-mp', String(mediaPort), '-s', '7301', '-m', '1', '-nostdin', '-timeout', '30s', '-trace_logs', '-log_file', sippLog, `127.0.0.1:${phonePort}`],
      { stdio: 'ignore' },
    );
    const exited = new Promise<number | null>((resolve) => sipp.on('exit', resolve));
    try {
      await until(() => phone.screen[0] === 'Incoming call', 'SIPp\'s call to ring');
      await phone.pressKey('OK');
      await until(() => phone.screen[0] === 'Connected', 'the call to connect');
      const phoneRtp = Number(/media 127\.0\.0\.1:(\d+) <->/.exec(phone.log.find((l) => l.includes(' connected with '))!)![1]);

      // The answer in the ACK moved the stream: plain G.711 from the call's RTP port arrives there.
      await until(() => arrived.length >= 10, 'the phone\'s audio at the port the ACK moved it to');
      for (const p of arrived.slice(0, 10)) {
        expect(p.port).toBe(phoneRtp);
        expect(parseRtp(new Uint8Array(p.data)).payloadType).toBe(0);
      }
      // The phone's offer in its 200: the call as it stands, plain RTP on its RTP port.
      expect(readFileSync(sippLog, 'utf8')).toMatch(new RegExp(`the phone offered m=audio ${phoneRtp} RTP/AVP 0 8`));

      // c=0.0.0.0: the peer takes nothing, so the phone shows the hold and stops sending.
      await until(() => phone.screen[0] === 'Held by peer', 'the hold by c=0.0.0.0');
      await new Promise((r) => setTimeout(r, 200));
      const whenHeld = arrived.length;
      await new Promise((r) => setTimeout(r, 600));
      expect(arrived.length).toBe(whenHeld);

      // The last ACK has no answer: the phone sends BYE, which the scenario waits for.
      expect(await exited).toBe(0);
      await until(() => phone.screen[3] === 'Call failed', 'the phone to end the call');
      expect(phone.log.some((l) => l.endsWith('answer in the ACK unusable: the ACK has no answer'))).toBe(true);
    } finally {
      sipp.kill('SIGKILL');
      moved.close();
      await phone.stop();
    }
  });
});
