import "server-only";
import type { TransactionSql } from "postgres";
import { hasAnyKey } from "@/lib/traces/span-store/columns";
import { firstBySpanOrder, SPAN_ORDER, type SpanOrder } from "@/lib/traces/span-store/order";
import { sourceSql, traceSpanSources, type SpanSource } from "@/lib/traces/span-store/read";
import type { SegmentSpan } from "@/lib/traces/segments/format";
import { LINEAGE_ID_PATTERN } from "./lineage-id";
import type { TraceHeader } from "./trace-header";

const LINEAGE_KEYS = ["job.id", "event.id"];

/** Slack around the trace's own times, so the lineage window surely holds the trace's start. */
const WINDOW_SLACK_MS = 60_000;

type FirstWork = { id: string | null } & SpanOrder;

/** `attributes->>key` of a decoded span when Node can spell it exactly: a string, or NULL; undefined otherwise. */
function textOf(attributes: Record<string, unknown>, key: string): string | null | undefined {
  const value = Object.hasOwn(attributes, key) ? attributes[key] : null;
  return value === null || typeof value === "string" ? value : undefined;
}

/**
 * A sealed source's earliest job or event span, found in Node: the trace page waits for this
 * link, and handing a large segment's job spans to Postgres as JSON took seconds. Undefined when
 * the span's id is a JSON value only Postgres writes as text (the caller asks it then).
 */
function firstWorkInNode(spans: readonly SegmentSpan[]): FirstWork[] | undefined {
  let best: SegmentSpan | undefined;
  for (const s of spans) {
    if (s.kind !== 5 || !hasAnyKey(s.attributes, LINEAGE_KEYS)) continue;
    if (!best || s.startUs < best.startUs || (s.startUs === best.startUs && s.spanId < best.spanId)) best = s;
  }
  if (!best) return [];
  const job = textOf(best.attributes, "job.id");
  const id = job === null ? textOf(best.attributes, "event.id") : job;
  return id === undefined ? undefined : [{ id, sortUs: best.startUs.toString(), sortId: best.spanId.toString() }];
}

/** The source's earliest job or event span by (start, span id), as its SQL would pick it. */
async function firstWork(tx: TransactionSql, source: SpanSource): Promise<FirstWork[]> {
  const inNode = source.sealed ? firstWorkInNode(source.spans) : undefined;
  if (inNode) return inNode;
  return tx<FirstWork[]>`
    SELECT coalesce(s.attributes->>'job.id', s.attributes->>'event.id') AS id, ${tx.unsafe(SPAN_ORDER)}
    FROM ${sourceSql(tx, source, { keep: (s) => s.kind === 5 && hasAnyKey(s.attributes, LINEAGE_KEYS), attributes: LINEAGE_KEYS })} s
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
  for await (const source of traceSpanSources(tx, header)) {
    first.push(...(await firstWork(tx, source)));
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
