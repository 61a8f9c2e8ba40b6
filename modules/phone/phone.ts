// The phone: joins the HAL to the protocol modules. It owns the SIP socket and the screen, and
// turns key presses into state changes. Calls (issue 7) and the settings menu (issue 8) plug in here.
import type { Datagram, Hal, KeyEvent } from '../../hal/contracts.js';
import type { PhoneIdentity } from './identity.js';
import { dialingScreen, idleScreen } from './screens.js';

/** Characters a number can hold: digits and the two extra keypad keys. */
const DIAL_KEYS = '0123456789*#';
/** Longest number the dialer accepts (E.164 numbers are at most 15 digits; room for prefixes). */
export const MAX_DIAL_LENGTH = 32;

export interface Phone {
  /** The SIP UDP port actually bound (the identity's, or the one the host chose for 0). */
  readonly sipPort: number;
  /** Closes the socket; the phone stops reacting. */
  stop(): void;
}

export function createPhone(hal: Hal, identity: PhoneIdentity): Phone {
  let dialing: string | undefined;
  let status = 'Ready';
  let sipDatagrams = 0;

  const socket = hal.network.bindUdp(identity.sipPort, onSipDatagram);
  const address = `${identity.user}@${hal.network.localAddress}`;

  function render(): void {
    hal.display.show(dialing === undefined ? idleScreen(identity.displayName, address, socket.port, status) : dialingScreen(dialing));
  }

  function onSipDatagram(datagram: Datagram): void {
    sipDatagrams++;
    hal.log(`SIP datagram ${sipDatagrams} from ${datagram.address}:${datagram.port}, ${datagram.data.length} bytes`);
  }

  function onKey(event: KeyEvent): void {
    if (!event.down) return;
    const { key } = event;
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
      status = 'Ready';
    }
    render();
  }

  hal.keypad.onKey((event) => {
    try {
      onKey(event);
    } catch (e) {
      hal.log(`key ${event.key} failed: ${(e as Error).message}`);
    }
  });
  hal.log(`listening for SIP on ${hal.network.localAddress}:${socket.port}`);
  render();

  return {
    sipPort: socket.port,
    stop() {
      socket.close();
    },
  };
}
