// SIP dialogs (RFC 3261 §12): the state two user agents share after a 2xx (or 1xx with a tag) to an
// INVITE: Call-ID, tags, CSeq counters, remote target and route set. Builds in-dialog requests
// (§12.2.1.1, with loose and strict routing) and checks incoming ones (§12.2.2).

import { contactsOf, fieldsOf } from './fields.js';
import { formatNameAddr, parseNameAddr, type NameAddr } from './headers.js';
import { headerValues, type SipHeader, type SipRequest, type SipResponse } from './message.js';
import { parseUri } from './uri.js';

export class Dialog {
  /** The remote target: the URI of the peer's latest Contact (§12.1, target refresh §12.2). */
  remoteTarget: string;
  localSeq: number;
  remoteSeq: number | undefined;

  private constructor(
    readonly callId: string,
    readonly localTag: string,
    readonly remoteTag: string,
    /** From (local) and To (remote) header values without tags, as the dialog's requests carry them. */
    readonly localAddress: string,
    readonly remoteAddress: string,
    readonly routeSet: readonly string[],
    remoteTarget: string,
    localSeq: number,
    remoteSeq: number | undefined,
  ) {
    this.remoteTarget = remoteTarget;
    this.localSeq = localSeq;
    this.remoteSeq = remoteSeq;
  }

  /** §12.1.2: the UAC's dialog from its INVITE and a 2xx (or tagged 1xx) response. */
  static asUac(request: SipRequest, response: SipResponse): Dialog {
    const sent = fieldsOf(request);
    const contact = contactsOf(response)[0];
    const routes = headerValues(response, 'Record-Route').reverse();
    return new Dialog(
      sent.callId, sent.from.params.tag ?? '', fieldsOf(response).to.params.tag ?? '',
      withoutTag(sent.from), withoutTag(sent.to),
      routes, contact === undefined ? request.uri : contact.uri,
      sent.cseq.seq, undefined,
    );
  }

  /** §12.1.1: the UAS's dialog from the INVITE it answers with `localTag`. */
  static asUas(request: SipRequest, localTag: string, localSeq: number): Dialog {
    const received = fieldsOf(request);
    const contact = contactsOf(request)[0];
    return new Dialog(
      received.callId, localTag, received.from.params.tag ?? '',
      withoutTag(received.to), withoutTag(received.from),
      headerValues(request, 'Record-Route'), contact === undefined ? received.from.uri : contact.uri,
      localSeq, received.cseq.seq,
    );
  }

  /** The dialog ID (§12): Call-ID, local tag, remote tag. */
  get id(): string {
    return dialogId(this.callId, this.localTag, this.remoteTag);
  }

  /**
   * A request inside the dialog (§12.2.1.1), without Via (the transport layer adds it). ACK reuses
   * the CSeq number of the INVITE it acknowledges (§13.2.2.4); every other method takes the next one.
   */
  createRequest(method: string, extra: readonly SipHeader[] = [], body = '', ackSeq?: number): SipRequest {
    const seq = method === 'ACK' && ackSeq !== undefined ? ackSeq : ++this.localSeq;
    let uri = this.remoteTarget;
    let routes = this.routeSet.slice();
    if (routes.length > 0 && parseUri(parseNameAddr(routes[0]).uri).params.lr === undefined) {
      // Strict routing (§12.2.1.1): the first route becomes the Request-URI, the target goes last.
      uri = parseNameAddr(routes[0]).uri;
      routes = [...routes.slice(1), `<${this.remoteTarget}>`];
    }
    const headers: SipHeader[] = [
      ...routes.map((r) => ({ name: 'Route', value: r })),
      { name: 'From', value: `${this.localAddress};tag=${this.localTag}` },
      { name: 'To', value: `${this.remoteAddress};tag=${this.remoteTag}` },
      { name: 'Call-ID', value: this.callId },
      { name: 'CSeq', value: `${seq} ${method}` },
      { name: 'Max-Forwards', value: '70' },
      ...extra,
    ];
    return { kind: 'request', method, uri, headers, body };
  }

  /** The URI the next in-dialog request is sent to: the first route, or the remote target (§12.2.1.1). */
  nextHop(): string {
    return this.routeSet.length > 0 ? parseNameAddr(this.routeSet[0]).uri : this.remoteTarget;
  }

  /**
   * Checks an in-dialog request (§12.2.2): a CSeq lower than or equal to the last one is out of order
   * (the caller answers 500), except ACK and CANCEL, which reuse their INVITE's number. A target
   * refresh (re-INVITE) with a Contact updates the remote target.
   */
  acceptRequest(request: SipRequest): boolean {
    const seq = fieldsOf(request).cseq.seq;
    if (request.method !== 'ACK' && request.method !== 'CANCEL') {
      if (this.remoteSeq !== undefined && seq <= this.remoteSeq) return false;
      this.remoteSeq = seq;
    }
    const contact = request.method === 'INVITE' ? contactsOf(request)[0] : undefined;
    if (contact !== undefined) this.remoteTarget = contact.uri;
    return true;
  }

  /** A 2xx to a re-INVITE refreshes the remote target too (§12.2.1.2). */
  acceptTargetRefresh(response: SipResponse): void {
    const contact = contactsOf(response)[0];
    if (contact !== undefined) this.remoteTarget = contact.uri;
  }
}

export function dialogId(callId: string, localTag: string, remoteTag: string): string {
  return `${callId}|${localTag}|${remoteTag}`;
}

function withoutTag(a: NameAddr): string {
  const params = { ...a.params };
  delete params.tag;
  return formatNameAddr({ ...a, params });
}
