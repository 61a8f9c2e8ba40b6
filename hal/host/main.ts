// Entry of the firmware bundle the desktop host runs on xsnap-worker. The Node side evaluates the
// bundle, then sends a "boot" event with the phone's identity; every later event goes to the HAL.
import { createPhone } from '../../modules/phone/phone.js';
import type { PhoneIdentity } from '../../modules/phone/identity.js';
import type { Credentials } from '../../modules/settings/model.js';
import { onHostEvent } from './channel.js';
import { createHostHal, type HostHal } from './hal.js';

let hal: HostHal | undefined;

onHostEvent((event) => {
  if (event.header.type === 'boot') {
    if (hal) throw new Error('the phone is already booted');
    hal = createHostHal();
    const identity = event.header.identity as PhoneIdentity;
    const onXsnap = !('process' in globalThis) && typeof issueCommand === 'function';
    hal.log(`booting on ${onXsnap ? 'the XS engine (xsnap)' : 'an unknown engine'}`);
    createPhone(hal, identity, event.header.provision as Credentials | undefined);
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
