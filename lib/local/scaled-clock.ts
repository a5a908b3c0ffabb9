import { setTimeout as sleep } from 'node:timers/promises';
import type { PacedClock } from './virtual-clock';

/**
 * Time that flows `speed` times faster than the wall clock, from the moment it is made: how the
 * local endpoint lets a person (or a pipeline) watch a rollout live, with one clock shared by all
 * its executions. At speed 60 an evaluation interval of a minute takes a second.
 */
export class ScaledClock implements PacedClock {
  private readonly wallStart: number;
  private readonly virtualStart: number;

  constructor(
    readonly speed: number,
    start: Date = new Date(),
  ) {
    if (!(Number.isFinite(speed) && speed > 0)) throw new RangeError(`speed must be a number above 0, got ${speed}`);
    this.wallStart = Date.now();
    this.virtualStart = start.getTime();
  }

  now(): Date {
    return new Date(this.virtualStart + (Date.now() - this.wallStart) * this.speed);
  }

  /** Sleeps until `seconds` of this clock's time have passed. */
  async pass(seconds: number): Promise<void> {
    if (!(seconds >= 0)) throw new Error(`cannot wait ${seconds} seconds`);
    const until = this.now().getTime() + seconds * 1000;
    // Timers may fire a millisecond early; wait out the remainder rather than return before `until`.
    for (let left = until - this.now().getTime(); left > 0; left = until - this.now().getTime()) {
      await sleep(Math.max(1, Math.ceil(left / this.speed)));
    }
  }
}
