import type { Clock } from '../domain/clock';

/** A clock on which time can be made to pass: how a local run carries out a Wait state. */
export interface PacedClock extends Clock {
  /** Resolves once `seconds` have passed on this clock. */
  pass(seconds: number): void | Promise<void>;
}

/**
 * Simulated time for local mode. Only Wait states move it forward, so hours of baking take
 * milliseconds and every run with the same seed sees the same timestamps.
 */
export class VirtualClock implements PacedClock {
  /** Milliseconds since the epoch; subclasses for tests may set it directly. */
  protected current: number;

  constructor(start: Date | string = '2026-01-05T09:00:00.000Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  advance(seconds: number): void {
    if (!(seconds >= 0)) throw new Error(`cannot move the virtual clock by ${seconds} seconds`);
    this.current += seconds * 1000;
  }

  /** A Wait state on virtual time: the clock jumps at once. */
  pass(seconds: number): void {
    this.advance(seconds);
  }
}

