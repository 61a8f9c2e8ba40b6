// Every screen the phone draws fits its 4x20 display by design (issue 16): the phone's screens are
// built for representative and worst-case inputs, the menu is walked through its own key handling,
// and every line is checked.
//
// What counts as wrong:
//   - a line over 20 columns (the display would cut it), or more than 4 lines;
//   - a word cut at the line end: the line's last word is not a word of the intended text but a
//     proper prefix of one ("of" for "off", "Foun" for "Found", "sip:1001@example.tes" for the
//     URI). The intended text is the inputs given to the screen and every word the screen code
//     itself writes (its string literals, read from the source here). A word that carries the
//     elision marker ".." was shortened deliberately and is not a cut.
// Node only (it reads the sources), so it lives outside tests/unit (which also runs on XS).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fixtures from '../fixtures/pki/fixtures.json';
import { KEYS, type Key } from '../../hal/contracts.js';
import { ELIDED } from '../../modules/display/fit-text.js';
import { Menu } from '../../modules/menu/menu.js';
import { KEY_AGREEMENTS, SRTP_SUITES } from '../../modules/negotiation/capabilities.js';
import { callScreen, dialingScreen, failureNotice, idleScreen } from '../../modules/phone/screens.js';
import { CALL_PROTECTIONS, factorySettings, type Settings } from '../../modules/settings/model.js';
import { parseTable } from '../../modules/negotiation/table.js';
import { NOTICE_NOT_MIGRATED, NOTICE_NOT_SAVED, NOTICE_PEER_NOT_KEPT } from '../../modules/settings/phone-store.js';
import { NOTICE_PEERS_LOST } from '../../modules/settings/peer-store.js';
import { NOTICE_CORRUPT } from '../../modules/settings/store.js';
import { NOTICE_WRONG_IDENTITY } from '../../modules/phone/credentials-check.js';

const pki = fixtures as Record<string, string>;
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const COLUMNS = 20;
const ROWS = 4;

/**
 * The files whose string literals are the phone's on-screen words: the screen builders, not the
 * modules that also write log lines (their notices come in as inputs below).
 */
const SCREEN_SOURCES = [
  'modules/phone/screens.ts', 'modules/phone/call-hold.ts', 'modules/menu/menu.ts', 'modules/menu/known-peers.ts',
  'modules/menu/text-entry.ts', 'modules/menu/menu-lines.ts', 'modules/menu/choices.ts', 'modules/menu/credentials.ts', 'modules/phone/credentials-check.ts', 'modules/negotiation/capabilities.ts',
];

function words(text: string): string[] {
  return text.split(/\s+/).filter(Boolean);
}

const STRING = /'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)"|`((?:[^`\\]|\\.)*)`/g;

/** Words of the string literals in `code`; a template's ${} parts are code again (they hold literals too). */
function literalWords(code: string, out: Set<string>): void {
  for (const m of code.matchAll(STRING)) {
    const literal = m[1] ?? m[2] ?? m[3];
    if (m[3] === undefined) {
      for (const w of words(literal)) out.add(w);
      continue;
    }
    for (const part of literal.matchAll(/\$\{([^}]*)\}/g)) literalWords(part[1], out);
    for (const w of words(literal.replace(/\$\{[^}]*\}/g, ' '))) out.add(w);
  }
}

/** Words of every string literal in the screen sources, without comments and import lines. */
function sourceWords(): Set<string> {
  const out = new Set<string>();
  for (const file of SCREEN_SOURCES) {
    const src = readFileSync(join(ROOT, file), 'utf8');
    literalWords(src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '').replace(/^import .*$/gm, ''), out);
  }
  return out;
}
const SOURCE_WORDS = sourceWords();

