// The settings menu, driven by the keypad and drawn on the 4x20 character display. Pure: keys in,
// screen lines and settings to save out; the phone saves them through the settings store.
//
// Screen model: line 0 is the title; lines 1-3 show up to three items, the selected one marked
// ">" (the list scrolls); a view with a hint shows it on line 3. Up/Down move, OK enters or
// confirms, Back returns (Back on the main list leaves the menu). Digits 1-9 pick a main entry.
import type { Key } from '../../hal/contracts.js';
import type { PriorityTable, RankedEntry, SrtpSuiteName } from '../negotiation/capabilities.js';
import { factorySettings, isPeerUri, PSK_MAX_BYTES, PSK_MIN_BYTES, type Account, type Credentials, type Settings } from '../settings/model.js';
import { fitTail, fitUri, fitWords } from '../display/fit-text.js';
import { suiteLabel } from '../phone/call-negotiation.js';
import { credentialsScreen, offersDevCredentials } from './credentials.js';
import { FALLBACK_CHOICE, HEAVY_CRYPTO_CHOICE, MEDIA_TIMEOUT_CHOICE, RING_TIMEOUT_CHOICE, SRTP_MODE_CHOICE, TRANSPORT_CHOICE, transportLabel, type Choice } from './choices.js';
import { accountItem, ITEM_COLUMNS, list, MENU_COLUMNS, MENU_ROWS, protectionLine, rankedItem } from './menu-lines.js';
import { certificateLine, forgetPeer, knownPeers, peerLabel, pinLine } from './known-peers.js';
import { TextEntry } from './text-entry.js';

export { MENU_COLUMNS, MENU_ROWS } from './menu-lines.js';

/** What the menu knows of the phone beyond its settings. */
export interface MenuContext {
  /** The phone's SIP URI, to check the stored certificate against ("Credentials"). */
  readonly selfUri?: string;
  /** Development key material for this identity (desktop host: sim/dev-keys.ts); none on a device. */
  readonly devCredentials?: Credentials;
}

export interface MenuOutput {
  readonly lines: string[];
  /** Settings to persist now (they apply from the next call). */
  readonly save?: Settings;
  /** The user left the menu. */
  readonly exit?: boolean;
}

const MAIN = ['Key agreements', 'SRTP suites', 'SRTP mode', 'Peer keys', 'Account', 'Last call', 'Heavy crypto', 'Factory reset', 'Known peers', 'Timeouts', 'Credentials', 'Plain fallback'] as const;
/** The call timers under "Timeouts": the setting, its label, its list of choices. */
const TIMEOUTS: readonly (readonly ['ringTimeoutS' | 'mediaTimeoutS', string, Choice<number>])[] = [
  ['ringTimeoutS', 'Ring', RING_TIMEOUT_CHOICE],
  ['mediaTimeoutS', 'No media', MEDIA_TIMEOUT_CHOICE],
];
/** The account's text fields: the setting, its title while editing, its short label in the list, its longest value. */
const ACCOUNT_FIELDS: readonly [Exclude<keyof Account, 'transport'>, string, string, number][] = [
  ['sipUri', 'SIP URI', 'URI', 64],
  ['displayName', 'Display name', 'Name', 32],
  ['registrar', 'Registrar', 'Registrar', 64],
  ['outboundProxy', 'Outbound proxy', 'Proxy', 64],
  ['username', 'User name', 'User', 32],
  ['password', 'Password', 'Password', 32],
];
/** A pre-shared key in hex digits: two per byte (modules/settings/model.ts PSK_MIN_BYTES, PSK_MAX_BYTES). */
const PSK_HEX_MIN = 2 * PSK_MIN_BYTES;
const PSK_HEX_MAX = 2 * PSK_MAX_BYTES;

type View =
  | { kind: 'main'; cursor: number }
  | { kind: 'priorities'; which: 'keyAgreements' | 'suites'; cursor: number }
  | { kind: 'choice'; choice: Choice<unknown>; cursor: number }
  | { kind: 'peers'; cursor: number }
  | { kind: 'account'; cursor: number }
  | { kind: 'lastCall' }
  | { kind: 'reset' }
  | { kind: 'knownPeers'; cursor: number }
  | { kind: 'timeouts'; cursor: number }
  | { kind: 'credentials' }
  | { kind: 'knownPeer'; uri: string }
  | { kind: 'forget'; uri: string }
  | { kind: 'entry'; title: string; entry: TextEntry; onAccept: (value: string) => string | undefined };

function reorder<Name extends string>(entries: readonly RankedEntry<Name>[], from: number, to: number): RankedEntry<Name>[] {
  const sorted = [...entries].sort((a, b) => a.rank - b.rank);
  const [moved] = sorted.splice(from, 1);
  sorted.splice(to, 0, moved);
  return sorted.map((e, rank) => ({ ...e, rank }));
}

