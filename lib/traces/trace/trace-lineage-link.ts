import "server-only";
import type { TransactionSql } from "postgres";
import { LINEAGE_ID_PATTERN } from "@/lib/investigate/search-params";
import type { TraceHeader } from "./trace-header";
import { spanWhere } from "./trace-span";

/** Slack around the trace's own times, so the lineage window surely holds the trace's start. */
const WINDOW_SLACK_MS = 60_000;

/**
 * Where Investigate → Lineage shows this trace's jobs and events: looked up by the trace's
 * request id, or by its first job or event id when there is no (usable) request id, over an
 * absolute window around the trace (a relative one would drift past an older trace). Null when
 * the trace ran no job and handled no event.
 */
export async function lineageHref(tx: TransactionSql, header: TraceHeader): Promise<string | null> {
  const [work] = await tx<{ id: string | null }[]>`
    SELECT coalesce(s.attributes->>'job.id', s.attributes->>'event.id') AS id
    FROM spans s
    WHERE ${spanWhere(tx, header)} AND s.kind = 5 AND (s.attributes ? 'job.id' OR s.attributes ? 'event.id')
    ORDER BY s.start_time, s.span_id
    LIMIT 1`;
  if (!work) return null;
  const id = [header.requestId, work.id].find((c): c is string => c !== null && LINEAGE_ID_PATTERN.test(c));
  if (!id) return null;
  const query = new URLSearchParams({
    view: "lineage",
    id,
    tenant: header.tenantId,
    from: new Date(Date.parse(header.start) - WINDOW_SLACK_MS).toISOString(),
    to: new Date(Date.parse(header.end) + WINDOW_SLACK_MS).toISOString(),
  });
  return `/investigate?${query}`;
}
