import { resolveTimeRange, timeRangeParams, type TimePreset } from "./time-range";

/**
 * The query string of a view to share: a relative range ("last 24 hours", or none: the
 * page's default) becomes the absolute window it covers now, so the link shows the same
 * traces tomorrow. Everything else is kept; an invalid range is left for the page to report.
 */
export function absoluteRangeParams(params: URLSearchParams, now: Date, fallback: TimePreset = "24h"): URLSearchParams {
  const out = new URLSearchParams(params);
  const parsed = timeRangeParams.safeParse({ range: params.get("range") ?? undefined, from: params.get("from") ?? undefined, to: params.get("to") ?? undefined });
  if (!parsed.success || (parsed.data.from && parsed.data.to)) return out;
  const range = resolveTimeRange(parsed.data, fallback, now);
  out.delete("range");
  out.set("from", range.from.toISOString());
  out.set("to", range.to.toISOString());
  return out;
}
