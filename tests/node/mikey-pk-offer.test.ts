// `phonectl mikey offer` (tools/phonectl/mikey-offer.ts): for every mode it prints one complete SIP
// INVITE whose session-level a=key-mgmt:mikey line holds an I_MESSAGE of that mode, made with the
// development keys it creates on first use; bad arguments are usage errors.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeMessage } from '../../modules/mikey/pk-wire.js';
import { fromBase64 } from '../../modules/util/bytes.js';
import { UsageError } from '../../tools/phonectl.js';
import { offer } from '../../tools/mikey/offer.js';

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'mikey-offer-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function printed(args: string[]): Promise<string> {
  let out = '';
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  try {
    expect(await offer(args)).toBe(0);
  } finally {
    spy.mockRestore();
  }
  return out;
}

describe('phonectl mikey offer', () => {
  it.each([['psk', 0], ['pke', 2], ['dh', 4], ['dhhmac', 7], ['rsa-r', 9]])('--mode %s prints an INVITE carrying data type %s', async (mode, dataType) => {
    const text = await printed(['--mode', mode as string, '--from', 'sip:alice@127.0.0.1', '--to', 'sip:bob@127.0.0.1', '--keys', dir]);
    const [head, body] = text.split('\r\n\r\n');
    expect(head.split('\r\n')[0]).toBe('INVITE sip:bob@127.0.0.1 SIP/2.0');
    expect(head).toMatch(/^From: <sip:alice@127\.0\.0\.1>;tag=\w+$/m);
    expect(Number(/^Content-Length: (\d+)$/m.exec(head)![1])).toBe(Buffer.byteLength(body));
    const lines = body.split('\r\n');
    // Session level: before the first m= line (RFC 4566 §5).
    const keyMgmt = lines.findIndex((l) => l.startsWith('a=key-mgmt:mikey '));
    expect(keyMgmt).toBeGreaterThan(0);
    expect(keyMgmt).toBeLessThan(lines.findIndex((l) => l.startsWith('m=audio')));
    const message = decodeMessage(fromBase64(lines[keyMgmt].slice('a=key-mgmt:mikey '.length)));
    expect(message.header.dataType).toBe(dataType);
  });

  it('refuses bad arguments as usage errors', async () => {
    await expect(offer(['--mode', 'zrtp', '--from', 'sip:a@x', '--to', 'sip:b@x'])).rejects.toThrow(UsageError);
    await expect(offer(['--mode', 'dh', '--from', 'alice', '--to', 'sip:b@x'])).rejects.toThrow(UsageError);
    await expect(offer(['--mode', 'dh', '--from', 'sip:a@x', '--to', 'sip:b@x', '--group', '5'])).rejects.toThrow(UsageError);
    await expect(offer(['--bogus'])).rejects.toThrow(UsageError);
  });
});
