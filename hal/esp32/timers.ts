// One-shot timers on the device: Moddable's "timer" module.
import Timer from 'timer';
import type { TimerId, Timers } from '../contracts.js';

export function createDeviceTimers(): Timers {
  const active = new Map<TimerId, Timer>();
  let next = 1;
  return {
    set(delayMs, onFire) {
      const id = next++;
      active.set(
        id,
        Timer.set(() => {
          active.delete(id);
          onFire();
        }, Math.max(0, delayMs)),
      );
      return id;
    },
    clear(id) {
      const timer = active.get(id);
      if (timer) {
        Timer.clear(timer);
        active.delete(id);
      }
    },
  };
}
