import { createHash } from "node:crypto";
import type postgres from "postgres";
import { fromNs } from "../../lib/ingest/traces/sql-time";
import { DEMO_SCOPE } from "./resources";
import type { DemoLogRecord } from "./trace-logs";

/**
 * A demo record's row identity: a hash of the record, as ingest makes one of what it stores,
 * so rerunning a seed over the same records would add nothing.
 */
const recordId = (r: DemoLogRecord) => createHash("sha256").update(JSON.stringify(r)).digest().readBigInt64BE(0).toString();

const INSERT = `
  INSERT INTO log_records (tenant_id, time, time_sub_us_ns, record_id, severity_number, severity_text, body_type, body,
                           attributes, resource_id, scope_id, trace_id, span_id, flags)
  SELECT t, ${fromNs("ns")}, (ns % 1000)::smallint, rid, sev, sevt, 'string', to_jsonb(b), a::jsonb, res, $12::bigint, tr, sp, fl
  FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::smallint[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::uuid[], $10::bigint[], $11::integer[])
    AS u(t, ns, rid, sev, sevt, b, a, res, tr, sp, fl)
  ON CONFLICT (tenant_id, time, record_id) DO NOTHING`;

/** Writes a batch's demo log records in one statement, in the transaction that writes their spans. */
export async function insertDemoLogs(tx: postgres.TransactionSql, logs: readonly DemoLogRecord[]): Promise<void> {
  if (logs.length === 0) return;
  await tx.unsafe(INSERT, [
    logs.map((l) => l.tenantId),
    logs.map((l) => l.timeUnixNano),
    logs.map(recordId),
    logs.map((l) => l.severityNumber),
    logs.map((l) => l.severityText),
    logs.map((l) => l.body),
    // Sent as text: postgres.js would JSON-encode a string bound to jsonb a second time.
    logs.map((l) => JSON.stringify(l.attributes)),
    logs.map((l) => l.resourceId),
    logs.map((l) => l.traceId),
    logs.map((l) => l.spanId),
    logs.map((l) => l.flags),
    DEMO_SCOPE.id,
  ]);
}