/** Problems with one screen, given the inputs it was built from; empty when it is fine. */
function problems(lines: readonly string[], inputs: readonly string[]): string[] {
  // A word is also whole without the punctuation after it ("full" of "full: 12 peer keys").
  const intended = new Set([...SOURCE_WORDS, ...inputs.flatMap(words)].flatMap((w) => [w, w.replace(/[:,;.!?]+$/, '')]));
  const found: string[] = [];
  if (lines.length > ROWS) found.push(`${lines.length} lines`);
  for (const line of lines) {
    if (line.length > COLUMNS) found.push(`"${line}" has ${line.length} columns`);
    // Without the list's cursor mark and a choice's "current" mark.
    const last = words(line).pop()?.replace(/^>?\*?/, '');
    if (!last || last.includes(ELIDED) || intended.has(last)) continue;
    const whole = [...intended].find((w) => w.length > last.length && w.startsWith(last));
    if (whole) found.push(`"${line}" cuts "${whole}" to "${last}"`);
  }
  return found;
}

const LONG_NAME = 'Reception desk of the north building';
const LONG_URIS = [
  'sip:1001@example.test',
  'sip:verylongusername@phones.example.org',
  'sips:alice@a-very-long-domain-name.example.com',
  'sip:12345678901234567890123456789012@10.200.300.400',
  'sip:a@b',
];

/** RFC 3261 §21 and later RFCs: final responses with their reason phrases, and one from a chatty peer. */
const FAILURES: readonly [number, string][] = [
  [300, 'Multiple Choices'], [301, 'Moved Permanently'], [302, 'Moved Temporarily'], [305, 'Use Proxy'], [380, 'Alternative Service'],
  [400, 'Bad Request'], [401, 'Unauthorized'], [402, 'Payment Required'], [403, 'Forbidden'], [404, 'Not Found'],
  [405, 'Method Not Allowed'], [406, 'Not Acceptable'], [407, 'Proxy Authentication Required'], [408, 'Request Timeout'],
  [410, 'Gone'], [412, 'Conditional Request Failed'], [413, 'Request Entity Too Large'], [414, 'Request-URI Too Long'],
  [415, 'Unsupported Media Type'], [416, 'Unsupported URI Scheme'], [420, 'Bad Extension'], [421, 'Extension Required'],
  [423, 'Interval Too Brief'], [428, 'Use Identity Header'], [436, 'Bad Identity-Info'], [437, 'Unsupported Certificate'],
  [438, 'Invalid Identity Header'], [470, 'Consent Needed'], [480, 'Temporarily Unavailable'], [481, 'Call/Transaction Does Not Exist'],
  [482, 'Loop Detected'], [483, 'Too Many Hops'], [484, 'Address Incomplete'], [485, 'Ambiguous'], [486, 'Busy Here'],
  [487, 'Request Terminated'], [488, 'Not Acceptable Here'], [491, 'Request Pending'], [493, 'Undecipherable'],
  [494, 'Security Agreement Required'], [500, 'Server Internal Error'], [501, 'Not Implemented'], [502, 'Bad Gateway'],
  [503, 'Service Unavailable'], [504, 'Server Time-out'], [505, 'Version Not Supported'], [513, 'Message Too Large'],
  [600, 'Busy Everywhere'], [603, 'Decline'], [604, 'Does Not Exist Anywhere'], [606, 'Not Acceptable'],
  [499, 'The callee is in a meeting until three'], [599, 'Supercalifragilisticexpialidocious'],
];

