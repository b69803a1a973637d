/** Human duration from nanoseconds, with three significant digits: 950µs, 12.3ms, 4.05s. */
export function formatDuration(ns: bigint | number): string {
  const n = Number(ns);
  if (n < 1_000) return `${n}ns`;
  if (n < 1_000_000) return `${trim(n / 1_000)}µs`;
  if (n < 1_000_000_000) return `${trim(n / 1_000_000)}ms`;
  if (n < 60_000_000_000) return `${trim(n / 1_000_000_000)}s`;
  const minutes = Math.floor(n / 60_000_000_000);
  return `${minutes}m ${Math.round((n - minutes * 60_000_000_000) / 1_000_000_000)}s`;
}

function trim(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}
