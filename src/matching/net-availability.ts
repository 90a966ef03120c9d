import type { ListingWindow, TimeWindow } from './engine';

/**
 * A vehicle's free time: its availability windows minus the spans its held reservations occupy. A
 * reservation takes the vehicle for its whole span (the engine carries one direct load per vehicle).
 */
export function freeTime(windows: TimeWindow[], busy: TimeWindow[]): TimeWindow[] {
  let free = windows.filter((w) => w.start < w.end);
  for (const b of busy) {
    free = free.flatMap((w) => {
      if (b.end <= w.start || b.start >= w.end) return [w];
      const parts: TimeWindow[] = [];
      if (w.start < b.start) parts.push({ start: w.start, end: b.start });
      if (b.end < w.end) parts.push({ start: b.end, end: w.end });
      return parts;
    });
  }
  return free;
}

/**
 * A listing's idle pallets net of held reservations, day by day, merged back into windows of equal
 * idle pallets; days with nothing left drop out. Days are KST day numbers.
 */
export function netIdlePallets(windows: ListingWindow[], reservedByDay: Map<number, number>): ListingWindow[] {
  const net: ListingWindow[] = [];
  for (const w of [...windows].sort((a, b) => a.fromDay - b.fromDay)) {
    for (let day = w.fromDay; day <= w.toDay; day++) {
      const idle = w.idlePallets - (reservedByDay.get(day) ?? 0);
      const last = net.at(-1);
      if (idle <= 0) continue;
      if (last && last.toDay === day - 1 && last.idlePallets === idle) last.toDay = day;
      else net.push({ fromDay: day, toDay: day, idlePallets: idle });
    }
  }
  return net;
}
