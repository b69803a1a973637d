import { percentile } from "../../lib/latency/percentile";
/** Outcomes of one kind of request: status counts (or error codes) and latencies of the answers. */
export class RequestStats {
  readonly outcomes = new Map<string, number>();
  private readonly latencies: { at: number; ms: number }[] = [];

  record(outcome: number | string, latencyMs?: number): void {
    const key = String(outcome);
    this.outcomes.set(key, (this.outcomes.get(key) ?? 0) + 1);
    if (latencyMs !== undefined && outcome === 200) this.latencies.push({ at: Date.now(), ms: latencyMs });
  }

  get total(): number {
    let n = 0;
    for (const v of this.outcomes.values()) n += v;
    return n;
  }

  count(outcome: number | string): number {
    return this.outcomes.get(String(outcome)) ?? 0;
  }

  /** Latency percentile of the 200 answers, leaving out those answered while `excluded` holds. */
  percentile(p: number, excluded: (at: number) => boolean = () => false): number {
    return percentile(this.latencies.filter((l) => !excluded(l.at)).map((l) => l.ms), p);
  }

  percentileCount(excluded: (at: number) => boolean = () => false): number {
    return this.latencies.filter((l) => !excluded(l.at)).length;
  }

  /** The `n` slowest 200 answers, slowest first, each with when it started (epoch ms). */
  slowest(n: number, excluded: (at: number) => boolean = () => false): { startedAt: number; ms: number }[] {
    return this.latencies
      .filter((l) => !excluded(l.at))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, n)
      .map((l) => ({ startedAt: l.at - l.ms, ms: l.ms }));
  }

  summary(excluded?: (at: number) => boolean): string {
    const codes = [...this.outcomes].sort().map(([k, v]) => `${k}×${v}`).join(" ");
    if (this.latencies.length === 0) return codes || "none";
    const ms = (p: number) => this.percentile(p, excluded).toFixed(1);
    return `${codes}; 200s${excluded ? " outside the warm-up, burst and faults" : ""} p50 ${ms(50)} ms, p99 ${ms(99)} ms, max ${ms(100)} ms`;
  }
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
