// Device entry: the phone on the ESP32 HAL, configured from the manifest's "config" block.
import config from 'mc/config';
import { createEsp32Hal } from './hal/esp32/index.js';
import { createPhone } from './modules/phone/phone.js';
import type { PhoneIdentity } from './modules/phone/identity.js';

const hal = createEsp32Hal(config.hal);
createPhone(hal, config.phone as PhoneIdentity);
