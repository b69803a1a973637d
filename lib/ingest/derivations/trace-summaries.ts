import { SpanStatus } from "@/db/span-codec/kind-and-status";
import type { AcceptedSpan } from "../traces/enforce-tenant";
import { isSecuritySpan, storedStartNs } from "../traces/span-facts";
import { isEarlierRoot, rootWeight } from "../traces/trace-weights";
import { traceNumberCells } from "./number-cells";
import { summaryJson, TraceAttributeSummary } from "./trace-attributes";

/**
 * What the spans one ingest transaction inserted add to each trace's `traces` row, computed in
 * memory: MERGE_TRACE_SUMMARIES (trace-summary-derivation.ts) inserts a new trace or folds these into the stored
 * row. Times are in nanoseconds from the stored (microsecond) start times, so the summary
 * keeps the nanoseconds of durations.
 */
export interface TraceSummary {
  tenantId: string;
  traceId: string;
  startNs: bigint;
  endNs: bigint;
  spans: number;
  errors: number;
  services: Set<string>;
  security: boolean;
  /** The first parentless span by start, then span id: the root, if this transaction has it. */
  root: AcceptedSpan["span"] | undefined;
  /** The root's request id if it has one, else the earliest span's. */
  requestId: { value: string; fromRoot: boolean; startNs: bigint } | undefined;
  attributes: TraceAttributeSummary;
}

/** Per trace, keyed by tenant and trace id. */
export function summarizeTraces(spans: readonly AcceptedSpan[]): Map<string, TraceSummary> {
  const traces = new Map<string, TraceSummary>();
  for (const { tenantId, span } of spans) {
    const id = `${tenantId}\0${span.traceId}`;
    const startNs = storedStartNs(span.startNs);
    const endNs = startNs + span.durationNs;
    let t = traces.get(id);
    if (!t) {
      t = {
        tenantId, traceId: span.traceId, startNs, endNs, spans: 0, errors: 0, services: new Set(), security: false,
        root: undefined, requestId: undefined, attributes: new TraceAttributeSummary(),
      };
      traces.set(id, t);
    }
    if (startNs < t.startNs) t.startNs = startNs;
    if (endNs > t.endNs) t.endNs = endNs;
    t.spans++;
    if (span.statusCode === SpanStatus.Error) t.errors++;
    t.services.add(span.service);
    if (isSecuritySpan(span.attributes)) t.security = true;
    const isRoot = span.parentSpanId === null;
    if (isRoot && (!t.root || isEarlierRoot(span, t.root))) t.root = span;
    if (span.requestId !== null) {
      const seen = t.requestId;
      if (!seen || (isRoot && !seen.fromRoot) || (isRoot === seen.fromRoot && startNs < seen.startNs)) {
        t.requestId = { value: span.requestId, fromRoot: isRoot, startNs };
      }
    }
    t.attributes.add(span.attributes);
  }
  return traces;
}

/** Columns for MERGE_TRACE_SUMMARIES, traces sorted so concurrent requests lock rows in one order. */
export function summaryColumns(traces: Iterable<TraceSummary>) {
  const rows = [...traces].sort((a, b) => (a.tenantId !== b.tenantId ? (a.tenantId < b.tenantId ? -1 : 1) : a.traceId < b.traceId ? -1 : a.traceId > b.traceId ? 1 : 0));
  const attributes = rows.map((t) => t.attributes.toJSON());
  return {
    tenantIds: rows.map((t) => t.tenantId),
    traceIds: rows.map((t) => t.traceId),
    startNs: rows.map((t) => t.startNs.toString()),
    endNs: rows.map((t) => t.endNs.toString()),
    spans: rows.map((t) => t.spans),
    errors: rows.map((t) => t.errors),
    services: rows.map((t) => JSON.stringify([...t.services])),
    // As text (cast in SQL): postgres.js types a boolean array parameter as one boolean.
    security: rows.map((t) => String(t.security)),
    rootSpanIds: rows.map((t) => t.root?.spanId ?? null),
    rootServices: rows.map((t) => t.root?.service ?? null),
    rootNames: rows.map((t) => t.root?.name ?? null),
    rootDurationNs: rows.map((t) => t.root?.durationNs.toString() ?? null),
    rootWeights: rows.map((t) => rootWeight(t.root)),
    requestIds: rows.map((t) => t.requestId?.value ?? null),
    attributes: attributes.map(summaryJson),
    numberCells: attributes.map((a) => JSON.stringify(traceNumberCells(a))),
  };
}
