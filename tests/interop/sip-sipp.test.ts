// The SIP user agent core against SIPp (a real, independent SIP implementation) over real UDP on
// 127.0.0.1: SIPp answers, rejects and is cancelled by our calls, calls us and cancels, and plays a
// registrar that checks our digest credentials. The UA runs on a small Node dgram host written here.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DgramHost, freeUdpPort, HOST } from './sip-dgram-host.js';

const SIPP = '/usr/bin/sipp';
const SCENARIOS = join(dirname(fileURLToPath(import.meta.url)), 'sipp');

interface SippRun {
  readonly done: Promise<{ code: number | null; output: string }>;
}

/** Starts SIPp with one scenario for one call, bounded by a global timeout. */
function sipp(scenario: string, port: number, extra: string[] = []): SippRun {
  const args = ['-sf', join(SCENARIOS, scenario), '-i', HOST, '-p', String(port), '-m', '1', '-nostdin', '-timeout', '25s', '-timeout_error', '-mp', String(port + 2), ...extra];
  const child = spawn(SIPP, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return { done: new Promise((resolve) => child.on('close', (code) => resolve({ code, output: output.slice(-3000) }))) };
}

const ACCOUNT = { user: 'alice', domain: 'example.test', password: 'alice-secret' };
const OFFER = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\n';

/** Waits until SIPp's UDP port answers (it has bound) by giving it a short head start. */
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('SIP user agent against SIPp', () => {
  beforeAll(() => {
    if (!existsSync(SIPP)) throw new Error(`SIPp is missing: install the sip-tester package (${SIPP})`);
  });

  let host: DgramHost | undefined;
  afterEach(() => {
    host?.close();
    host = undefined;
  });

  it('calls SIPp, which rings and answers; re-INVITE for hold; BYE', async () => {
    const port = await freeUdpPort();
    const run = sipp('uas-answer.xml', port);
    await settle(300);
    host = await DgramHost.start(() => ({ account: ACCOUNT }));
    const { callId, actions } = host.ua.invite(`sip:sipp@${HOST}:${port}`, OFFER);
    host.run(actions);
    expect(await host.next('progress')).toMatchObject({ callId, status: 180 });
    const answered = await host.next('answered');
    expect(answered).toMatchObject({ callId });
    expect((answered as { sdp: string }).sdp).toContain('m=audio');
    host.run(host.ua.reinvite(callId, OFFER.replace('1 1 IN', '1 2 IN') + 'a=sendonly\r\n'));
    expect((await host.next('reinviteAnswered')) as { sdp: string }).toMatchObject({ sdp: expect.stringContaining('a=recvonly') });
    host.run(host.ua.hangup(callId));
    expect(await host.next('ended')).toEqual({ type: 'ended', callId, reason: 'local-bye' });
    const { code, output } = await run.done;
    expect({ code, output }).toMatchObject({ code: 0 });
  });

  it('handles 486 Busy Here from SIPp and ACKs it', async () => {
    const port = await freeUdpPort();
    const run = sipp('uas-busy.xml', port);
    await settle(300);
    host = await DgramHost.start(() => ({ account: ACCOUNT }));
    const { callId, actions } = host.ua.invite(`sip:sipp@${HOST}:${port}`, OFFER);
    host.run(actions);
    expect(await host.next('failed')).toMatchObject({ callId, status: 486 });
    expect((await run.done).code).toBe(0);
  });

  it('cancels a call while SIPp rings', async () => {
    const port = await freeUdpPort();
    const run = sipp('uas-cancelled.xml', port);
    await settle(300);
    host = await DgramHost.start(() => ({ account: ACCOUNT }));
    const { callId, actions } = host.ua.invite(`sip:sipp@${HOST}:${port}`, OFFER);
    host.run(actions);
    await host.next('progress');
    host.run(host.ua.hangup(callId));
    expect(await host.next('ended')).toEqual({ type: 'ended', callId, reason: 'cancelled' });
    expect((await run.done).code).toBe(0);
  });

  it('answers a call from SIPp (100/180/200), answers OPTIONS in the dialog and takes its BYE', async () => {
    host = await DgramHost.start(() => ({ account: ACCOUNT }));
    const h = host;
    const incoming = h.next('incomingCall');
    const port = await freeUdpPort();
    const run = sipp('uac-call.xml', port, [`${HOST}:${h.port}`, '-s', 'alice']);
    const call = (await incoming) as { callId: string; sdp: string; displayName?: string };
    expect(call.sdp).toContain('m=audio');
    expect(call.displayName).toBe('SIPp');
    h.run(h.ua.ringing(call.callId));
    h.run(h.ua.answer(call.callId, OFFER));
    expect(await h.next('confirmed')).toMatchObject({ callId: call.callId });
    expect(await h.next('ended')).toEqual({ type: 'ended', callId: call.callId, reason: 'remote-bye' });
    expect((await run.done).code).toBe(0);
  });

  it('is cancelled by SIPp while ringing', async () => {
    host = await DgramHost.start(() => ({ account: ACCOUNT }));
    const h = host;
    const incoming = h.next('incomingCall');
    const port = await freeUdpPort();
    const run = sipp('uac-cancel.xml', port, [`${HOST}:${h.port}`, '-s', 'alice']);
    const call = (await incoming) as { callId: string };
    h.run(h.ua.ringing(call.callId));
    expect(await h.next('ended')).toEqual({ type: 'ended', callId: call.callId, reason: 'cancelled' });
    expect((await run.done).code).toBe(0);
  });

  it('registers with digest (qop=auth) at a SIPp registrar, refreshes, and unregisters', async () => {
    const port = await freeUdpPort();
    const run = sipp('uas-register-digest.xml', port);
    await settle(300);
    host = await DgramHost.start(() => ({ account: ACCOUNT, registrar: { address: HOST, port } }));
    const h = host;
    h.run(h.ua.register(300));
    expect(await h.next('registered')).toEqual({ type: 'registered', expires: 2 });
    // The refresh is due after half of the 2 s lifetime; SIPp verifies its credentials again.
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`no refresh: ${JSON.stringify(h.events)}`)), 8000);
      const poll = setInterval(() => {
        if (h.events.filter((e) => e.type === 'registered').length >= 2) {
          clearInterval(poll);
          clearTimeout(deadline);
          resolve();
        }
      }, 50);
    });
    h.run(h.ua.unregister());
    expect(await h.next('unregistered')).toEqual({ type: 'unregistered' });
    expect(h.events.filter((e) => e.type === 'registrationFailed')).toEqual([]);
    expect((await run.done).code).toBe(0);
  });
});
