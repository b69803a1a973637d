import "server-only";
import type { TransactionSql } from "postgres";
import { hasAnyKey } from "@/lib/traces/span-store/columns";
import { columnOrder, firstBySpanOrder, pastFirst, SPAN_ORDER, spanOrderAt, type SpanOrder } from "@/lib/traces/span-store/order";
import { fieldText } from "@/lib/db/jsonb-text";
import { spanJson } from "@/lib/traces/segments/decode";
import { keptRows, sourceSql, traceSpanColumnSources, type RowsSource, type SegmentColumnsSource } from "@/lib/traces/span-store/read";
import { LINEAGE_ID_PATTERN } from "./lineage-id";
import type { TraceHeader } from "./trace-header";

const LINEAGE_KEYS = ["job.id", "event.id"];

/** Slack around the trace's own times, so the lineage window surely holds the trace's start. */
const WINDOW_SLACK_MS = 60_000;

type FirstWork = { id: string | null } & SpanOrder;

/**
 * A sealed segment's earliest job or event span by (start, span id), found in Node from its
 * columns: the trace page waits for this link, and handing a large segment's job spans to
 * Postgres as JSON took seconds. Its id is what the SQL's `->>` writes (jsonbText).
 */
function firstWorkInNode(source: SegmentColumnsSource<"attributes">): FirstWork[] {
  const { columns: c } = source;
  const rows = keptRows(source);
  const order = columnOrder(c);
  let best = -1;
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k]!;
    if (c.kind[i] !== 5 || !hasAnyKey(spanJson(c, "attributes", i), LINEAGE_KEYS)) continue;
    if (best < 0 || order(i, best) < 0) best = i;
  }
  if (best < 0) return [];
  const attributes = spanJson(c, "attributes", best);
  return [{ id: fieldText(attributes, "job.id") ?? fieldText(attributes, "event.id"), ...spanOrderAt(c, best) }];
}

/** The rows' earliest job or event span by (start, span id). */
function firstWorkOfRows(tx: TransactionSql, rows: RowsSource): Promise<FirstWork[]> {
  return tx<FirstWork[]>`
    SELECT coalesce(s.attributes->>'job.id', s.attributes->>'event.id') AS id, ${tx.unsafe(SPAN_ORDER)}
    FROM ${sourceSql(tx, rows)} s
    WHERE s.kind = 5 AND (s.attributes ? 'job.id' OR s.attributes ? 'event.id')
    ORDER BY s.start_time, s.span_id
    LIMIT 1`;
}

/**
 * Where Investigate → Lineage shows this trace's jobs and events: looked up by the trace's
 * request id, or by its first job or event id when there is no (usable) request id, over an
 * absolute window around the trace (a relative one would drift past an older trace). Null when
 * the trace ran no job and handled no event.
 */
export async function lineageHref(tx: TransactionSql, header: TraceHeader): Promise<string | null> {
  // With a usable request id the link names it, so any job or event span makes the link: the
  // first source holding one ends the read, where a sealed trace would decode every segment
  // whole (a 1,000,000-span trace's 100, beside its span stream, while its page loads).
  const byRequest = header.requestId !== null && LINEAGE_ID_PATTERN.test(header.requestId);
  const first: FirstWork[] = [];
  // A segment starting after the earliest found so far cannot hold an earlier one; sealed in start order, most are passed over.
  for await (const source of traceSpanColumnSources(tx, header, ["attributes"], pastFirst(first, 1))) {
    first.push(...(source.sealed ? firstWorkInNode(source) : await firstWorkOfRows(tx, source)));
    if (byRequest && first.length > 0) break;
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
