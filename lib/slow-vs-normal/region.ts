import { formatDuration } from "@/lib/format/duration";
import { formatTick, type ZoneName } from "@/lib/format/time";
import { formatDurationParam } from "@/lib/traces/search/search-params";

/** A dragged region: start times in epoch milliseconds, durations in nanoseconds; any bound may be open. */
export interface Region {
  from?: number;
  to?: number;
  minNs?: number;
  maxNs?: number;
}

/** The region as the API's selection parameters, widened to whole milliseconds and nanoseconds so no edge trace is lost. */
export function regionParams(r: Region): URLSearchParams {
  const p = new URLSearchParams();
  if (r.from !== undefined) p.set("selFrom", new Date(Math.floor(r.from)).toISOString());
  if (r.to !== undefined) p.set("selTo", new Date(Math.ceil(r.to)).toISOString());
  if (r.minNs !== undefined) p.set("selMin", formatDurationParam(BigInt(Math.floor(Math.max(0, r.minNs)))));
  if (r.maxNs !== undefined) p.set("selMax", formatDurationParam(BigInt(Math.ceil(r.maxNs))));
  return p;
}

/** "10:05–10:40, 1.20s–4.50s", "every time, at least 2.10s". */
export function regionLabel(r: Region, zone: ZoneName): string {
  const time = r.from !== undefined && r.to !== undefined ? `${formatTick(r.from, zone)}–${formatTick(r.to, zone)}` : "the whole window";
  const lo = r.minNs !== undefined ? formatDuration(r.minNs) : null;
  const hi = r.maxNs !== undefined ? formatDuration(r.maxNs) : null;
  const band = lo && hi ? `${lo}–${hi}` : lo ? `at least ${lo}` : hi ? `at most ${hi}` : "any duration";
  return `${time}, ${band}`;
}

/** The smallest 1, 2, 2.5 or 5 × 10ⁿ at or above `v`: a chart axis top that reads well. */
export function niceCeiling(v: number): number {
  if (!(v > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((c) => c >= v * (1 - 1e-12))!;
}

/** The `q` quantile of the values (nearest rank), 0 for none. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
