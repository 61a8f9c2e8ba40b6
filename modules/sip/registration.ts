// Registration (RFC 3261 §10.2): REGISTER binding our Contact to the account's address of record,
// digest authentication (§22), 423 Interval Too Brief (§10.2.8), refresh ahead of expiry (§10.2.4)
// and removal (expires 0).

import { answerChallenge, takeChallenge, type Challenge } from './challenge.js';
import { contactsOf } from './fields.js';
import { parseNameAddr } from './headers.js';
import { headerValue, type SipHeader, type SipResponse } from './message.js';
import type { ClientFailure } from './transaction-table.js';
import { builtTransport } from './transport.js';
import type { UaContext } from './ua-context.js';
import type { UaAction } from './ua-types.js';
import { parseUri } from './uri.js';

export class Registration {
  /** One Call-ID and From tag for every REGISTER of this UA (§10.2.1). */
  private readonly callId: string;
  private readonly tag: string;
  private seq = 0;
  private expires: number;
  private authTries = 0;
  private challenge: Challenge | undefined;
  /** The Contact of the latest REGISTER, for the transport it went over. */
  private contact = '';

  constructor(private readonly ctx: UaContext) {
    this.expires = ctx.config.registerExpires ?? 3600;
    this.callId = ctx.newCallId();
    this.tag = ctx.hex(6);
  }

  /** Sends REGISTER (or a refresh); `expires` 0 removes the binding. */
  register(expires = this.ctx.config.registerExpires ?? 3600): UaAction[] {
    this.expires = expires;
    this.authTries = 0;
    return this.send();
  }

  unregister(): UaAction[] {
    return [...this.ctx.table.clearTimer('register'), ...this.register(0)];
  }

  private send(): UaAction[] {
    const ctx = this.ctx;
    const { user, domain } = ctx.config.account;
    const uri = `sip:${domain}`;
    const aor = `<sip:${user}@${domain}>`;
    // To the registrar, else the outbound proxy, else the domain (§10.2).
    const hop = ctx.hop(uri, ctx.config.registrar ?? ctx.config.outboundProxy);
    const transport = builtTransport(hop);
    this.contact = ctx.contact(transport);
    const headers: SipHeader[] = [
      ctx.via(transport),
      { name: 'From', value: `${aor};tag=${this.tag}` },
      { name: 'To', value: aor },
      { name: 'Call-ID', value: this.callId },
      { name: 'CSeq', value: `${++this.seq} REGISTER` },
      { name: 'Max-Forwards', value: '70' },
      { name: 'Contact', value: `${this.contact};expires=${this.expires}` },
      { name: 'Expires', value: String(this.expires) },
      ...ctx.commonHeaders(),
    ];
    const challenge = this.challenge;
    if (challenge !== undefined) headers.push({ name: challenge.header, value: answerChallenge(ctx, challenge, 'REGISTER', uri) });
    const placed = ctx.place({ kind: 'request', method: 'REGISTER', uri, headers, body: '' }, hop);
    const failed: ClientFailure = (status, reason, transport) => [ctx.event({ type: 'registrationFailed', status, reason, ...(transport === undefined ? {} : { transport }) })];
    return ctx.table.startClient(placed.request, placed.dest, (r) => this.onResponse(r), failed);
  }

  private onResponse(response: SipResponse): UaAction[] {
    const ctx = this.ctx;
    if (response.status < 200) return [];
    if (response.status === 401 || response.status === 407) {
      const challenge = takeChallenge(response);
      if (challenge === undefined || this.authTries >= 2) {
        return [ctx.event({ type: 'registrationFailed', status: response.status, reason: response.reason })];
      }
      this.authTries++;
      this.challenge = challenge;
      return this.send();
    }
    if (response.status === 423) {
      // Interval Too Brief: retry with the registrar's Min-Expires (§10.2.8).
      const min = Number(headerValue(response, 'Min-Expires'));
      if (Number.isInteger(min) && min > this.expires && this.authTries < 2) {
        this.authTries++;
        this.expires = min;
        return this.send();
      }
    }
    if (response.status >= 300) return [ctx.event({ type: 'registrationFailed', status: response.status, reason: response.reason })];
    this.authTries = 0;
    if (this.expires === 0) return [...ctx.table.clearTimer('register'), ctx.event({ type: 'unregistered' })];
    const expires = this.granted(response);
    // Refresh ahead of expiry (§10.2.4): at half the lifetime for short ones, 30 s before otherwise.
    const refreshS = expires > 60 ? expires - 30 : Math.max(1, Math.floor(expires / 2));
    return [...ctx.table.setTimer('register', refreshS * 1000, () => this.send()), ctx.event({ type: 'registered', expires })];
  }

  /** The lifetime the registrar granted our Contact (§10.2.4): its expires param, else Expires. */
  private granted(response: SipResponse): number {
    const mine = parseUri(parseNameAddr(this.contact).uri);
    for (const a of contactsOf(response)) {
      const u = parseUri(a.uri);
      if (u.host === mine.host && (u.port ?? 5060) === mine.port && a.params.expires !== undefined) {
        const n = Number(a.params.expires);
        if (Number.isInteger(n) && n >= 0) return n;
      }
    }
    const e = Number(headerValue(response, 'Expires'));
    return Number.isInteger(e) && e >= 0 ? e : this.expires;
  }
}
