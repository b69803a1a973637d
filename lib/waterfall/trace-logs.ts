import { displayValue } from "@/lib/attributes/display";
import { typedValue } from "@/lib/attributes/stored-value";
import type { LogLine, LogPage } from "@/lib/logs/read";
import { SEVERITY_LEVELS, severityLevel, type SeverityLevel } from "@/lib/logs/severity";
import type { TraceModel } from "./trace-model";

/** The filters of the trace view's logs: the logs panel's, or one span's for its details. */
export interface TraceLogsFilter {
  severity?: SeverityLevel;
  q?: string;
  span?: string;
}

/** Lines per request: a page loads quickly, and a large trace's logs come a page at a time, by time. */
export const TRACE_LOGS_PAGE = 200;

/** GET /api/traces/[traceId]/logs for one page with these filters. */
export function traceLogsUrl(traceId: string, tenant: string, filter: TraceLogsFilter, after: string | null): string {
  const query = new URLSearchParams({ tenant, limit: String(TRACE_LOGS_PAGE) });
  if (filter.severity) query.set("severity", filter.severity);
  if (filter.q) query.set("q", filter.q);
  if (filter.span) query.set("span", filter.span);
  if (after) query.set("after", after);
  return `/api/traces/${traceId}/logs?${query}`;
}

export type { LogLine, LogPage };

/** A record's time in ns since the trace's start (the model's unit): exact arithmetic, then a float. */
export function logOffsetNs(line: Pick<LogLine, "timeNs">, traceStartUs: string): number {
  return Number(BigInt(line.timeNs) - BigInt(traceStartUs) * 1000n);
}

/** The body as text, however it was sent (a string as is; a map or list as JSON-like text). */
export const logBodyText = (line: Pick<LogLine, "body">): string => displayValue(typedValue(line.body));

/** The level a line is shown at: its number's range, else its text when that names one, else none. */
export function lineLevel(line: Pick<LogLine, "severityNumber" | "severityText">): SeverityLevel | null {
  const byNumber = severityLevel(line.severityNumber);
  if (byNumber) return byNumber;
  const text = line.severityText?.toLowerCase();
  return SEVERITY_LEVELS.find((l) => l === text || (l === "warn" && text === "warning")) ?? null;
}

export interface LogMarker {
  /** ns since the trace's start. */
  at: number;
  level: SeverityLevel | null;
}

/**
 * The markers on the span bars: each loaded line written in a span of this trace, at its
 * time, keyed by the span's index. Lines naming no span, or a span not received, get none
 * (the logs panel still lists them at their time).
 */
export function logMarkers(model: Pick<TraceModel, "indexOf">, lines: readonly LogLine[], traceStartUs: string): Map<number, LogMarker[]> {
  const out = new Map<number, LogMarker[]>();
  for (const line of lines) {
    const span = line.spanId === null ? undefined : model.indexOf.get(line.spanId);
    if (span === undefined) continue;
    const markers = out.get(span) ?? [];
    markers.push({ at: logOffsetNs(line, traceStartUs), level: lineLevel(line) });
    out.set(span, markers);
  }
  return out;
}
