import "server-only";
import type { TransactionSql } from "postgres";
import type { SpanEvent } from "@/db/schema";
import type { SegmentSpan } from "@/lib/traces/segments/format";
import { hasAnyKey, isoMicros } from "./columns";
import { only, tracesRecordset } from "./read";

/**
 * `sealed_span_refs` (migration 0030, docs/sealed-traces.md): of the spans a seal writes as
 * segments, those /investigate finds across traces in SQL — errors, retries, job and event ids
 * (the spans its partial indexes hold) — with only what those window queries read. Roots are not
 * among them: slow requests rank by the summary's root_duration_ns (migration 0035). Everything else of a sealed trace is read from its
 * segments, per trace.
 */

/** The attribute keys the window queries read: retries' and lineage's. */
const KEPT_ATTRIBUTES = ["job.id", "job.name", "job.attempt", "job.outcome", "event.id", "http.request.resend_count"] as const;
/** A span with any of these is in one of investigate's partial indexes (0006). */
const INDEXED_KEYS = ["http.request.resend_count", "job.attempt", "job.id", "event.id"] as const;
const ERROR = 2;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The first exception event, as the errors view reads it (`ev->>'name' = 'exception'`, first in order): its type and message only. */
function firstException(events: readonly SpanEvent[]): SpanEvent[] {
  if (!Array.isArray(events)) return [];
  const ev = (events as unknown[]).find((e) => isObject(e) && e.name === "exception") as SpanEvent | undefined;
  if (!ev) return [];
  return [{ name: "exception", timeUnixNano: "0", attributes: isObject(ev.attributes) ? only(ev.attributes, ["exception.type", "exception.message"]) : {} }];
}

/** A trace's spans being sealed now. */
export interface SealingTrace {
  tenantId: string;
  traceUuid: string;
  spans: readonly SegmentSpan[];
}

/**
 * Writes the refs of the spans of `traces` (being sealed now), replacing any an earlier seal
 * wrote for the same span keys (a span sent again after sealing: its row replaced the sealed
 * copy). Runs in the sealer's transaction, so refs and segments commit or roll back together.
 */
export async function writeInvestigateRefs(tx: TransactionSql, traces: readonly SealingTrace[]): Promise<void> {
  if (traces.length === 0) return;
  // Only a trace sealed before has refs an earlier seal wrote.
  const earlier = await tx<{ tenant_id: string; trace_id: string }[]>`
    SELECT d.tenant_id, d.trace_id::text AS trace_id
    FROM unnest(${traces.map((t) => t.tenantId)}::text[], ${traces.map((t) => t.traceUuid)}::uuid[]) AS d(tenant_id, trace_id)
    WHERE EXISTS (SELECT 1 FROM sealed_span_refs r WHERE r.tenant_id = d.tenant_id AND r.trace_id = d.trace_id)`;
  const refsBefore = new Set(earlier.map((r) => `${r.tenant_id}/${r.trace_id}`));
  const replacing = traces.filter((t) => refsBefore.has(`${t.tenantId}/${t.traceUuid}`)).flatMap((t) => t.spans.map((s) => ({ t, s })));
  if (replacing.length > 0) {
    await tx`
      DELETE FROM sealed_span_refs r
      USING unnest(${replacing.map(({ t }) => t.tenantId)}::text[], ${replacing.map(({ t }) => t.traceUuid)}::uuid[],
                   ${replacing.map(({ s }) => s.spanId.toString())}::int8[], ${replacing.map(({ s }) => isoMicros(s.startUs))}::text[]::timestamptz[])
        AS k(tenant_id, trace_id, span_id, start_time)
      WHERE r.tenant_id = k.tenant_id AND r.trace_id = k.trace_id AND r.span_id = k.span_id AND r.start_time = k.start_time`;
  }
  const withRefs = traces.map((t) => ({ ...t, spans: refsOf(t.spans) }));
  if (withRefs.every((t) => t.spans.length === 0)) return;
  await tx`
    INSERT INTO sealed_span_refs (tenant_id, trace_id, span_id, start_time, parent_span_id, service, name, duration_ns, status_code, status_message, attributes, events)
    SELECT tenant_id, trace_id, span_id, start_time, parent_span_id, service, name, duration_ns, status_code, status_message, attributes, events
    FROM ${tracesRecordset(tx, withRefs)} x`;
}

/** The spans of a trace that get a ref, with only what the window queries read. */
function refsOf(spans: readonly SegmentSpan[]): SegmentSpan[] {
  return spans
    .filter((s) => s.statusCode === ERROR || hasAnyKey(s.attributes, INDEXED_KEYS))
    .map((s) => {
      const error = s.statusCode === ERROR;
      return {
        ...s,
        attributes: only(s.attributes, KEPT_ATTRIBUTES),
        events: error ? firstException(s.events) : [],
        statusMessage: error ? s.statusMessage : null,
        links: [],
      };
    });
}
