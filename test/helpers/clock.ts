import { VirtualClock } from '../../lib/local/virtual-clock';

/** A fixed instant, so timestamps in assertions are stable. */
export const T0 = new Date('2025-03-01T12:00:00.000Z');

/** The virtual clock of local mode, plus the moves tests make by hand. */
export class TestClock extends VirtualClock {
  constructor(start: Date | string = T0) {
    super(start);
  }

  advanceSeconds(seconds: number): this {
    this.advance(seconds);
    return this;
  }

  advanceMinutes(minutes: number): this {
    return this.advanceSeconds(minutes * 60);
  }

  set(at: Date | string): this {
    this.current = new Date(at).getTime();
    return this;
  }
}
