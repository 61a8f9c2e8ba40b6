import { Dialog } from '../../modules/sip/dialog.js';
import { headerValue, headerValues, parseMessage, type SipRequest, type SipResponse } from '../../modules/sip/message.js';
import { utf8Encode } from '../../modules/util/bytes.js';

const msg = (lines: string[]) => parseMessage(utf8Encode([...lines, '', ''].join('\r\n')));

const INVITE = msg([
  'INVITE sip:bob@biloxi.com SIP/2.0', 'Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds8', 'Max-Forwards: 70',
  'To: Bob <sip:bob@biloxi.com>', 'From: Alice <sip:alice@atlanta.com>;tag=1928301774', 'Call-ID: a84b4c76e66710', 'CSeq: 314159 INVITE',
  'Contact: <sip:alice@pc33.atlanta.com>', 'Record-Route: <sip:p2.biloxi.com;lr>, <sip:p1.atlanta.com;lr>',
]) as SipRequest;

const OK = msg([
  'SIP/2.0 200 OK', 'Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds8', 'To: Bob <sip:bob@biloxi.com>;tag=a6c85cf',
  'From: Alice <sip:alice@atlanta.com>;tag=1928301774', 'Call-ID: a84b4c76e66710', 'CSeq: 314159 INVITE', 'Contact: <sip:bob@192.0.2.4>',
  'Record-Route: <sip:p2.biloxi.com;lr>, <sip:p1.atlanta.com;lr>',
]) as SipResponse;

describe('dialogs (§12)', () => {
  it('builds the UAC dialog: reversed route set, remote target from Contact, tags (§12.1.2)', () => {
    const d = Dialog.asUac(INVITE, OK);
    expect(d.id).toBe('a84b4c76e66710|1928301774|a6c85cf');
    expect(d.routeSet).toEqual(['<sip:p1.atlanta.com;lr>', '<sip:p2.biloxi.com;lr>']);
    expect(d.remoteTarget).toBe('sip:bob@192.0.2.4');
    expect(d.nextHop()).toBe('sip:p1.atlanta.com;lr');
    const bye = d.createRequest('BYE');
    expect(bye.uri).toBe('sip:bob@192.0.2.4');
    expect(headerValues(bye, 'Route')).toEqual(['<sip:p1.atlanta.com;lr>', '<sip:p2.biloxi.com;lr>']);
    expect(headerValue(bye, 'CSeq')).toBe('314160 BYE');
    expect(headerValue(bye, 'From')).toBe('"Alice" <sip:alice@atlanta.com>;tag=1928301774');
    expect(headerValue(bye, 'To')).toBe('"Bob" <sip:bob@biloxi.com>;tag=a6c85cf');
    expect(headerValue(d.createRequest('ACK', [], '', 314159), 'CSeq')).toBe('314159 ACK');
  });

  it('builds the UAS dialog with the route set in order (§12.1.1) and checks CSeq order (§12.2.2)', () => {
    const d = Dialog.asUas(INVITE, 'a6c85cf', 100);
    expect(d.id).toBe('a84b4c76e66710|a6c85cf|1928301774');
    expect(d.routeSet).toEqual(['<sip:p2.biloxi.com;lr>', '<sip:p1.atlanta.com;lr>']);
    expect(d.remoteTarget).toBe('sip:alice@pc33.atlanta.com');
    const inDialog = (method: string, seq: number, contact?: string) =>
      msg(['%M sip:bob@192.0.2.4 SIP/2.0'.replace('%M', method), 'Via: SIP/2.0/UDP x;branch=z9hG4bK1', 'To: <sip:bob@biloxi.com>;tag=a6c85cf', 'From: <sip:alice@atlanta.com>;tag=1928301774', 'Call-ID: a84b4c76e66710', `CSeq: ${seq} ${method}`, ...(contact ? [`Contact: ${contact}`] : [])]) as SipRequest;
    expect(d.acceptRequest(inDialog('INVITE', 314160, '<sip:alice@198.51.100.7>'))).toBe(true);
    expect(d.remoteTarget).toBe('sip:alice@198.51.100.7');
    expect(d.acceptRequest(inDialog('BYE', 314160))).toBe(false);
    expect(d.acceptRequest(inDialog('BYE', 314161))).toBe(true);
  });

  it('uses strict routing when the first route lacks ;lr (§12.2.1.1)', () => {
    const strict = { ...OK, headers: OK.headers.map((h) => (h.name === 'Record-Route' ? { name: 'Record-Route', value: '<sip:p2.biloxi.com>, <sip:p1.atlanta.com>' } : h)) };
    const bye = Dialog.asUac(INVITE, strict).createRequest('BYE');
    expect(bye.uri).toBe('sip:p1.atlanta.com');
    expect(headerValues(bye, 'Route')).toEqual(['<sip:p2.biloxi.com>', '<sip:bob@192.0.2.4>']);
  });
});
