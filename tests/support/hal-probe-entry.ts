// A firmware entry for testing the desktop host's HAL itself inside XS: on boot it draws random
// bytes, arms a timer, writes and reads flash, and plays every captured audio frame straight back.
import { onHostEvent } from '../../hal/host/channel.js';
import { createHostHal, type HostHal } from '../../hal/host/hal.js';
import { toHex } from '../../modules/util/bytes.js';

let hal: HostHal | undefined;
let frames = 0;

onHostEvent((event) => {
  if (event.header.type !== 'boot') return hal!.dispatchHostEvent(event);
  hal = createHostHal();
  const h = hal;
  h.log(`random ${toHex(h.random.bytes(16))}`);
  const armed = h.clock.monotonicMs();
  h.timers.set(30, () => h.log(`timer fired after ${Math.round(h.clock.monotonicMs() - armed)} ms`));
  const cancelled = h.timers.set(10, () => h.log('cancelled timer fired'));
  h.timers.clear(cancelled);
  h.flash.eraseSector(1);
  h.flash.write(h.flash.sectorSize + 5, Uint8Array.of(0x12, 0x34));
  h.log(`flash ${toHex(h.flash.read(h.flash.sectorSize + 4, 4))}`);
  h.audio.start((frame) => {
    h.audio.play(frame);
    if (++frames === 10) {
      h.audio.stop();
      h.log('audio stopped after 10 frames');
    }
  });
});
