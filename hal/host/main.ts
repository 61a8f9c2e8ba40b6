// Entry of the firmware bundle the desktop host runs on xsnap-worker. The Node side evaluates the
// bundle, then sends a "boot" event with the phone's identity; every later event goes to the HAL.
import { createPhone, type Phone } from '../../modules/phone/phone.js';
import type { PhoneIdentity } from '../../modules/phone/identity.js';
import type { Credentials } from '../../modules/settings/model.js';
import { onHostEvent } from './channel.js';
import { createHostHal, type HostHal } from './hal.js';
import { SHUTDOWN_COMPLETE } from './shutdown.js';

let hal: HostHal | undefined;
let phone: Phone | undefined;

onHostEvent((event) => {
  if (event.header.type === 'boot') {
    if (hal) throw new Error('the phone is already booted');
    hal = createHostHal();
    const identity = event.header.identity as PhoneIdentity;
    const onXsnap = !('process' in globalThis) && typeof issueCommand === 'function';
    hal.log(`booting on ${onXsnap ? 'the XS engine (xsnap)' : 'an unknown engine'}`);
    phone = createPhone(hal, identity, event.header.provision as Credentials | undefined);
    return;
  }
  // The desktop host asks for the phone's live protocol state (leak checks in tests).
  if (event.header.type === 'stats' && hal && phone) {
    hal.log(`stats ${JSON.stringify(phone.stats())}`);
    return;
  }
  // Ctrl-C on the desktop: end the call and the registration; the Node side waits for this line.
  if (event.header.type === 'shutdown' && hal && phone) {
    const log = hal.log;
    phone.shutdown(() => log(SHUTDOWN_COMPLETE));
    return;
  }
  if (!hal) throw new Error(`event ${String(event.header.type)} before boot`);
  try {
    hal.dispatchHostEvent(event);
  } catch (e) {
    // A bad event must not stop the phone: report it and keep running.
    hal.log(`event ${String(event.header.type)} failed: ${(e as Error).message}`);
  }
});
