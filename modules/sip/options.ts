// OPTIONS as a client (RFC 3261 §11.1): asking a peer what it supports; the status of the final
// response (or 408 on timeout, 503 when it could not be sent, §8.1.3.1) is the result. The UAS core answers OPTIONS (§11.2).

import type { SipRequest } from './message.js';
import { builtTransport } from './transport.js';
import type { UaContext } from './ua-context.js';
import type { UaAction } from './ua-types.js';
import { parseUri } from './uri.js';

/** Queries a peer's capabilities; the result arrives as an optionsResult event. */
export function sendOptions(ctx: UaContext, target: string): UaAction[] {
  parseUri(target);
  const { user, domain } = ctx.config.account;
  const hop = ctx.outOfDialogHop(target);
  const request: SipRequest = {
    kind: 'request', method: 'OPTIONS', uri: target, body: '',
    headers: [
      ctx.via(builtTransport(hop)),
      { name: 'From', value: `<sip:${user}@${domain}>;tag=${ctx.hex(6)}` },
      { name: 'To', value: `<${target}>` },
      { name: 'Call-ID', value: ctx.newCallId() },
      { name: 'CSeq', value: '1 OPTIONS' },
      { name: 'Max-Forwards', value: '70' },
      { name: 'Accept', value: 'application/sdp' },
      ...ctx.commonHeaders(),
    ],
  };
  const result = (status: number): UaAction[] => [ctx.event({ type: 'optionsResult', uri: target, status })];
  const placed = ctx.place(request, hop);
  return ctx.table.startClient(placed.request, placed.dest, (r) => (r.status >= 200 ? result(r.status) : []), (status) => result(status));
}
