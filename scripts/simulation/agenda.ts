/** What the simulation has to do and when: events in time order, ties in the order they were added. */
export interface SimEvent {
  at: number;
  seq: number;
  run: () => Promise<void>;
}

export class Agenda {
  private readonly events: SimEvent[] = [];
  private seq = 0;

  /** Schedules `run` at `at` (epoch ms). */
  add(at: number, run: () => Promise<void>): void {
    const event = { at, seq: this.seq++, run };
    let lo = 0;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.events[mid]!.at <= at) lo = mid + 1;
      else hi = mid;
    }
    this.events.splice(lo, 0, event);
  }

  /** Removes and returns the next event due before `limit`, if any. */
  takeBefore(limit: number): SimEvent | undefined {
    return this.events[0] && this.events[0].at < limit ? this.events.shift() : undefined;
  }
}
