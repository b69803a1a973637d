import "server-only";
import { COPY_NULL, copyChunks, copyJsonText, copyNullable, copyText } from "@/db/span-codec/copy-text";
import { TimestampFormatter } from "@/db/span-codec/timestamp";
import type { NormalizedLogRecord } from "./normalize";

export const LOG_COLUMNS =
  "tenant_id, time, time_sub_us_ns, record_id, observed_time_ns, severity_number, severity_text, body_type, body, attributes, " +
  "resource_id, scope_id, trace_id, span_id, flags, event_name, dropped_attributes_count";

const PARTITION_NAME = /^log_records_p\d{8}$/;

/** The COPY into a day's partition (ingest_log_partitions makes it); `log_records` itself has row-level security, which COPY refuses. */
export function copyIntoLogPartition(day: string): string {
  const partition = `log_records_p${day.replaceAll("-", "")}`;
  if (!PARTITION_NAME.test(partition)) throw new Error(`not a log partition: ${partition}`);
  return `COPY ${partition} (${LOG_COLUMNS}) FROM STDIN`;
}

/** The records as COPY text rows in LOG_COLUMNS order, in chunks (copyChunks): `time` keeps microseconds, `time_sub_us_ns` the rest. */
export function logCopyText(records: readonly { tenantId: string; record: NormalizedLogRecord }[]): Iterable<string> {
  const time = new TimestampFormatter();
  return copyChunks(
    records,
    ({ tenantId, record: r }) =>
      `${copyText(tenantId)}\t${time.format(Number(r.timeNs / 1000n))}\t${r.timeNs % 1000n}\t${r.recordId}\t${r.observedNs ?? COPY_NULL}\t` +
      `${r.severityNumber}\t${copyNullable(r.severityText)}\t${r.bodyType}\t${r.bodyJson === null ? COPY_NULL : copyJsonText(r.bodyJson)}\t` +
      `${copyJsonText(r.attributesJson)}\t${r.resource.id}\t${r.scope.id}\t${r.traceId ?? COPY_NULL}\t${r.spanId ?? COPY_NULL}\t` +
      // flags is a fixed32 in a signed int4 column: its bits, as `| 0` gives them.
      `${r.flags | 0}\t${copyNullable(r.eventName)}\t${r.droppedAttributesCount}\n`,
  );
}
