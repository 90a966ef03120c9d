/**
 * English for the service's own lines (feed summaries, reports), which it writes in English only: a count with
 * its noun, singular for exactly one.
 */
export function counted(count: number, noun: string, plural = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : plural}`;
}