describe('every screen line fits 20 columns without a cut word', () => {
  it('catches the cuts of issue 16 (the check itself)', () => {
    expect(problems(['Menu', ' 0 RSA-R          of'], [])).toHaveLength(1);
    expect(problems(['OK=on/of'], [])).toHaveLength(1);
    expect(problems(['sip:1001@example.tes'], ['sip:1001@example.test'])).toHaveLength(1);
    expect(problems(['AES_CM_128_HMAC_SHA1'], [])).toHaveLength(1);
    expect(problems(['Failed: 404 Not Foun'], ['Not Found'])).toHaveLength(1);
    expect(problems(['Calling', 'x'.repeat(21)], [])).toHaveLength(1);
    expect(problems(['1001@exam..ple.test', 'Busy'], ['sip:1001@example.test'])).toEqual([]);
  });

  it('idle and dialing screens, for long names and addresses and every status', () => {
    const statuses = [
      'Ready', 'Number too long', 'Registered', 'Not registered: 503', 'Call ended', 'Missed call', 'No media: call ended',
      'No usable security', 'Security refused', 'Security failed', 'Call failed', 'Shutting down',
      NOTICE_WRONG_IDENTITY, NOTICE_CORRUPT, NOTICE_PEERS_LOST, NOTICE_PEER_NOT_KEPT, NOTICE_NOT_SAVED, NOTICE_NOT_MIGRATED,
      ...FAILURES.map(([status, reason]) => failureNotice(status, reason)),
    ];
    for (const status of statuses) {
      for (const name of ['Alice', LONG_NAME]) {
        for (const uri of LONG_URIS) {
          const address = uri.replace(/^sips?:/, '');
          expect(problems(idleScreen(name, address, 65535, status), [name, address, status])).toEqual([]);
        }
      }
    }
    for (const digits of ['1', '12345678901234567890', '1'.repeat(32)]) expect(problems(dialingScreen(digits), [digits])).toEqual([]);
  });

  it('failure notices keep the status and whole words of its reason', () => {
    for (const [status, reason] of FAILURES) {
      const notice = failureNotice(status, reason);
      expect(problems([notice], [reason])).toEqual([]);
      if (status !== 486) expect(notice.startsWith(`${status} `)).toBe(true);
    }
    expect(failureNotice(404, 'Not Found')).toBe('404 Not Found');
  });

  it('call screens for every key agreement and suite, long peers, held or not, re-keyed', () => {
    const methods = [...KEY_AGREEMENTS, 'SDES'] as const;
    for (const peer of LONG_URIS) {
      const inputs = [peer, peer.replace(/^sips?:/, '')];
      for (const ringing of [false, true]) expect(problems(callScreen({ kind: 'outgoing', peer, ringing }), inputs)).toEqual([]);
      for (const method of [undefined, ...methods]) expect(problems(callScreen({ kind: 'incoming', peer, ...(method ? { method } : {}) }), inputs)).toEqual([]);
      for (const method of methods) {
        for (const suite of SRTP_SUITES) {
          for (const hold of [{ local: false, remote: false }, { local: true, remote: false }, { local: false, remote: true }]) {
            for (const rekeyed of [false, true]) {
              const lines = callScreen({ kind: 'connected', peer, hold, keyed: { method, suite }, rekeyed });
              expect(problems(lines, inputs)).toEqual([]);
            }
          }
        }
      }
      expect(problems(callScreen({ kind: 'connected', peer, hold: { local: false, remote: false }, rekeyed: false, dtmf: 'S:1234567 R:7654321' }), inputs)).toEqual([]);
    }
  });

  it('shows the suite and the re-key as the issue asks: CM128/80 and "Re-keyed"', () => {
    const lines = callScreen({ kind: 'connected', peer: 'sip:1002@127.0.0.1', hold: { local: false, remote: false }, keyed: { method: 'DH', suite: 'AES_CM_128_HMAC_SHA1_32' }, rekeyed: true });
    expect(lines[2]).toBe('\uE000 DH CM128/32');
    expect(lines[3].startsWith('Re-keyed')).toBe(true);
  });

  it('the Last call screen for every protection, key agreement and suite, and a long peer', () => {
    for (const protection of CALL_PROTECTIONS) {
      for (const keyAgreement of [undefined, ...KEY_AGREEMENTS]) {
        for (const suite of SRTP_SUITES) {
          for (const peer of LONG_URIS) {
            const s: Settings = { ...factorySettings(), lastCall: { peer, protection, ...(keyAgreement ? { keyAgreement } : {}), suite, at: 0 } };
            const lines = new Menu(s).press('6').lines;
            expect(problems(lines, [peer, suite])).toEqual([]);
            // /80 and /32 tell apart on the screen (the complaint).
            if (protection !== 'none') expect(lines.join('\n')).toContain(suite.endsWith('_32') ? '/32' : suite.endsWith('_80') ? '/80' : 'GCM');
          }
        }
      }
    }
  });

  it('every menu state reached through the keys, with worst-case settings', () => {
    const [long1, long2, long3, short] = LONG_URIS.slice(1).concat(LONG_URIS[0]);
    const settings: Settings = {
      ...factorySettings(),
      account: {
        sipUri: 'sip:verylongusername@phones.example.org', displayName: LONG_NAME, registrar: 'registrar.phones.example.org:5060',
        outboundProxy: 'outbound-proxy.phones.example.org:5060', username: 'verylongusername-at-work', password: 'secret-password', transport: 'tls',
      },
      peerKeys: { [long1]: '00'.repeat(16), [short]: '11'.repeat(16) },
      learnedPeers: { [long2]: { table: parseTable('DHHMAC,RSA-R;AES_256_CM_HMAC_SHA1_32'), learnedAt: Date.UTC(2026, 10, 20) }, [short]: { table: parseTable('DH;AEAD_AES_256_GCM'), learnedAt: -1e20 } },
      peerCertificates: { [long3]: 'MAA=', [long2]: '!!' },
      lastCall: { peer: long1, protection: 'mikey-priority', keyAgreement: 'DHHMAC', suite: 'AES_256_CM_HMAC_SHA1_80', at: 0 },
      credentials: { ownKey: pki['phone1002.key'], ownChain: [pki.phone1002], trustAnchors: [pki.ca] },
    };
    // The phone is sip:verylongusername@phones.example.org; its certificate in flash is not (the
    // "Credentials" entry shows the mismatch), and development keys are at hand (desktop host).
    const context = { selfUri: long1, devCredentials: { ownKey: 'AA==', ownChain: ['AA=='], trustAnchors: [] } };
    const inputs = [...LONG_URIS, ...Object.values(settings.account), LONG_NAME];
    // Breadth-first over key sequences, each replayed on a fresh menu; a screen seen before is not
    // expanded again. In text entry only a few keys are tried: every letter would be a new screen.
    const ENTRY_KEYS: readonly Key[] = ['1', '2', '#', '*', 'Back', 'OK', 'Down'];
    const seen = new Set<string>();
    const titles = new Set<string>();
    let queue: Key[][] = [[]];
    const MAX_DEPTH = 7;
    for (let depth = 0; depth <= MAX_DEPTH && queue.length > 0; depth++) {
      const next: Key[][] = [];
      for (const seq of queue) {
        const menu = new Menu(settings, context);
        let lines = menu.render();
        for (const k of seq) lines = menu.press(k).lines;
        for (const key of lines[3].startsWith('#=next') ? ENTRY_KEYS : KEYS) {
          const replay = new Menu(settings, context);
          let out = replay.render();
          let exited = false;
          // What the user typed and saved is intended text too.
          const typed: string[] = [];
          for (const k of [...seq, key]) {
            const o = replay.press(k);
            out = o.lines;
            if (o.exit) exited = true;
            if (o.save) {
              replay.saved(o.save);
              typed.push(...Object.values(o.save.account), ...Object.keys(o.save.peerKeys));
            }
          }
          if (exited) continue;
          const id = out.join('|');
          if (seen.has(id)) continue;
          seen.add(id);
          titles.add(out[0]);
          const found = problems(out, [...inputs, ...typed]);
          if (found.length > 0) throw new Error(`after ${[...seq, key].join(' ')}: ${found.join('; ')}`);
          next.push([...seq, key]);
        }
      }
      queue = next;
    }
    expect(seen.size).toBeGreaterThan(5000);
    // The walk reached every part of the menu.
    for (const title of ['Menu', 'Key agreements *^ #v', 'Suites  *^ #v', 'SRTP mode', 'Peer keys  * delete', 'Account', 'Last call', 'Heavy crypto', 'Factory reset', 'Known peers', 'Timeouts', 'Ring timeout', 'No-media timeout', 'SIP transport', 'Peer SIP URI', 'SIP URI', 'Forget peer?', 'Cert: wrong identity', 'Credentials', 'Plain RTP fallback']) {
      expect(titles).toContain(title);
    }
    expect([...titles].some((t) => t.startsWith('Key '))).toBe(true);
    // A failed save's message, from the store's longest reasons.
    for (const reason of ['too large: the settings need 5000 bytes, a slot holds 4096', 'the peer URI is longer than 64 characters', 'full: 12 peer keys fill the store']) {
      const menu = new Menu(settings);
      menu.press('1');
      expect(problems(menu.saveFailed(settings, reason), [reason])).toEqual([]);
    }
  });
});
