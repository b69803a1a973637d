import "server-only";
import type { Sql } from "@/db/connect";
import { csvLine } from "./csv";
import type { AuditFilters } from "./audit-params";
import type { AuditRow } from "./query";
import { auditColumns } from "./query";
import { auditWhere } from "./query-filters";

const HEADER = ["seq", "at_utc", "actor_id", "actor_email", "role", "action", "resource", "tenants", "outcome", "ip", "user_agent", "request_id", "trace_id", "details"];
const BATCH = 500;

function record(r: Omit<AuditRow, "seq"> & { seq: string }): string {
  return csvLine([r.seq, r.at, r.actorId, r.actorEmail, r.role, r.action, r.resource, r.tenants.join(" "), r.outcome, r.ip, r.userAgent, r.requestId, r.traceId, r.details]);
}

/**
 * Every row matching the filters as CSV, newest first, read through a server-side cursor a
 * batch at a time: the export never holds more than one batch, whatever the window. The first
 * batch is read before the stream is handed over, so a database failure is still an error
 * status rather than a cut-off download.
 */
export async function auditCsvStream(sql: Sql, filters: AuditFilters, batch = BATCH): Promise<ReadableStream<Uint8Array>> {
  const encoder = new TextEncoder();
  const batches = sql<(Omit<AuditRow, "seq"> & { seq: string })[]>`
    SELECT ${auditColumns(sql)} FROM audit_log a
    WHERE ${auditWhere(sql, filters)}
    ORDER BY a.seq DESC`
    .cursor(batch)
    [Symbol.asyncIterator]();
  const first = await batches.next();
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(csvLine(HEADER) + (first.done ? "" : first.value.map(record).join(""))));
      if (first.done) controller.close();
    },
    async pull(controller) {
      const next = await batches.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value.map(record).join("")));
    },
    async cancel() {
      await batches.return?.();
    },
  });
}
