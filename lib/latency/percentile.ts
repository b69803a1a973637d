/**
 * The nearest-rank percentile (the smallest value with at least p% of the values at or below it);
 * NaN when empty. What the benchmarks and the soak test report latencies with.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
