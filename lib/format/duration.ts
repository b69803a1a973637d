/** Human duration from nanoseconds, with three significant digits: 950µs, 12.3ms, 4.05s. */
export function formatDuration(ns: bigint | number): string {
  const n = Number(ns);
  // Chart band edges are powers of 1.05: fractional nanoseconds that no clock measures.
  if (n < 999.5) return `${Math.round(n)}ns`;
  if (n < 1_000_000) return `${trim(n / 1_000)}µs`;
  if (n < 1_000_000_000) return `${trim(n / 1_000_000)}ms`;
  if (n < 60_000_000_000) return `${trim(n / 1_000_000_000)}s`;
  const minutes = Math.floor(n / 60_000_000_000);
  return `${minutes}m ${Math.round((n - minutes * 60_000_000_000) / 1_000_000_000)}s`;
}

function trim(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

const TICK_UNITS: [number, string][] = [
  [60_000_000_000, "min"],
  [1_000_000_000, "s"],
  [1_000_000, "ms"],
  [1_000, "µs"],
  [1, "ns"],
];

/** An axis label: two significant digits at most below ten, whole numbers above, e.g. 926 ns, 1.2 ms, 3.4 s. */
export function formatDurationTick(ns: number): string {
  const [size, unit] = TICK_UNITS.find(([size]) => ns >= size * 0.9995) ?? TICK_UNITS[TICK_UNITS.length - 1]!;
  const value = ns / size;
  const shown = value < 9.95 ? String(Number(value.toFixed(1))) : String(Math.round(value));
  return `${shown} ${unit}`;
}
