/** Bytes as decimal megabytes with one decimal: 3_141_592 → "3.1". */
export function formatMegabytes(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

/** A 0–1 score as a whole percent: 0.873 → "87%"; never "0%" for a listed tag. */
export function formatPercent(score: number): string {
  return `${Math.max(1, Math.round(score * 100))}%`;
}

/** Milliseconds for people: whole ms from 10 up, one decimal below. */
export function formatMilliseconds(ms: number): string {
  return `${ms >= 10 ? Math.round(ms) : ms.toFixed(1)} ms`;
}
