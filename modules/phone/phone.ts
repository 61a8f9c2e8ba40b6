// The phone: joins the HAL to the protocol modules. It owns the SIP socket, SIP's TCP and TLS
// connections (sip-connections.ts) and the screen, and turns key presses into state changes.
// Calls (issue 7) and the settings menu (issue 8) plug in here.
// Call-progress tones follow the state (tone-player.ts); digits in a call are DTMF (call-dtmf.ts).
import type { Datagram, Hal, KeyEvent, TlsCredentials } from '../../hal/contracts.js';
import { Menu } from '../menu/menu.js';
import { loadPkCredentials, type PkCredentials } from '../mikey/pk-auth.js';
import type { Credentials } from '../settings/model.js';
import { openPhoneStore } from '../settings/phone-store.js';
import type { SettingsStore } from '../settings/store.js';
import { MAX_SIP_MESSAGE } from '../sip/message.js';
import { fromBase64 } from '../util/bytes.js';
import { Calls } from './calls.js';
import { eventGuard, guardedHal, messageOf } from './event-guard.js';
import { DEFAULT_TLS_PORT, type PhoneIdentity } from './identity.js';
import { SipConnections, type StreamSource } from './sip-connections.js';
import { tlsIdentity } from './tls-identity.js';
import { checkCredentials, mismatchLogLine, NOTICE_WRONG_IDENTITY } from './credentials-check.js';
import { dialingScreen, idleScreen } from './screens.js';
import { FAILURE_TONE_MS, failureTone, TonePlayer } from './tone-player.js';

/** Characters a number can hold: digits and the two extra keypad keys. */
const DIAL_KEYS = '0123456789*#';
/** Longest number the dialer accepts (E.164 numbers are at most 15 digits; room for prefixes). */
export const MAX_DIAL_LENGTH = 32;

export interface Phone {
  /** The SIP UDP port actually bound (the identity's, or the one the host chose for 0); TCP listens on it too. */
  readonly sipPort: number;
  /** The TLS port listened on, when the phone has a TLS identity and could listen. */
  readonly tlsPort: number | undefined;
  /** Live call-protocol state (see Calls.stats) and SIP's stream connections and their timers (sip-connections.ts). */
  stats(): ReturnType<Calls['stats']> & { connections: number; connectionTimers: number };
  /** The public-key credentials from flash, when the phone has been provisioned. */
  readonly credentials: PkCredentials | undefined;
  /**
   * A clean shutdown (Calls.shutdown): BYE or CANCEL for the call in progress, un-REGISTER when
   * registered; `done` runs once they are answered. The host bounds the wait, then stops.
   */
  shutdown(done: () => void): void;
  /** Closes the sockets and connections; the phone stops reacting. */
  stop(): void;
}

/**
 * Puts factory key material into flash on a phone that has none (first start), then loads the
 * phone's public-key credentials. Unusable material is reported; PSK-based modes still work.
 */
function loadCredentials(hal: Hal, store: SettingsStore, uri: string, provision: Credentials | undefined): PkCredentials | undefined {
  if (store.settings.credentials.ownKey === '' && provision) {
    try {
      store.save({ ...store.settings, credentials: provision });
      hal.log('provisioned key material into flash');
    } catch (e) {
      // Stored data never stops the phone: it runs without public-key modes.
      hal.log(`key material not provisioned: ${(e as Error).message}`);
      return undefined;
    }
  }
  const c = store.settings.credentials;
  if (c.ownKey === '') return undefined;
  const check = checkCredentials(c, uri);
  if (check.kind === 'mismatch') {
    // Every peer would refuse its signed offers and answers: the PSK modes and SDES still work.
    hal.log(mismatchLogLine(check.certFor, uri));
    return undefined;
  }
  try {
    const loaded = loadPkCredentials(uri, c.ownChain.map(fromBase64), fromBase64(c.ownKey), c.trustAnchors.map(fromBase64));
    hal.log(`credentials for ${uri}: ${loaded.chain.length} certificate(s), ${loaded.anchors.length} trust anchor(s)`);
    return loaded;
  } catch (e) {
    hal.log(`key material in flash is unusable: ${(e as Error).message}`);
    return undefined;
  }
}

