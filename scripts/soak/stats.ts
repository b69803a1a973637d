/** Outcomes of one kind of request: status counts (or error codes) and latencies of the answers. */
export class RequestStats {
  readonly outcomes = new Map<string, number>();
  private readonly latenciesMs: number[] = [];

  record(outcome: number | string, latencyMs?: number): void {
    const key = String(outcome);
    this.outcomes.set(key, (this.outcomes.get(key) ?? 0) + 1);
    if (latencyMs !== undefined && outcome === 200) this.latenciesMs.push(latencyMs);
  }

  get total(): number {
    let n = 0;
    for (const v of this.outcomes.values()) n += v;
    return n;
  }

  count(outcome: number | string): number {
    return this.outcomes.get(String(outcome)) ?? 0;
  }

  /** Outcomes other than those listed, e.g. everything but 200, 429 and 503. */
  others(allowed: readonly (number | string)[]): Map<string, number> {
    const names = new Set(allowed.map(String));
    return new Map([...this.outcomes].filter(([k]) => !names.has(k)));
  }

  percentile(p: number): number {
    return percentile(this.latenciesMs, p);
  }

  summary(): string {
    const codes = [...this.outcomes].sort().map(([k, v]) => `${k}×${v}`).join(" ");
    if (this.latenciesMs.length === 0) return codes || "none";
    return `${codes}; 200s p50 ${this.percentile(50).toFixed(1)} ms, p99 ${this.percentile(99).toFixed(1)} ms, max ${this.percentile(100).toFixed(1)} ms`;
  }
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A time interval during which a fault was in effect (epoch ms; `to` undefined while open). */
export interface Window {
  name: string;
  from: number;
  to?: number;
}

export function within(windows: readonly Window[], at: number, graceMs = 0): boolean {
  return windows.some((w) => at >= w.from && at <= (w.to ?? Infinity) + graceMs);
}