export class Menu {
  private settings: Settings;
  private readonly stack: View[] = [{ kind: 'main', cursor: 0 }];
  private message: string | undefined;
  /** Settings changed by the key being handled, to be saved. */
  private changed: Settings | undefined;

  constructor(
    settings: Settings,
    private readonly context: MenuContext = {},
  ) {
    this.settings = settings;
  }

  private get view(): View {
    return this.stack[this.stack.length - 1];
  }

  private peers(): string[] {
    return Object.keys(this.settings.peerKeys).sort();
  }

  /** The current screen. */
  render(): string[] {
    const v = this.view;
    let lines: string[];
    switch (v.kind) {
      case 'main':
        lines = list('Menu', MAIN.map((m, i) => `${i + 1} ${m}`), v.cursor);
        break;
      case 'priorities': {
        const entries = [...this.settings.priorities[v.which]].sort((a, b) => a.rank - b.rank);
        lines = list(
          v.which === 'keyAgreements' ? 'Key agreements *^ #v' : 'Suites  *^ #v',
          entries.map((e) => rankedItem(e.rank, v.which === 'suites' ? suiteLabel(e.name as SrtpSuiteName) : e.name, e.enabled)),
          v.cursor,
        );
        break;
      }
      case 'choice': {
        const { choice } = v;
        const current = choice.current(this.settings);
        lines = list(choice.title, choice.options.map((o) => `${o === current ? '*' : ' '}${choice.label(o)}`), v.cursor);
        break;
      }
      case 'peers':
        lines = list('Peer keys  * delete', [...this.peers().map((p) => fitUri(p, ITEM_COLUMNS)), '+ Add peer'], v.cursor);
        break;
      case 'account':
        lines = list('Account', [
          ...ACCOUNT_FIELDS.map(([field, , label]) => accountItem(label, field, this.settings.account[field])),
          `Transport: ${transportLabel(this.settings.account.transport)}`,
          `SDES w/o TLS: ${this.settings.sdesOverNonTls ? 'on' : 'off'}`,
        ], v.cursor);
        break;
      case 'lastCall': {
        const c = this.settings.lastCall;
        lines = c
          ? ['Last call', fitUri(c.peer), protectionLine(c), c.suite ? suiteLabel(c.suite) : '']
          : ['Last call', 'No call yet', '', ''];
        break;
      }
      case 'reset':
        lines = ['Factory reset', 'Erase all settings?', '', 'OK=yes  Back=no'];
        break;
      case 'knownPeers': {
        const peers = knownPeers(this.settings);
        lines = peers.length > 0 ? list('Known peers', peers.map((p) => peerLabel(p, ITEM_COLUMNS)), v.cursor) : ['Known peers', 'No peers yet', '', ''];
        break;
      }
      case 'credentials':
        lines = credentialsScreen(this.settings.credentials, this.context.selfUri, this.context.devCredentials !== undefined);
        break;
      case 'timeouts':
        lines = list('Timeouts', TIMEOUTS.map(([which, label]) => `${label}: ${this.settings[which]} s`), v.cursor);
        break;
      case 'knownPeer':
        lines = [peerLabel(v.uri, MENU_COLUMNS), pinLine(this.settings, v.uri), certificateLine(this.settings, v.uri), 'OK=forget Back'];
        break;
      case 'forget':
        lines = ['Forget peer?', peerLabel(v.uri, MENU_COLUMNS), 'Pin and certificate', 'OK=yes  Back=no'];
        break;
      case 'entry':
        lines = [v.title, fitTail(v.entry.text + '_'), '', v.entry.kind === 'hex' ? '#=next OK=done' : '#=next *=ABC OK=done'];
        break;
    }
    if (this.message) lines[MENU_ROWS - 1] = fitWords(this.message);
    return lines;
  }

