/**
 * English for the service's own lines (reports, errors, and the feed's English lines beside their Korean ones in
 * src/complexes/activity-lines.ts): a count with its noun, singular for exactly one.
 */
export function counted(count: number, noun: string, plural = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : plural}`;
}
