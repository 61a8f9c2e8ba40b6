// Clock on the device: Moddable's "time" module. Time.ticks is a monotonic millisecond counter
// (it wraps after about 49 days; we unwrap it); Date.now() is UTC once SNTP has set the clock.
import Time from 'time';
import type { Clock } from '../contracts.js';

const WRAP = 2 ** 32;

export function createDeviceClock(): Clock {
  let last = Time.ticks >>> 0;
  let wraps = 0;
  return {
    monotonicMs() {
      const now = Time.ticks >>> 0;
      if (now < last) wraps++;
      last = now;
      return wraps * WRAP + now;
    },
    wallClockMs: () => Date.now(),
  };
}