  /** Handles one key press (key-down events only). */
  press(key: Key): MenuOutput {
    this.message = undefined;
    let exit = false;
    const change = (next: Settings) => this.change(next);
    const v = this.view;
    const move = (count: number, cursor: number) => (key === 'Up' ? Math.max(0, cursor - 1) : key === 'Down' ? Math.min(count - 1, cursor + 1) : cursor);

    switch (v.kind) {
      case 'main': {
        const pick = /^[0-9]$/.test(key) ? (Number(key) + 9) % 10 : key === 'OK' ? v.cursor : -1;
        if (key === 'Up' || key === 'Down') v.cursor = move(MAIN.length, v.cursor);
        else if (key === 'Back' || key === 'Menu' || key === 'Hangup') exit = true;
        else if (pick >= 0) {
          v.cursor = pick;
          this.stack.push(
            [
              { kind: 'priorities', which: 'keyAgreements', cursor: 0 },
              { kind: 'priorities', which: 'suites', cursor: 0 },
              this.choiceView(SRTP_MODE_CHOICE),
              { kind: 'peers', cursor: 0 },
              { kind: 'account', cursor: 0 },
              { kind: 'lastCall' },
              this.choiceView(HEAVY_CRYPTO_CHOICE),
              { kind: 'reset' },
              { kind: 'knownPeers', cursor: 0 },
              { kind: 'timeouts', cursor: 0 },
              { kind: 'credentials' },
              this.choiceView(FALLBACK_CHOICE),
            ][pick] as View,
          );
        } else this.message = 'Up/Down, OK, Back';
        break;
      }
      case 'priorities': {
        const entries = this.settings.priorities[v.which];
        const sorted = [...entries].sort((a, b) => a.rank - b.rank);
        if (key === 'Up' || key === 'Down') v.cursor = move(entries.length, v.cursor);
        else if (key === 'Back') this.stack.pop();
        else if (key === '*' || key === '#') {
          const to = key === '*' ? v.cursor - 1 : v.cursor + 1;
          if (to < 0 || to >= entries.length) this.message = key === '*' ? 'Already first' : 'Already last';
          else {
            change({ ...this.settings, priorities: { ...this.settings.priorities, [v.which]: reorder(entries, v.cursor, to) } as PriorityTable });
            v.cursor = to;
          }
        } else if (key === 'OK') {
          const target = sorted[v.cursor];
          if (target.enabled && sorted.filter((e) => e.enabled).length === 1) this.message = 'Keep one enabled';
          else {
            const next = sorted.map((e) => (e === target ? { ...e, enabled: !e.enabled } : e));
            change({ ...this.settings, priorities: { ...this.settings.priorities, [v.which]: next } as PriorityTable });
          }
        } else this.message = '*=up #=dn OK=on/off';
        break;
      }
      case 'choice': {
        const { options } = v.choice;
        if (key === 'Up' || key === 'Down') v.cursor = move(options.length, v.cursor);
        else if (key === 'Back') this.stack.pop();
        else if (key === 'OK') {
          change(v.choice.set(this.settings, options[v.cursor]));
          this.message = 'Saved';
        } else this.message = 'Up/Down, OK, Back';
        break;
      }
      case 'peers': {
        const peers = this.peers();
        if (key === 'Up' || key === 'Down') v.cursor = move(peers.length + 1, v.cursor);
        else if (key === 'Back') this.stack.pop();
        else if (key === '*' && v.cursor < peers.length) {
          const peerKeys = { ...this.settings.peerKeys };
          delete peerKeys[peers[v.cursor]];
          change({ ...this.settings, peerKeys });
          v.cursor = Math.min(v.cursor, peers.length - 1);
        } else if (key === 'OK' && v.cursor < peers.length) this.pushKeyEntry(peers[v.cursor]);
        else if (key === 'OK') {
          this.stack.push({
            kind: 'entry',
            title: 'Peer SIP URI',
            entry: new TextEntry('text', 'sip:', 64),
            onAccept: (uri) => {
              if (!isPeerUri(uri)) return 'Need sip:user@host';
              this.stack.pop();
              this.pushKeyEntry(uri);
              return undefined;
            },
          });
        } else this.message = 'OK=edit *=delete';
        break;
      }
      case 'account': {
        // The text fields, then the transport (a list) and SDES without TLS (OK switches it).
        if (key === 'Up' || key === 'Down') v.cursor = move(ACCOUNT_FIELDS.length + 2, v.cursor);
        else if (key === 'Back') this.stack.pop();
        else if (key === 'OK' && v.cursor === ACCOUNT_FIELDS.length) this.stack.push(this.choiceView(TRANSPORT_CHOICE));
        else if (key === 'OK' && v.cursor > ACCOUNT_FIELDS.length) {
          change({ ...this.settings, sdesOverNonTls: !this.settings.sdesOverNonTls });
          this.message = 'Saved';
        } else if (key === 'OK') {
          const [field, label, , max] = ACCOUNT_FIELDS[v.cursor];
          this.stack.push({
            kind: 'entry',
            title: label,
            entry: new TextEntry('text', this.settings.account[field], max),
            onAccept: (value) => {
              if (field === 'sipUri' && value !== '' && !isPeerUri(value)) return 'Need sip:user@host';
              change({ ...this.settings, account: { ...this.settings.account, [field]: value } });
              this.stack.pop();
              return undefined;
            },
          });
        } else this.message = 'Up/Down, OK, Back';
        break;
      }
      case 'lastCall':
        if (key === 'Back' || key === 'OK') this.stack.pop();
        else this.message = 'OK or Back';
        break;
      case 'reset':
        if (key === 'OK') {
          // The phone's own key, certificate and trust anchors are its provisioned identity, not a setting.
          change({ ...factorySettings(), credentials: this.settings.credentials });
          this.stack.pop();
          this.message = 'Factory settings';
        } else if (key === 'Back' || key === 'Hangup') this.stack.pop();
        else this.message = 'OK=yes  Back=no';
        break;
      case 'knownPeers': {
        const peers = knownPeers(this.settings);
        if ((key === 'Up' || key === 'Down') && peers.length > 0) v.cursor = move(peers.length, v.cursor);
        else if (key === 'Back') this.stack.pop();
        else if (key === 'OK' && peers.length > 0) this.stack.push({ kind: 'knownPeer', uri: peers[v.cursor] });
        else this.message = peers.length > 0 ? 'OK=details Back' : 'Back';
        break;
      }
      case 'credentials': {
        const dev = this.context.devCredentials;
        if (key === 'Back') this.stack.pop();
        else if (key === 'OK' && dev && offersDevCredentials(this.settings.credentials, this.context.selfUri)) {
          // The phone loads what was saved (phone.ts); the peers' certificates and PSKs stay.
          change({ ...this.settings, credentials: dev });
          this.message = 'Dev keys in use';
        } else this.message = 'Back';
        break;
      }
      case 'timeouts':
        if (key === 'Up' || key === 'Down') v.cursor = move(TIMEOUTS.length, v.cursor);
        else if (key === 'Back') this.stack.pop();
        else if (key === 'OK') this.stack.push(this.choiceView(TIMEOUTS[v.cursor][2]));
        else this.message = 'Up/Down, OK, Back';
        break;
      case 'knownPeer':
        if (key === 'OK') this.stack.push({ kind: 'forget', uri: v.uri });
        else if (key === 'Back') this.stack.pop();
        else this.message = 'OK=forget Back';
        break;
      case 'forget':
        if (key === 'OK') {
          // Only what the phone learned goes; the peer's PSK under "Peer keys" is the user's own entry.
          change(forgetPeer(this.settings, v.uri));
          this.stack.pop();
          this.stack.pop();
          const peersView = this.view as Extract<View, { kind: 'knownPeers' }>;
          peersView.cursor = Math.max(0, Math.min(peersView.cursor, knownPeers(this.settings).length - 1));
          this.message = 'Forgotten';
        } else if (key === 'Back' || key === 'Hangup') this.stack.pop();
        else this.message = 'OK=yes  Back=no';
        break;
      case 'entry': {
        const result = v.entry.press(key);
        if (result === 'cancelled') this.stack.pop();
        else if (result === 'refused') this.message = key === '*' ? 'Hex: 0-9, 2/3=A-F' : 'Not here';
        else if (result === 'accepted') {
          const problem = v.onAccept(v.entry.text);
          if (problem) this.message = problem;
        }
        break;
      }
    }
    const save = this.changed;
    this.changed = undefined;
    return { lines: this.render(), ...(save ? { save } : {}), ...(exit ? { exit } : {}) };
  }