export function createPhone(device: Hal, identity: PhoneIdentity, provision?: Credentials): Phone {
  // Every event below runs inside this guard (event-guard.ts): what one throws ends at most its call.
  const hal = guardedHal(device, eventGuard((line) => device.log(line), recover));
  const store = openPhoneStore(hal.flash);
  let dialing: string | undefined;
  let menu: Menu | undefined;
  let status = store.notice ?? 'Ready';
  let sipDatagrams = 0;
  let oversizeDatagrams = 0;
  if (store.notice) hal.log(store.notice);
  // A notice the store gives after boot (something could not be saved) shows once on the idle screen.
  let shownNotice = store.notice;
  const storeNotice = (): string | undefined => {
    const notice = store.notice;
    if (notice === shownNotice) return undefined;
    shownNotice = notice;
    if (notice) hal.log(`settings: ${notice}`);
    return notice;
  };
  // The speaker: tones outside calls; a call's media takes it through tones.callAudio.
  const tones = new TonePlayer(hal);

  const socket = hal.network.bindUdp(identity.sipPort, onSipDatagram);
  if (identity.keyLog) hal.log('WARNING: key log on: every call\'s SRTP keys are logged, which defeats the encryption; for debugging only');
  // The account: the settings (set from the menu) win over the factory identity.
  const account = store.settings.account;
  const domain = /^sips?:[^@]+@([^;>]+)$/.exec(account.sipUri)?.[1] ?? identity.domain ?? hal.network.localAddress;
  const address = `${identity.user}@${domain}`;
  const selfUri = `sip:${address}`;
  let credentials = loadCredentials(hal, store, selfUri, provision);
  let credentialsSource = store.settings.credentials;
  /** The idle screen's resting line: "Ready", unless the certificate in flash is for another identity. */
  const readyStatus = (): string => (checkCredentials(store.settings.credentials, selfUri).kind === 'mismatch' ? NOTICE_WRONG_IDENTITY : 'Ready');
  if (status === 'Ready') status = readyStatus();
  // SIP over TCP on the SIP port and over TLS on the TLS port, with the phone's PKI identity as
  // its TLS identity (tls-identity.ts); new credentials from the menu serve TLS from the next start.
  let tls: TlsCredentials | undefined;
  try {
    tls = credentials && tlsIdentity(store.settings.credentials);
  } catch (e) {
    hal.log(`key material unusable for TLS: ${messageOf(e)}`);
  }
  const connections = new SipConnections({
    network: hal.network,
    timers: hal.timers,
    clock: hal.clock,
    udp: socket,
    sipPort: socket.port,
    tlsPort: identity.tlsPort ?? DEFAULT_TLS_PORT,
    tls,
    onMessage: onSipMessage,
    // A connection that failed: its transactions end at once (RFC 3261 §18.4), not at Timer B/F.
    onSendFailed: (transaction, reason) => calls.onTransportError(transaction, reason),
    log: (line) => hal.log(line),
  });
  const calls = new Calls({
    hal: { ...hal, audio: tones.callAudio },
    store,
    credentials: () => credentials,
    user: identity.user,
    domain,
    registrar: account.registrar || (identity.registrar ?? ''),
    password: account.password || (identity.password ?? ''),
    sip: { port: socket.port, tlsPort: connections.tlsPort ?? identity.tlsPort ?? DEFAULT_TLS_PORT },
    transport: account.transport !== 'auto' ? account.transport : (identity.transport ?? 'auto'),
    send: (message) => connections.send(message),
    outboundProxy: store.settings.account.outboundProxy || (identity.outboundProxy ?? ''),
    keyLog: identity.keyLog === true,
    onChange: () => {
      if (!calls.active) status = storeNotice() ?? calls.notice ?? calls.registration ?? status;
      const failed = calls.takeFailure();
      if (failed !== undefined) tones.playFor(failureTone(failed), FAILURE_TONE_MS);
      render();
    },
  });

  /**
   * Dial tone while dialing, ringback while the callee rings, the ringer while a call comes in,
   * nothing in the menu or a call.
   */
  function updateTone(): void {
    if (menu || (calls.active && !calls.ringback && !calls.incoming)) tones.stop();
    else tones.play(calls.incoming ? 'ring' : calls.active ? 'ringback' : dialing !== undefined ? 'dial' : undefined);
  }

  function render(): void {
    if (menu && calls.incoming) {
      // A call coming in takes the screen and the keypad from the menu, as on a desk phone; what
      // the menu changed is already saved.
      menu = undefined;
      hal.log('menu closed: a call is coming in');
    }
    updateTone();
    if (menu) return;
    if (calls.active) return hal.display.show(calls.screen());
    hal.display.show(dialing === undefined ? idleScreen(identity.displayName, address, socket.port, status) : dialingScreen(dialing));
  }

  /** The settings menu owns the keypad while it is open; what it changes is saved at once. */
  function onMenuKey(key: KeyEvent['key']): void {
    const out = menu!.press(key);
    let lines = out.lines;
    if (out.save) {
      try {
        store.save(out.save);
        // The peer store may have made room by its eviction rule: the menu shows what is stored.
        if (store.evicted.length > 0) hal.log(`peer store full: forgot what was learned of ${store.evicted.join(', ')}`);
        menu!.saved(store.settings);
        // New key material from the menu ("Credentials"): in use from the next call.
        if (store.settings.credentials !== credentialsSource) {
          credentialsSource = store.settings.credentials;
          credentials = loadCredentials(hal, store, selfUri, undefined);
        }
      } catch (e) {
        lines = menu!.saveFailed(store.settings, (e as Error).message);
        hal.log(`settings not saved: ${(e as Error).message}`);
      }
    }
    if (out.exit) {
      menu = undefined;
      status = readyStatus();
      render();
    } else hal.display.show(lines);
  }

  function onSipDatagram(datagram: Datagram): void {
    sipDatagrams++;
    const line = `SIP datagram ${sipDatagrams} from ${datagram.address}:${datagram.port}, ${datagram.data.length} bytes`;
    if (datagram.data.length > MAX_SIP_MESSAGE) {
      // Larger than any SIP message this phone takes (issue 13): dropped unread, and counted.
      oversizeDatagrams++;
      return hal.log(`${line}: over the ${MAX_SIP_MESSAGE}-byte limit, dropped unread (${oversizeDatagrams} so far)`);
    }
    hal.log(line);
    calls.onSipDatagram(datagram);
  }

  /** A whole message from a TCP or TLS connection: the framer bounds its size (sip-connections.ts). */
  function onSipMessage(data: Uint8Array, source: StreamSource): void {
    hal.log(`SIP over ${source.transport.toUpperCase()} from ${source.address}:${source.port} (connection ${source.connection}), ${data.length} bytes`);
    calls.onSipMessage(data, source);
  }

  /** Keys during a call: OK or Call answers, Hangup ends, Down holds or resumes, Up re-keys, digits are DTMF while connected. */
  function onCallKey(key: KeyEvent['key']): void {
    if (key === 'OK' || key === 'Call') calls.answer();
    else if (key === 'Hangup') calls.hangup();
    else if (key === 'Down') calls.toggleHold();
    else if (key === 'Up') calls.rekey();
    else calls.dtmf(key, true);
  }

  function onKey(event: KeyEvent): void {
    const { key } = event;
    if (!event.down) {
      // A digit's DTMF event lasts while its key is held (RFC 4733 §2.5.1).
      if (!menu && calls.active) calls.dtmf(key, false);
      return;
    }
    if (menu) return onMenuKey(key);
    if (calls.active) return onCallKey(key);
    if ((key === 'OK' || key === 'Call') && dialing !== undefined) {
      // Dial plan: the number is the user part of a SIP URI in this phone's domain (RFC 3261 §19.1).
      const target = `sip:${dialing}@${domain}`;
      dialing = undefined;
      return calls.dial(target);
    }
    if (key === 'Menu' && dialing === undefined) {
      // The desktop host's development credentials are made for this identity (sim/dev-keys.ts).
      const devCredentials = provision && checkCredentials(provision, selfUri).kind === 'ok' ? provision : undefined;
      menu = new Menu(store.settings, { selfUri, ...(devCredentials ? { devCredentials } : {}) });
      tones.stop();
      hal.display.show(menu.render());
      return;
    }
    if (DIAL_KEYS.includes(key)) {
      const next = (dialing ?? '') + key;
      if (next.length > MAX_DIAL_LENGTH) {
        status = 'Number too long';
        dialing = undefined;
      } else {
        dialing = next;
      }
    } else if (key === 'Back' && dialing !== undefined) {
      dialing = dialing.length > 1 ? dialing.slice(0, -1) : undefined;
    } else if (key === 'Hangup' || (key === 'Back' && dialing === undefined)) {
      dialing = undefined;
      status = readyStatus();
      tones.stop();
    }
    render();
  }

  /**
   * After an event's handling threw: the call it concerned ends (final response or BYE, its state
   * freed: Calls.abort), the menu and the dialer close, and the idle screen comes back.
   */
  function recover(what: string, error: unknown): void {
    hal.log(`${what} failed: ${messageOf(error)}`);
    menu = undefined;
    dialing = undefined;
    calls.abort('Call failed');
    render();
  }

  hal.keypad.onKey(onKey);
  hal.log(`listening for SIP on ${hal.network.localAddress}:${socket.port}`);
  if (connections.tlsPort !== undefined) hal.log(`listening for SIP over TLS on ${hal.network.localAddress}:${connections.tlsPort}`);
  else if (!tls) hal.log(`not listening for SIP over TLS: the phone has no TLS identity (no usable credentials for ${selfUri})`);
  render();

  return {
    sipPort: socket.port,
    tlsPort: connections.tlsPort,
    get credentials() {
      return credentials;
    },
    stats: () => {
      const streams = connections.stats();
      return { ...calls.stats(), connections: streams.connections, connectionTimers: streams.timers };
    },
    shutdown: (done) => calls.shutdown(done),
    stop() {
      connections.close();
      socket.close();
    },
  };
}
