import "server-only";
import { copyJson, copyNullable, copyText, COPY_NULL } from "@/db/span-codec/copy-text";
import { TimestampFormatter } from "@/db/span-codec/timestamp";
import type { AcceptedSpan } from "./enforce-tenant";

export const SPAN_COLUMNS =
  "tenant_id, trace_id, span_id, parent_span_id, request_id, service, name, kind, start_time, duration_ns, " +
  "status_code, status_message, attributes, events, links, resource_id, " +
  "dropped_attributes_count, dropped_events_count, dropped_links_count, start_sub_us_ns, trace_state, scope_id, flags";

/** Epoch microseconds of a nanosecond time: `start_time` keeps microseconds, `start_sub_us_ns` the rest. */
function epochMicros(ns: bigint): number {
  return Number(ns / 1000n);
}

/** The spans as COPY text rows in SPAN_COLUMNS order. */
export function spanCopyText(spans: readonly AcceptedSpan[]): string {
  const time = new TimestampFormatter();
  let out = "";
  for (const { tenantId, span: s } of spans) {
    out +=
      `${copyText(tenantId)}\t${s.traceId}\t${s.spanId}\t${s.parentSpanId ?? COPY_NULL}\t${copyNullable(s.requestId)}\t` +
      `${copyText(s.service)}\t${copyText(s.name)}\t${s.kind}\t${time.format(epochMicros(s.startNs))}\t${s.durationNs}\t` +
      `${s.statusCode}\t${copyNullable(s.statusMessage)}\t${copyJson(s.attributes)}\t` +
      `${s.events.length > 0 ? copyJson(s.events) : "[]"}\t${s.links.length > 0 ? copyJson(s.links) : "[]"}\t${s.resource.id}\t` +
      `${s.droppedAttributesCount}\t${s.droppedEventsCount}\t${s.droppedLinksCount}\t${s.startNs % 1000n}\t${copyNullable(s.traceState ?? null)}\t` +
      // flags is a fixed32 in a signed int4 column: its bits, as `| 0` gives them.
      `${s.scope.id}\t${s.flags | 0}\n`;
  }
  return out;
}