  private change(next: Settings): void {
    this.settings = next;
    this.changed = next;
  }

  /** The last save went through; `stored` is what the store kept (it may have evicted learned peers). */
  saved(stored: Settings): void {
    this.settings = stored;
  }

  /** Last save failed (e.g. flash full): go back to the stored settings and say so. */
  saveFailed(stored: Settings, reason: string): string[] {
    this.settings = stored;
    // The reason's summary, before its details ("too large: the settings need ..."); the log has all of it.
    this.message = fitWords(`Not saved: ${reason.split(':')[0]}`);
    return this.render();
  }

  /** A pick-one list with its cursor on the value in force. */
  private choiceView<T>(choice: Choice<T>): View {
    return { kind: 'choice', choice, cursor: Math.max(0, choice.options.indexOf(choice.current(this.settings))) };
  }

  private pushKeyEntry(peer: string): void {
    this.stack.push({
      kind: 'entry',
      title: `Key ${fitUri(peer.replace(/^sips?:/, ''), MENU_COLUMNS - 4)}`,
      entry: new TextEntry('hex', '', PSK_HEX_MAX),
      onAccept: (hex) => {
        if (hex.length < PSK_HEX_MIN || hex.length % 2 !== 0) return `${PSK_HEX_MIN}-${PSK_HEX_MAX} hex digits`;
        this.stack.pop();
        this.change({ ...this.settings, peerKeys: { ...this.settings.peerKeys, [peer]: hex.toLowerCase() } });
        return undefined;
      },
    });
  }
}
