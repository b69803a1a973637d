import "server-only";
import type { TransactionSql } from "postgres";
import { hasAnyKey } from "@/lib/traces/span-store/columns";
import { firstBySpanOrder, SPAN_ORDER, type SpanOrder } from "@/lib/traces/span-store/order";
import { sourceSql, traceSpanSources } from "@/lib/traces/span-store/read";
import { LINEAGE_ID_PATTERN } from "./lineage-id";
import type { TraceHeader } from "./trace-header";

const LINEAGE_KEYS = ["job.id", "event.id"];

/** Slack around the trace's own times, so the lineage window surely holds the trace's start. */
const WINDOW_SLACK_MS = 60_000;

/**
 * Where Investigate → Lineage shows this trace's jobs and events: looked up by the trace's
 * request id, or by its first job or event id when there is no (usable) request id, over an
 * absolute window around the trace (a relative one would drift past an older trace). Null when
 * the trace ran no job and handled no event.
 */
export async function lineageHref(tx: TransactionSql, header: TraceHeader): Promise<string | null> {
  const first: ({ id: string | null } & SpanOrder)[] = [];
  for await (const source of traceSpanSources(tx, header)) {
    first.push(
      ...(await tx<({ id: string | null } & SpanOrder)[]>`
        SELECT coalesce(s.attributes->>'job.id', s.attributes->>'event.id') AS id, ${tx.unsafe(SPAN_ORDER)}
        FROM ${sourceSql(tx, source, { keep: (s) => s.kind === 5 && hasAnyKey(s.attributes, LINEAGE_KEYS), attributes: LINEAGE_KEYS })} s
        WHERE s.kind = 5 AND (s.attributes ? 'job.id' OR s.attributes ? 'event.id')
        ORDER BY s.start_time, s.span_id
        LIMIT 1`),
    );
  }
  const [work] = firstBySpanOrder(first, 1);
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
